import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromRows } from '../../core/matrix.ts';
import { rocAuc } from '../../metrics/roc.ts';
import { blobWithOutliers } from './blob-fixture.ts';
import { LOF } from './lof.ts';

describe('lof', () => {
  it('matches a hand computation on a tiny 1-D set (k = 2)', () => {
    // Points 0, 1, 2, 10. Neighbours (self left out): 0 → 1, 2; 1 → 0, 2; 2 → 1, 0; 10 → 2, 1.
    // k-distances: 2, 1, 2, 9.
    // reach-dist(p, o) = max(k-dist(o), d(p, o)):
    //   0: max(1, 1) = 1, max(2, 2) = 2 → lrd 1 / 1.5
    //   1: max(2, 1) = 2, max(2, 1) = 2 → lrd 1 / 2
    //   2: max(1, 1) = 1, max(2, 2) = 2 → lrd 1 / 1.5
    //  10: max(2, 8) = 8, max(1, 9) = 9 → lrd 1 / 8.5
    // LOF = mean lrd of neighbours / own lrd:
    //   0: (1/2 + 1/1.5) / 2 · 1.5 = 0.875;  1: (1/1.5 + 1/1.5) / 2 · 2 = 4/3;  2: same as 0;  10: (1/1.5 + 1/2) / 2 · 8.5
    const lof = new LOF({ nNeighbors: 2 }).fit(fromRows([[0], [1], [2], [10]]));
    const want = [0.875, 4 / 3, 0.875, ((1 / 1.5 + 1 / 2) / 2) * 8.5];
    lof.trainingScores.forEach((s, i) => assert.ok(Math.abs(s - want[i]!) < 1e-8, `row ${i}: ${s} vs ${want[i]}`));
    // A new row at 1.5: neighbours 1 (0.5) and 2 (0.5); reach-dists max(1, .5) = 1, max(2, .5) = 2 → lrd 1/1.5;
    // LOF = (1/2 + 1/1.5) / 2 · 1.5 = 0.875.
    assert.ok(Math.abs(lof.score(fromRows([[1.5]]))[0]! - 0.875) < 1e-8);
  });

  it('puts planted far points on top (AUC > 0.95)', () => {
    const train = blobWithOutliers(1, 300, 15, 4);
    const test = blobWithOutliers(2, 300, 15, 4);
    const lof = new LOF().fit(train.X);
    assert.ok(rocAuc(train.y, lof.trainingScores) > 0.95);
    assert.ok(rocAuc(test.y, lof.score(test.X)) > 0.95);
  });

  it('keeps scores finite on duplicated rows, and restores to the same scores', () => {
    const X = fromRows([[0, 0], [0, 0], [0, 0], [0, 0], [1, 1], [5, 5]]);
    const lof = new LOF({ nNeighbors: 3 }).fit(X);
    assert.ok(lof.trainingScores.every(Number.isFinite));
    assert.ok(lof.trainingScores[5]! > lof.trainingScores[0]!);
    assert.deepEqual(new LOF({ nNeighbors: 3 }).restore(lof.snapshot()).score(X), lof.score(X));
  });
});
