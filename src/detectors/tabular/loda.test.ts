import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromRows } from '../../core/matrix.ts';
import { rocAuc } from '../../metrics/roc.ts';
import { LODA } from './loda.ts';
import { blobWithFarPoints } from './synthetic-fixture.ts';

describe('LODA', () => {
  it('on one feature is a histogram: −log of the bin share, a value on an inner edge going right', () => {
    // Values 0, 1, 2, 3, 4 on one random direction w, 2 bins: the edge is the projection of 2, which goes to the
    // bin on its right. For w > 0 the bins hold {0, 1} and {2, 3, 4}; for w < 0 they hold {3, 4} and {2, 1, 0}.
    const model = new LODA({ bins: 2, cuts: 1 }).fit(fromRows([[0], [1], [2], [3], [4]]));
    const w = model.snapshot().arrays.projections![0]!;
    const p = (count: number) => -Math.log((count + 1e-12) / (5 + 2e-12));
    const expected = w > 0 ? [p(2), p(2), p(3), p(3), p(3)] : [p(3), p(3), p(3), p(2), p(2)];
    model.trainingScores.forEach((s, i) => assert.ok(Math.abs(s - expected[i]!) < 1e-12, `row ${i}`));
    // Outside the training range a value takes the edge bin's probability, as PyOD.
    assert.ok(Math.abs(model.score(fromRows([[100]]))[0]! - (w > 0 ? p(3) : p(2))) < 1e-12);
  });

  it('ranks the far points on top of a Gaussian blob; same seed, same scores', () => {
    const { X, labels } = blobWithFarPoints(10);
    const a = new LODA({ seed: 1 }).fit(X);
    assert.ok(rocAuc(labels, a.trainingScores) > 0.95);
    assert.deepEqual(new LODA({ seed: 1 }).fit(X).trainingScores, a.trainingScores);
    assert.notDeepEqual(new LODA({ seed: 2 }).fit(X).trainingScores, a.trainingScores);
  });

  it('gives finite scores for a constant projection and restores from a snapshot', () => {
    const flat = new LODA().fit(fromRows([[1, 1], [1, 1], [1, 1]]));
    assert.ok(flat.trainingScores.every(Number.isFinite));
    const { X } = blobWithFarPoints(11);
    const model = new LODA().fit(X);
    assert.deepEqual(new LODA().restore(model.snapshot()).score(X), model.score(X));
  });
});
