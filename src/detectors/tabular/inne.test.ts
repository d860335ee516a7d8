import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromRows } from '../../core/matrix.ts';
import { rocAuc } from '../../metrics/roc.ts';
import { INNE } from './inne.ts';
import { blobWithFarPoints } from './synthetic-fixture.ts';

describe('INNE', () => {
  it('isolates by hand with all rows as centres: spheres reach the nearest other centre', () => {
    // Centres 0, 1, 3 (ψ = n = 3, so every member is the same): squared radii 1, 1, 4.
    // Ratios 1 − r_nn / r: centre 0 → 1 − 1/1 = 0, centre 1 → 0, centre 3 (neighbour 1) → 1 − 1/4 = 0.75.
    const model = new INNE({ maxSamples: 3, estimators: 4 }).fit(fromRows([[0], [1], [3]]));
    const close = (a: number, b: number) => Math.abs(a - b) < 1e-9;
    const [a, b, c] = model.score(fromRows([[0.5], [4], [100]]));
    assert.ok(close(a!, 0)); // covered by the spheres of 0 and 1 (radius² 1): the smaller-index one of equal radius
    assert.ok(close(b!, 0.75)); // covered only by the sphere of 3
    assert.equal(c, 1); // covered by none: the maximum
  });

  it('ranks the far points on top of a Gaussian blob; same seed, same scores', () => {
    const { X, labels } = blobWithFarPoints(15);
    const model = new INNE({ seed: 2 }).fit(X);
    assert.ok(rocAuc(labels, model.trainingScores) > 0.95);
    assert.deepEqual(new INNE({ seed: 2 }).fit(X).trainingScores, model.trainingScores);
    assert.notDeepEqual(new INNE({ seed: 3 }).fit(X).trainingScores, model.trainingScores);
  });

  it('restores from a snapshot with identical scores', () => {
    const { X } = blobWithFarPoints(16);
    const model = new INNE().fit(X);
    assert.deepEqual(new INNE().restore(model.snapshot()).score(X), model.score(X));
  });
});
