import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createMatrix, fromRows } from '../../core/matrix.ts';
import { Rng } from '../../core/rng.ts';
import { kMeans } from '../components/kmeans.ts';
import { rocAuc } from '../../metrics/roc.ts';
import { blobWithOutliers } from './blob-fixture.ts';
import { CBLOF } from './cblof.ts';

describe('k-means', () => {
  it('finds three well-separated blobs, the same way for the same seed', () => {
    const rng = new Rng(3);
    const X = createMatrix(300, 2);
    const centres = [[0, 0], [10, 0], [0, 10]];
    for (let i = 0; i < 300; i++) for (let j = 0; j < 2; j++) X.data[i * 2 + j] = centres[i % 3]![j]! + rng.normal(0, 0.5);
    const a = kMeans(X, { clusters: 3, starts: 3, maxIterations: 100, tolerance: 1e-4 }, new Rng(1));
    const b = kMeans(X, { clusters: 3, starts: 3, maxIterations: 100, tolerance: 1e-4 }, new Rng(1));
    assert.deepEqual(a.labels, b.labels);
    for (let i = 3; i < 300; i++) assert.equal(a.labels[i], a.labels[i % 3]);
    assert.equal(new Set(a.labels).size, 3);
  });

  it('re-seeds an empty cluster rather than leaving a NaN centre', () => {
    const X = fromRows([[0], [0], [0], [0], [1]]);
    const r = kMeans(X, { clusters: 3, starts: 1, maxIterations: 50, tolerance: 1e-4 }, new Rng(0));
    assert.ok(Array.from(r.centers).every(Number.isFinite));
  });
});

describe('cblof', () => {
  it('scores by distance to the own large centre, or to the nearest large centre from a small cluster', () => {
    // Two large groups at 0 and 100 (40 rows each) and one small pair at 50: with 3 clusters the pair is small.
    const rows: number[][] = [];
    for (let i = 0; i < 40; i++) rows.push([i % 2]);
    for (let i = 0; i < 40; i++) rows.push([100 + (i % 2)]);
    rows.push([50], [51]);
    const cblof = new CBLOF({ nClusters: 3, nInit: 3 }).fit(fromRows(rows));
    assert.ok(Math.abs(cblof.trainingScores[0]! - 0.5) < 1e-12);
    assert.ok(Math.abs(cblof.trainingScores[80]! - 49.5) < 1e-12);
    assert.ok(Math.abs(cblof.trainingScores[81]! - 49.5) < 1e-12);
  });

  it('counts every cluster as large when no cut qualifies (evenly sized clusters), where PyOD raises', () => {
    // Eight well-separated groups of equal size: no alpha cut before the last cluster, no size drop.
    const rows: number[][] = [];
    for (let g = 0; g < 8; g++) for (let i = 0; i < 10; i++) rows.push([g * 100 + (i % 2)]);
    const cblof = new CBLOF().fit(fromRows(rows));
    cblof.trainingScores.forEach((s) => assert.ok(Math.abs(s - 0.5) < 1e-12));
  });

  it('puts planted far points on top (AUC > 0.95), identically for one seed and after restore', () => {
    const train = blobWithOutliers(1, 300, 15, 4);
    const test = blobWithOutliers(2, 300, 15, 4);
    const cblof = new CBLOF({ seed: 4 }).fit(train.X);
    assert.ok(rocAuc(train.y, cblof.trainingScores) > 0.95);
    assert.ok(rocAuc(test.y, cblof.score(test.X)) > 0.95);
    assert.deepEqual(new CBLOF({ seed: 4 }).fit(train.X).trainingScores, cblof.trainingScores);
    assert.deepEqual(new CBLOF().restore(cblof.snapshot()).score(test.X), cblof.score(test.X));
  });
});
