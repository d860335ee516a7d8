/**
 * The GAN-based tabular detectors (GANomaly, ALAD, AnoGAN, SO-GAAL, MO-GAAL) beyond the conformance suite: a cluster of
 * outliers away from the data ranks above it, the same seed gives the same scores, AnoGAN's latent search lowers its
 * loss, the GAAL generators stop while the discriminator goes on, MO-GAAL's batch split, and divergence.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createMatrix, type Matrix } from '../../core/matrix.ts';
import { Rng } from '../../core/rng.ts';
import '../builtins.ts';
import { rocAuc } from '../../metrics/roc.ts';
import { TrainingDivergedError } from '../deep/training.ts';
import type { AdversarialResult } from '../deep/adversarial-training.ts';
import { createDetector } from '../registry.ts';
import { AnoGAN } from './anogan.ts';
import { quantile, subGeneratorRows } from './mo-gaal.ts';

/** 300 rows of N(0, I) in 6 dimensions, then a tight cluster of 12 rows around (4, 4, …, 4). */
function blobWithOutlierCluster(seed: number): { X: Matrix; labels: Uint8Array } {
  const rng = new Rng(seed);
  const normal = 300, cluster = 12, d = 6;
  const X = createMatrix(normal + cluster, d);
  const labels = new Uint8Array(normal + cluster);
  for (let i = 0; i < normal + cluster; i++) {
    const far = i >= normal;
    labels[i] = far ? 1 : 0;
    for (let j = 0; j < d; j++) X.data[i * d + j] = far ? 4 + 0.3 * rng.normal() : rng.normal();
  }
  return { X, labels };
}

/** Options that keep each fit to about a second here; the defaults are what the benchmark runs. */
const QUICK: Record<string, Record<string, unknown>> = {
  ganomaly: { epochs: 15 },
  alad: { epochs: 6 },
  anogan: { epochs: 15, queryIterations: 20 },
  'so-gaal': {},
  'mo-gaal': { k: 4 },
};

for (const [name, options] of Object.entries(QUICK)) {
  test(`${name}: a cluster of outliers scores above the data, and the same seed gives the same scores`, () => {
    const { X, labels } = blobWithOutlierCluster(5);
    const a = createDetector(name, { ...options, seed: 2 }).fit(X);
    const auc = rocAuc(labels, a.trainingScores);
    assert.ok(auc >= 0.9, `ROC-AUC ${auc.toFixed(3)}`);
    const b = createDetector(name, { ...options, seed: 2 }).fit(X);
    assert.deepEqual(b.trainingScores, a.trainingScores);
  });
}

test('anogan: the latent search lowers its loss, and the score is the loss it ends with', () => {
  const { X } = blobWithOutlierCluster(6);
  const detector = new AnoGAN({ epochs: 20, queryIterations: 30, seed: 1 }).fit(X);
  const rows = createMatrix(20, X.cols, X.data.slice(290 * X.cols, 310 * X.cols));
  const { losses, scores } = detector.latentSearch(rows);
  assert.equal(losses.length, 31);
  assert.ok(losses[30]! < 0.9 * losses[0]!, `mean loss ${losses[0]} → ${losses[30]}`);
  const scored = detector.score(rows);
  for (let i = 0; i < 20; i++) assert.ok(Math.abs(scored[i]! - scores[i]!) <= 1e-5 * Math.max(1, scores[i]!), `row ${i}: ${scored[i]} vs ${scores[i]}`);
});

test('so-gaal / mo-gaal: the generators stop after stopEpochs, the discriminator learns on to the last epoch', () => {
  const { X } = blobWithOutlierCluster(7);
  for (const name of ['so-gaal', 'mo-gaal']) {
    const detector = createDetector(name, { epochs: 9, stopEpochs: 3, seed: 1, ...(name === 'mo-gaal' ? { k: 2 } : {}) }).fit(X) as unknown as { history: AdversarialResult[] };
    const losses = detector.history[0]!.playerLosses;
    assert.equal(losses['discriminator']!.length, 9, name);
    for (const [player, values] of Object.entries(losses)) if (player !== 'discriminator') assert.equal(values.length, 3, `${name} ${player}`);
  }
});

test("mo-gaal: sub-generator i draws (k − i) shares of the batch, the last the rest; quantiles interpolate as numpy's", () => {
  assert.deepEqual(subGeneratorRows(500, 10), [90, 81, 72, 63, 54, 45, 36, 27, 18, 14]);
  assert.equal(subGeneratorRows(500, 10).reduce((a, b) => a + b), 500);
  // a batch smaller than k(k+1)/2 still gives every sub-generator a row
  assert.deepEqual(subGeneratorRows(5, 3), [1, 1, 5]);
  assert.equal(quantile([1, 2, 3, 4], 0), 1);
  assert.equal(quantile([1, 2, 3, 4], 0.5), 2.5);
  assert.equal(quantile([1, 2, 3, 4], 1 / 3), 2);
});

test('ganomaly: a huge learning rate is a TrainingDivergedError naming the epoch', () => {
  const { X } = blobWithOutlierCluster(8);
  const detector = createDetector('ganomaly', { epochs: 5, learningRate: 1e6, seed: 1 });
  assert.throws(() => detector.fit(X), (e: unknown) => e instanceof TrainingDivergedError && /epoch \d+/.test(e.message) && /learning rate/.test(e.message));
});
