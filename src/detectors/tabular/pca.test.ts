import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromRows } from '../../core/matrix.ts';
import { rocAuc } from '../../metrics/roc.ts';
import { PCA } from './pca.ts';
import { blobWithFarPoints } from './synthetic-fixture.ts';

describe('PCA', () => {
  it('scores by hand on two perfectly anti-correlated features: distance to the one real component', () => {
    // Standardised, the rows are (−a, a), (0, 0), (a, −a) with a = √1.5; the correlation matrix [[1, −1], [−1, 1]]
    // has eigenvalues 2 and 0, and the zero one is left out. The first two rows tie on |projection| (√3); as
    // svd_flip, the first wins and must project positively, so v = (−1, 1)/√2 with share 1.
    // Scores ‖x − v‖: (−a, a) → √3 − 1, (0, 0) → 1, (a, −a) → √3 + 1.
    const model = new PCA().fit(fromRows([[0, 2], [1, 1], [2, 0]]));
    const expected = [Math.sqrt(3) - 1, 1, Math.sqrt(3) + 1];
    model.trainingScores.forEach((s, i) => assert.ok(Math.abs(s - expected[i]!) < 1e-9, `row ${i}: ${s} vs ${expected[i]}`));
  });

  it('ranks the far points on top of a Gaussian blob, deterministically, with or without weighting', () => {
    const { X, labels } = blobWithFarPoints(8);
    const model = new PCA().fit(X);
    assert.ok(rocAuc(labels, model.trainingScores) > 0.95);
    assert.deepEqual(new PCA().fit(X).trainingScores, model.trainingScores);
    assert.ok(rocAuc(labels, new PCA({ weighted: false, selectedComponents: 2 }).fit(X).trainingScores) > 0.9);
  });

  it('gives finite scores when a feature is constant or features outnumber rows', () => {
    const X = fromRows([[1, 5, 0, 2, 9], [2, 5, 1, 3, 8], [3, 5, 0, 1, 7]]);
    const model = new PCA().fit(X);
    assert.ok(model.trainingScores.every(Number.isFinite));
    assert.ok(model.score(fromRows([[100, 5, 3, -4, 0]])).every(Number.isFinite));
  });

  it('restores from a snapshot with identical scores', () => {
    const { X } = blobWithFarPoints(9);
    const model = new PCA().fit(X);
    const copy = new PCA().restore(model.snapshot());
    assert.deepEqual(copy.score(X), model.score(X));
  });
});
