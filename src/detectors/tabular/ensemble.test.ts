import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OptionError, UnknownNameError } from '../../core/errors.ts';
import { rocAuc } from '../../metrics/index.ts';
import '../builtins.ts';
import { Ensemble } from './ensemble.ts';
import { blobWithFarPoints } from './synthetic-fixture.ts';

test('the default ensemble ranks far points above the blob', () => {
  const { X, labels } = blobWithFarPoints(3);
  const scores = new Ensemble({ seed: 1 }).fit(X).trainingScores;
  assert.ok(rocAuc(labels, scores) > 0.99);
});

test('mean-rank scores of training rows are mean mid-ranks in [0, 1]', () => {
  const { X } = blobWithFarPoints(4, 100, 5, 3);
  const e = new Ensemble({ members: ['hbos', 'ecod'], combination: 'mean-rank' }).fit(X);
  for (const s of e.trainingScores) assert.ok(s > 0 && s <= 1, `score ${s}`);
});

test('a point beyond every training score ranks above the most extreme training row', () => {
  const { X } = blobWithFarPoints(5, 200, 0, 2);
  const e = new Ensemble({ members: ['ecod', 'knn'] }).fit(X);
  const top = Math.max(...e.trainingScores);
  const far = e.score({ rows: 2, cols: 2, data: Float64Array.from([50, 50, 100, 100]) });
  assert.ok(far[0]! > top && far[1]! > far[0]!, `far ${far} vs top ${top}`);
});

test('each combination works and members take their own options', () => {
  const { X, labels } = blobWithFarPoints(6);
  for (const combination of ['mean-rank', 'max-rank', 'mean-zscore'] as const) {
    const e = new Ensemble({ combination, members: ['hbos', { detector: 'knn', options: { nNeighbors: 3 } }] }).fit(X);
    assert.ok(rocAuc(labels, e.trainingScores) > 0.95, combination);
  }
});

test('unknown or recursive members are refused at construction', () => {
  assert.throws(() => new Ensemble({ members: ['nope'] }), UnknownNameError);
  assert.throws(() => new Ensemble({ members: ['ensemble'] }), OptionError);
});

test('the default combines eight members by the mean of their z-scores against their own training scores', () => {
  const { X } = blobWithFarPoints(7, 150, 6, 3);
  const e = new Ensemble({ seed: 2 }).fit(X);
  assert.equal(e.options.combination, 'mean-zscore');
  assert.deepEqual(e.options.members, ['iforest', 'inne', 'cblof', 'mcd', 'gmm', 'ecod', 'pca', 'knn']);
  // each member's training z-scores have mean 0, so their average over the training rows does too
  const mean = e.trainingScores.reduce((a, b) => a + b, 0) / e.trainingScores.length;
  assert.ok(Math.abs(mean) < 1e-9, `mean ${mean}`);
});
