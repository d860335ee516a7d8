import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromRows } from '../../core/matrix.ts';
import { rocAuc } from '../../metrics/roc.ts';
import { GMM } from './gmm.ts';
import { blobWithFarPoints } from './synthetic-fixture.ts';

describe('GMM', () => {
  it('with one component scores −log N(x | mean, variance + 1e-6) by hand', () => {
    // x = 0, 2: mean 1, maximum-likelihood variance 1, plus the 1e-6 regularisation.
    const model = new GMM().fit(fromRows([[0], [2]]));
    const v = 1 + 1e-6;
    const expected = (x: number) => 0.5 * ((x - 1) ** 2 / v) + 0.5 * (Math.log(2 * Math.PI) + Math.log(v));
    assert.ok(Math.abs(model.trainingScores[0]! - expected(0)) < 1e-12);
    assert.ok(Math.abs(model.score(fromRows([[5]]))[0]! - expected(5)) < 1e-12);
  });

  it('ranks the far points on top of a Gaussian blob, with one or three components, deterministically', () => {
    const { X, labels } = blobWithFarPoints(12);
    assert.ok(rocAuc(labels, new GMM().fit(X).trainingScores) > 0.95);
    const three = new GMM({ components: 3, seed: 4 }).fit(X);
    assert.ok(rocAuc(labels, three.trainingScores) > 0.95);
    assert.deepEqual(new GMM({ components: 3, seed: 4 }).fit(X).trainingScores, three.trainingScores);
  });

  it('stays finite on a singular covariance and restores from a snapshot', () => {
    const flat = new GMM({ regularization: 0 }).fit(fromRows([[1, 2], [2, 4], [3, 6]]));
    assert.ok(flat.score(fromRows([[1, 0]])).every(Number.isFinite));
    const { X } = blobWithFarPoints(13);
    const model = new GMM({ components: 2 }).fit(X);
    assert.deepEqual(new GMM({ components: 2 }).restore(model.snapshot()).score(X), model.score(X));
  });
});
