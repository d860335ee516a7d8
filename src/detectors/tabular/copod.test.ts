import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromRows } from '../../core/matrix.ts';
import { rocAuc } from '../../metrics/roc.ts';
import { COPOD } from './copod.ts';
import { blobWithFarPoints } from './synthetic-fixture.ts';

const close = (a: number, b: number) => Math.abs(a - b) < 1e-12;

describe('COPOD', () => {
  it('matches the copula tails worked by hand on one right-skewed column', () => {
    // x = 1, 2, 3, 4, 10 is right-skewed, so a row scores max(−log right tail, mean of both tails).
    const model = new COPOD().fit(fromRows([[1], [2], [3], [4], [10]]));
    const s = model.trainingScores;
    assert.ok(close(s[0]!, Math.log(5) / 2)); // right tail 1, left tail 1/5: only the mean counts
    assert.ok(close(s[4]!, Math.log(5))); // the skewed tail
    assert.ok(s[4]! > s[0]!, 'the skewed side weighs more than the other');
    const fresh = model.score(fromRows([[11]]));
    assert.ok(close(fresh[0]!, Math.log(6)));
  });

  it('ranks the far points on top of a Gaussian blob, deterministically', () => {
    const { X, labels } = blobWithFarPoints(6);
    const a = new COPOD().fit(X);
    assert.ok(rocAuc(labels, a.trainingScores) > 0.95);
    assert.deepEqual(new COPOD().fit(X).trainingScores, a.trainingScores);
  });

  it('restores from a snapshot with identical scores', () => {
    const { X } = blobWithFarPoints(7);
    const model = new COPOD().fit(X);
    const snapshot = model.snapshot();
    const copy = new COPOD().restore({ ...snapshot, params: JSON.parse(JSON.stringify(snapshot.params)) as Record<string, unknown> });
    assert.deepEqual(copy.score(X), model.score(X));
  });
});
