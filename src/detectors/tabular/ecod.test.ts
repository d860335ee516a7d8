import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromRows } from '../../core/matrix.ts';
import { rocAuc } from '../../metrics/roc.ts';
import { ECOD } from './ecod.ts';
import { blobWithFarPoints } from './synthetic-fixture.ts';

const close = (a: number, b: number) => Math.abs(a - b) < 1e-12;

describe('ECOD', () => {
  it('matches tail probabilities worked by hand on one right-skewed column', () => {
    // x = 1, 2, 3, 4, 10: left tails 1/5 … 5/5, right tails 5/5 … 1/5, skewness > 0 so the skewed tail is the right one.
    const model = new ECOD().fit(fromRows([[1], [2], [3], [4], [10]]));
    const s = model.trainingScores;
    assert.ok(close(s[0]!, Math.log(5))); // max(−log 1/5, −log 1, −log 1)
    assert.ok(close(s[2]!, Math.log(5 / 3)));
    assert.ok(close(s[4]!, Math.log(5)));
    // A new row counts as a sixth sample: 11 has right tail 1/6, left tail 6/6.
    const fresh = model.score(fromRows([[11], [3]]));
    assert.ok(close(fresh[0]!, Math.log(6)));
    assert.ok(close(fresh[1]!, Math.max(-Math.log(4 / 6), -Math.log(4 / 6))));
  });

  it('adds both tails on an unskewed column and nothing for a constant column', () => {
    const model = new ECOD().fit(fromRows([[1, 7], [2, 7], [3, 7]]));
    // symmetric column: skewness 0, so the skewed term is left + right; the middle row: −log(2/3) − log(2/3)
    assert.ok(close(model.trainingScores[1]!, -2 * Math.log(2 / 3)));
    assert.ok(close(model.trainingScores[0]!, -Math.log(1 / 3)));
  });

  it('ranks the far points on top of a Gaussian blob, deterministically', () => {
    const { X, labels } = blobWithFarPoints(4);
    const a = new ECOD().fit(X);
    assert.ok(rocAuc(labels, a.trainingScores) > 0.95);
    assert.deepEqual(new ECOD().fit(X).trainingScores, a.trainingScores);
  });

  it('restores from a snapshot with identical scores', () => {
    const { X } = blobWithFarPoints(5);
    const model = new ECOD().fit(X);
    const snapshot = model.snapshot();
    const copy = new ECOD().restore({ ...snapshot, params: JSON.parse(JSON.stringify(snapshot.params)) as Record<string, unknown> });
    assert.deepEqual(copy.score(X), model.score(X));
  });
});
