import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromRows } from '../../core/matrix.ts';
import { rocAuc } from '../../metrics/roc.ts';
import { KDE } from './kde.ts';
import { blobWithFarPoints } from './synthetic-fixture.ts';

describe('KDE', () => {
  it('scores −log of the Gaussian kernel density by hand', () => {
    // Training rows 0 and 2, h = 1: p(x) = ½ [φ(x) + φ(x − 2)], φ the standard normal density.
    const model = new KDE().fit(fromRows([[0], [2]]));
    const phi = (z: number) => Math.exp(-z * z / 2) / Math.sqrt(2 * Math.PI);
    const expected = (x: number) => -Math.log(0.5 * (phi(x) + phi(x - 2)));
    assert.ok(Math.abs(model.trainingScores[0]! - expected(0)) < 1e-12);
    assert.ok(Math.abs(model.score(fromRows([[1]]))[0]! - expected(1)) < 1e-12);
    // Far away the density underflows, but the score stays finite (log-sum-exp): −log(½ φ(x − 2)) = (x − 2)²/2 + log √(2π) + log 2.
    const far = model.score(fromRows([[1000]]))[0]!;
    assert.ok(Number.isFinite(far) && Math.abs(far - (998 ** 2 / 2 + Math.log(Math.sqrt(2 * Math.PI)) + Math.log(2))) < 1e-6);
  });

  it("uses scikit-learn's rules for 'scott' and 'silverman'", () => {
    const X = fromRows([[0, 0], [1, 1], [2, 0], [3, 1]]);
    const scott = new KDE({ bandwidth: 'scott' }).fit(X).snapshot().params.width as number;
    const silverman = new KDE({ bandwidth: 'silverman' }).fit(X).snapshot().params.width as number;
    assert.ok(Math.abs(scott - 4 ** (-1 / 6)) < 1e-15);
    assert.ok(Math.abs(silverman - ((4 * 4) / 4) ** (-1 / 6)) < 1e-15);
  });

  it('ranks the far points on top of a Gaussian blob and restores from a snapshot', () => {
    const { X, labels } = blobWithFarPoints(14);
    const model = new KDE().fit(X);
    assert.ok(rocAuc(labels, model.trainingScores) > 0.95);
    assert.deepEqual(new KDE().restore(model.snapshot()).score(X), model.score(X));
  });
});
