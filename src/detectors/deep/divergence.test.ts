/**
 * Training never ends in a silent NaN: with a far too large learning rate, every deep time-series and log detector
 * stops with a TrainingDivergedError that names the epoch and says what to change (the tabular deep detectors have
 * the same test in tabular/deep-detectors.test.ts; the shared loop's rule in training.test.ts).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createMatrix } from '../../core/matrix.ts';
import { Rng } from '../../core/rng.ts';
import '../builtins.ts';
import type { SequenceDetector } from '../logs/sequence-detector.ts';
import { createDetector, listDetectors } from '../registry.ts';
import type { SeriesDetector } from '../timeseries/series-detector.ts';
import { TrainingDivergedError } from './training.ts';

const HUGE = { learningRate: 1e6 };

const SERIES: Record<string, Record<string, unknown>> = {
  'lstm-autoencoder': { hidden: 8, window: 20, trainStride: 4, epochs: 4, batchSize: 16 },
  'lstm-forecaster': { hidden: 8, layers: 1, window: 40, trainStride: 10, epochs: 4, batchSize: 16 },
  'lstm-vae': { hidden: 8, latent: 4, window: 20, trainStride: 4, epochs: 4, batchSize: 16 },
  'tcn-autoencoder': { filters: 8, kernelSize: 5, dilations: [1, 2], pool: 8, window: 48, trainStride: 24, epochs: 4, batchSize: 16 },
  usad: { window: 10, latent: 8, epochs: 4, batchSize: 64 },
  tranad: { epochs: 3 },
};

const diverged = (name: string) => (e: unknown): boolean => {
  assert.ok(e instanceof TrainingDivergedError, `${name}: expected a TrainingDivergedError, got ${String(e)}`);
  assert.match(e.message, /diverged in epoch \d+/);
  assert.match(e.message, /Lower the learning rate \(learningRate is 1000000\)/);
  return true;
};

const series = (() => {
  const rng = new Rng(1);
  return createMatrix(400, 2, Float64Array.from({ length: 800 }, (_, i) => Math.sin((2 * Math.PI * (i >> 1)) / 50) + rng.normal(0, 0.05)));
})();

/**
 * USAD and TranAD reconstruct through a sigmoid on min-max scaled data, so their loss is bounded: a huge learning rate
 * saturates them instead of blowing the loss up. For them the guarantee is the other half: no NaN comes out silently
 * (a non-finite loss would stop training; a non-finite score is refused by the detector base).
 */
const BOUNDED = ['usad', 'tranad'];

for (const name of listDetectors({ modality: 'timeseries' }).map((d) => d.name).filter((n) => n in SERIES)) {
  test(`${name}: a huge learning rate is ${BOUNDED.includes(name) ? 'a TrainingDivergedError or finite scores, never a NaN' : 'a TrainingDivergedError naming the epoch'}`, () => {
    const detector = createDetector(name, { seed: 2, ...SERIES[name], ...HUGE }) as SeriesDetector;
    if (!BOUNDED.includes(name)) {
      assert.throws(() => detector.fit(series), diverged(name));
      return;
    }
    try {
      detector.fit(series);
    } catch (error) {
      diverged(name)(error);
      return;
    }
    assert.ok(detector.score(series).every((s) => Number.isFinite(s)), `${name}: a non-finite score`);
  });
}

function sessions(seed: number, count: number): number[][] {
  const rng = new Rng(seed);
  return Array.from({ length: count }, () => {
    const s = [10, 11];
    for (let i = 0, n = 1 + rng.int(4); i < n; i++) s.push(12, 13);
    return [...s, 14, 15];
  });
}

for (const name of ['deeplog', 'loganomaly', 'logrobust']) {
  test(`${name}: a huge learning rate is a TrainingDivergedError naming the epoch`, () => {
    const detector = createDetector(name, { seed: 3, epochs: 5, hiddenSize: 8, embeddingDim: 4, ...HUGE }) as SequenceDetector;
    const normal = sessions(1, 100);
    const fit = (): unknown => (name === 'logrobust' ? detector.fitSessions(normal, normal.map((_, i) => (i % 5 === 0 ? 1 : 0))) : detector.fitSessions(normal));
    assert.throws(fit, diverged(name));
  });
}
