import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromRows } from '../../core/matrix.ts';
import { Rng } from '../../core/rng.ts';
import { rocAuc } from '../../metrics/roc.ts';
import { MCD } from './mcd.ts';
import { blobWithFarPoints } from './synthetic-fixture.ts';

describe('MCD', () => {
  it('is not dragged by a cluster of anomalies that would fool the plain covariance', () => {
    // 80 rows from N(0, I₂) and 20 rows tightly clustered at (10, 10): a quarter of the data. With h = ⌈(100+3)/2⌉ = 52
    // rows the robust estimate ignores the cluster, so each clustered row is far (distance² > 50) and the blob is not.
    const rng = new Rng(3);
    const rows: number[][] = [];
    for (let i = 0; i < 80; i++) rows.push([rng.normal(), rng.normal()]);
    for (let i = 0; i < 20; i++) rows.push([10 + 0.1 * rng.normal(), 10 + 0.1 * rng.normal()]);
    const s = new MCD().fit(fromRows(rows)).trainingScores;
    for (let i = 80; i < 100; i++) assert.ok(s[i]! > 50, `clustered row ${i}: ${s[i]}`);
    let below = 0;
    for (let i = 0; i < 80; i++) if (s[i]! < 9) below++;
    assert.ok(below >= 75, `${below} of 80 blob rows within distance² 9`);
  });

  it('ranks the far points on top of a Gaussian blob; same seed, same scores; above 500 rows too', () => {
    const { X, labels } = blobWithFarPoints(17);
    const model = new MCD({ seed: 1 }).fit(X);
    assert.ok(rocAuc(labels, model.trainingScores) > 0.95);
    assert.deepEqual(new MCD({ seed: 1 }).fit(X).trainingScores, model.trainingScores);
    const big = blobWithFarPoints(18, 700, 12, 3);
    assert.ok(rocAuc(big.labels, new MCD().fit(big.X).trainingScores) > 0.95);
  });

  it('gives finite scores on a singular covariance (duplicated column) and restores from a snapshot', () => {
    const flat = new MCD().fit(fromRows([[1, 1], [2, 2], [3, 3], [4, 4], [5, 5]]));
    assert.ok(flat.score(fromRows([[1, 5]])).every(Number.isFinite));
    const { X } = blobWithFarPoints(19);
    const model = new MCD().fit(X);
    assert.deepEqual(new MCD().restore(model.snapshot()).score(X), model.score(X));
  });
});
