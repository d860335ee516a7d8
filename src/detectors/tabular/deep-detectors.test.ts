/**
 * The deep tabular detectors beyond what the conformance suite checks: OC-NN's objective on the paper's test vector,
 * learning on seeded synthetic data, reproducibility by seed, and a clear error when training diverges.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import '../builtins.ts';
import { rocAuc } from '../../metrics/roc.ts';
import { createDetector } from '../registry.ts';
import { TrainingDivergedError } from '../deep/training.ts';
import { ocnnRadius, ocnnRadiusObjective } from './ocnn.ts';
import { blobWithFarPoints } from './synthetic-fixture.ts';

test('OC-NN: for outputs 1…9 and ν = 0.33 the objective in r is smallest at r = 3, f(3) = −1.99, f(4) = −1.98', () => {
  const outputs = [1, 2, 3, 4, 5, 6, 7, 8, 9];
  const f = (r: number): number => ocnnRadiusObjective(outputs, r, 0.33);
  assert.equal(f(3).toFixed(2), '-1.99');
  assert.equal(f(4).toFixed(2), '-1.98');
  const best = outputs.reduce((a, b) => (f(b) < f(a) ? b : a));
  assert.equal(best, 3);
  // the update the training loop uses lands on that minimiser, and no r between the outputs does better
  assert.equal(ocnnRadius(outputs, 0.33), 3);
  for (let r = 0; r <= 10; r += 0.25) assert.ok(f(r) >= f(3) - 1e-12, `f(${r}) = ${f(r)} < f(3)`);
  assert.equal(ocnnRadius([5, 1, 4, 2, 3], 0.2), 1);
  assert.equal(ocnnRadius([5, 1, 4, 2, 3], 0.21), 2);
});

/** Options that keep each detector quick here; its defaults are what the benchmark runs. */
const QUICK: Record<string, Record<string, unknown>> = {
  autoencoder: {},
  dae: {},
  vae: { epochs: 5 },
  'beta-vae': { epochs: 5 },
  deepsvdd: { epochs: 10 },
  ocnn: { epochs: 10, pretrainEpochs: 5 },
  rcae: { epochs: 10 },
  dagmm: { epochs: 100 },
};

for (const [name, options] of Object.entries(QUICK)) {
  test(`${name}: ranks far points above a Gaussian blob, and the same seed gives the same scores`, () => {
    const { X, labels } = blobWithFarPoints(21, 300, 10, 6);
    const a = createDetector(name, { ...options, seed: 3 }).fit(X);
    const auc = rocAuc(labels, a.trainingScores);
    assert.ok(auc >= 0.9, `ROC-AUC ${auc.toFixed(3)}`);
    const b = createDetector(name, { ...options, seed: 3 }).fit(X);
    assert.deepEqual(b.trainingScores, a.trainingScores);
    const c = createDetector(name, { ...options, seed: 4 }).fit(X);
    assert.notDeepEqual(c.trainingScores, a.trainingScores);
  });

  test(`${name}: a huge learning rate is a TrainingDivergedError naming the epoch`, () => {
    const { X } = blobWithFarPoints(22, 120, 5, 4);
    const detector = createDetector(name, { ...options, epochs: 3, learningRate: 1e6, seed: 1 });
    assert.throws(() => detector.fit(X), (e: unknown) => e instanceof TrainingDivergedError && /epoch \d+/.test(e.message) && /learning rate/.test(e.message));
  });
}
