import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OptionError } from '../../core/errors.ts';
import { createMatrix, type Matrix } from '../../core/matrix.ts';
import { Rng } from '../../core/rng.ts';
import { rocAuc } from '../../metrics/roc.ts';
import { SOD } from './sod.ts';

/** SOD over all pairs: shared-neighbour counts for every pair, ties by distance then index (as the detector). */
function sodAllPairs(X: Matrix, k: number, refSet: number, alpha: number): number[] {
  const n = X.rows;
  const d = X.cols;
  const sq = (a: number, b: number): number => {
    let s = 0;
    for (let j = 0; j < d; j++) s += (X.data[a * d + j]! - X.data[b * d + j]!) ** 2;
    return s;
  };
  const knn = Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => j).filter((j) => j !== i).sort((a, b) => sq(i, a) - sq(i, b) || a - b).slice(0, k));
  return knn.map((mine, i) => {
    const ref = Array.from({ length: n }, (_, j) => j).filter((j) => j !== i)
      .map((j) => ({ j, shared: knn[j]!.filter((p) => mine.includes(p)).length, dist: sq(i, j) }))
      .sort((a, b) => b.shared - a.shared || a.dist - b.dist || a.j - b.j).slice(0, refSet).map((r) => r.j);
    const mean = Array.from({ length: d }, (_, c) => ref.reduce((s, r) => s + X.data[r * d + c]!, 0) / refSet);
    const variance = mean.map((m, c) => ref.reduce((s, r) => s + (X.data[r * d + c]! - m) ** 2, 0) / refSet);
    const expected = (alpha * variance.reduce((a, b) => a + b, 0)) / d;
    const relevant = variance.map((v) => v < expected);
    const count = relevant.filter(Boolean).length;
    if (count === 0) return 0;
    return Math.sqrt(relevant.reduce((s, r, c) => s + (r ? (X.data[i * d + c]! - mean[c]!) ** 2 : 0), 0) / count);
  });
}

function subspaceData(seed: number, normal = 300, outliers = 15): { X: Matrix; y: Uint8Array } {
  const rng = new Rng(seed);
  const X = createMatrix(normal + outliers, 4);
  const y = new Uint8Array(normal + outliers);
  for (let i = 0; i < X.rows; i++) {
    y[i] = i >= normal ? 1 : 0;
    X.data[i * 4] = rng.normal(0, 3);
    X.data[i * 4 + 1] = rng.normal(0, 3);
    for (const j of [2, 3]) X.data[i * 4 + j] = y[i] ? (rng.next() < 0.5 ? -1 : 1) * rng.uniform(1, 2) : rng.normal(0, 0.1);
  }
  return { X, y };
}

describe('sod', () => {
  it('matches the all-pairs shared-neighbour definition on random data', () => {
    const rng = new Rng(7);
    const X = createMatrix(60, 5);
    for (let p = 0; p < X.data.length; p++) X.data[p] = rng.normal() * (p % 5 === 0 ? 0.1 : 1);
    const got = new SOD({ nNeighbors: 8, refSet: 4 }).fit(X).trainingScores;
    const want = sodAllPairs(X, 8, 4, 0.8);
    got.forEach((s, i) => assert.ok(Math.abs(s - want[i]!) < 1e-9, `row ${i}: ${s} vs ${want[i]}`));
  });

  it('puts planted subspace outliers on top (AUC > 0.95), identically on refit and after restore', () => {
    // SOD looks for deviation in the features where a neighbourhood is tight: an isotropic blob has none, so the
    // normal rows here spread widely in two features and tightly in two, and the outliers leave the tight ones.
    const train = subspaceData(1, 300, 5);
    const test = subspaceData(2);
    const sod = new SOD().fit(train.X);
    assert.ok(rocAuc(train.y, sod.trainingScores) > 0.95);
    assert.ok(rocAuc(test.y, sod.score(test.X)) > 0.95);
    assert.deepEqual(new SOD().fit(train.X).trainingScores, sod.trainingScores);
    assert.deepEqual(new SOD().restore(sod.snapshot()).score(test.X), sod.score(test.X));
  });

  it('refuses a reference set larger than the neighbourhood', () => {
    assert.throws(() => new SOD({ nNeighbors: 5, refSet: 6 }), OptionError);
  });
});
