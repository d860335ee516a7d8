import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createMatrix, fromRows, type Matrix } from '../../core/matrix.ts';
import { Rng } from '../../core/rng.ts';
import { rocAuc } from '../../metrics/roc.ts';
import { blobWithOutliers } from './blob-fixture.ts';
import { COF } from './cof.ts';

/** PyOD's _cof_fast, written out over the full distance matrix (fine for a few dozen rows). */
function cofAllPairs(X: Matrix, k: number): number[] {
  const n = X.rows;
  const dist = (a: number, b: number): number => {
    let s = 0;
    for (let j = 0; j < X.cols; j++) s += (X.data[a * X.cols + j]! - X.data[b * X.cols + j]!) ** 2;
    return Math.sqrt(s);
  };
  const paths: number[][] = [];
  const acd: number[] = [];
  for (let i = 0; i < n; i++) {
    const path = Array.from({ length: n }, (_, j) => j).filter((j) => j !== i).sort((a, b) => dist(i, a) - dist(i, b) || a - b);
    const chain = [i, ...path.slice(0, k)];
    paths.push(chain.slice(1));
    let s = 0;
    for (let j = 0; j < k; j++) {
      const cost = Math.min(...chain.slice(0, j + 1).map((p) => dist(chain[j + 1]!, p)));
      s += ((2 * (k + 1 - (j + 1))) / ((k + 1) * k)) * cost;
    }
    acd.push(s);
  }
  return acd.map((a, i) => (a * k) / paths[i]!.reduce((t, p) => t + acd[p]!, 0));
}

describe('cof', () => {
  it('matches the all-pairs definition on random data', () => {
    const rng = new Rng(5);
    const X = createMatrix(40, 3);
    for (let p = 0; p < X.data.length; p++) X.data[p] = rng.normal();
    const got = new COF({ nNeighbors: 6 }).fit(X).trainingScores;
    const want = cofAllPairs(X, 6);
    got.forEach((s, i) => assert.ok(Math.abs(s - want[i]!) < 1e-8, `row ${i}: ${s} vs ${want[i]}`));
  });

  it('chains through the nearest earlier point, by hand (k = 2)', () => {
    // Row 0 at 0 with neighbours 1 (d 1) then 3 (d 3): costs 1 and min(3, |3 − 1|) = 2; weights 2/3 and 1/3 → 4/3.
    const cof = new COF({ nNeighbors: 2 }).fit(fromRows([[0], [1], [3], [4]]));
    const acd = (cof.snapshot().arrays.chaining as Float64Array)[0]!;
    assert.ok(Math.abs(acd - 4 / 3) < 1e-12);
  });

  it('puts planted far points on top (AUC > 0.95), identically on refit and after restore', () => {
    const train = blobWithOutliers(1, 300, 15, 4);
    const test = blobWithOutliers(2, 300, 15, 4);
    const cof = new COF().fit(train.X);
    assert.ok(rocAuc(train.y, cof.trainingScores) > 0.95);
    assert.ok(rocAuc(test.y, cof.score(test.X)) > 0.95);
    assert.deepEqual(new COF().fit(train.X).trainingScores, cof.trainingScores);
    assert.deepEqual(new COF().restore(cof.snapshot()).score(test.X), cof.score(test.X));
  });

  it('stays finite when neighbourhoods are all duplicates', () => {
    const cof = new COF({ nNeighbors: 2 }).fit(fromRows([[0], [0], [0], [0], [9]]));
    assert.ok(cof.trainingScores.every(Number.isFinite));
    assert.equal(cof.trainingScores[0], 1);
  });
});
