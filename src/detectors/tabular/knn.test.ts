import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromRows } from '../../core/matrix.ts';
import { rocAuc } from '../../metrics/roc.ts';
import { blobWithOutliers } from './blob-fixture.ts';
import { KNN } from './knn.ts';

describe('knn', () => {
  it('scores a line by hand: k-th, mean and median distance', () => {
    const X = fromRows([[0], [1], [3], [7]]);
    // Training rows leave themselves out: row 0 → 1, 3; row 1 → 1, 2; row 2 → 2, 3; row 3 → 4, 6.
    assert.deepEqual(Array.from(new KNN({ nNeighbors: 2 }).fit(X).trainingScores), [3, 2, 3, 6]);
    assert.deepEqual(Array.from(new KNN({ nNeighbors: 2, method: 'mean' }).fit(X).trainingScores), [2, 1.5, 2.5, 5]);
    assert.deepEqual(Array.from(new KNN({ nNeighbors: 2, method: 'median' }).fit(X).trainingScores), [2, 1.5, 2.5, 5]);
    // A new row counts every training row: 2 → 1, 1 (rows 1 and 3), 2.
    assert.deepEqual(Array.from(new KNN({ nNeighbors: 3 }).fit(X).score(fromRows([[2], [10]]))), [2, 9]);
  });

  it('puts planted far points on top (AUC > 0.95), brute force and KD-tree alike', () => {
    const train = blobWithOutliers(1, 300, 15, 4);
    const test = blobWithOutliers(2, 300, 15, 4);
    const tree = new KNN({ algorithm: 'kd-tree' }).fit(train.X);
    const brute = new KNN({ algorithm: 'brute-force' }).fit(train.X);
    assert.ok(rocAuc(train.y, tree.trainingScores) > 0.95);
    assert.ok(rocAuc(test.y, tree.score(test.X)) > 0.95);
    assert.deepEqual(tree.score(test.X), brute.score(test.X));
  });

  it('gives identical scores for identical fits, and after save → restore', () => {
    const { X } = blobWithOutliers(3);
    const a = new KNN().fit(X);
    const b = new KNN().fit(X);
    assert.deepEqual(a.trainingScores, b.trainingScores);
    const restored = new KNN().restore(a.snapshot());
    assert.deepEqual(restored.score(X), a.score(X));
  });
});
