import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromRows } from '../../core/matrix.ts';
import { rocAuc } from '../../metrics/roc.ts';
import { averagePathLength, IForest } from './iforest.ts';
import { blobWithFarPoints } from './synthetic-fixture.ts';

describe('IForest', () => {
  it('c(n) matches the paper: 2H(n−1) − 2(n−1)/n, with c(1) = 0 and c(2) = 1', () => {
    assert.equal(averagePathLength(1), 0);
    assert.equal(averagePathLength(2), 1);
    // c(3) = 2(ln 2 + γ) − 4/3; c(256) ≈ 10.2448 (the normaliser of the default forest)
    assert.ok(Math.abs(averagePathLength(3) - (2 * (Math.log(2) + 0.5772156649015329) - 4 / 3)) < 1e-12);
    assert.ok(Math.abs(averagePathLength(256) - 10.244770920116851) < 1e-9);
  });

  it('ranks the far points on top of a Gaussian blob', () => {
    const { X, labels } = blobWithFarPoints(1);
    const model = new IForest({ seed: 3 }).fit(X);
    assert.ok(rocAuc(labels, model.trainingScores) > 0.95);
    for (const s of model.trainingScores) assert.ok(s > 0 && s < 1, 'scores are 2^(−E[h]/c) in (0, 1)');
  });

  it('same seed, same scores; another seed, other scores', () => {
    const { X } = blobWithFarPoints(2);
    const a = new IForest({ seed: 5 }).fit(X).score(X);
    const b = new IForest({ seed: 5 }).fit(X).score(X);
    const c = new IForest({ seed: 6 }).fit(X).score(X);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
  });

  it('scores the training rows as fit did, and a save / restore gives the same scores', () => {
    const { X } = blobWithFarPoints(3);
    const model = new IForest({ trees: 20, maxSamples: 64 }).fit(X);
    assert.deepEqual(model.score(X), model.trainingScores);
    const snapshot = model.snapshot();
    const params = JSON.parse(JSON.stringify(snapshot.params)) as Record<string, unknown>;
    const copy = new IForest({ trees: 20, maxSamples: 64 }).restore({ ...snapshot, params });
    assert.deepEqual(copy.score(X), model.score(X));
  });

  it('a point isolated by one split scores higher than a point inside a cluster', () => {
    const X = fromRows([[0], [0.1], [0.2], [0.15], [0.05], [10]]);
    const model = new IForest({ maxSamples: 6, trees: 200 }).fit(X);
    const s = model.trainingScores;
    for (let i = 0; i < 5; i++) assert.ok(s[5]! > s[i]!);
  });
});
