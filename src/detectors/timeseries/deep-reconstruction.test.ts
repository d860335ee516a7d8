/**
 * LSTM-VAE, TCN autoencoder and TranAD beyond the shared conformance suite (series-detectors.test.ts): a planted
 * anomaly in a sine mixture scores highest, through a model file and back; how each detector combines its channel
 * scores; the TCN's causality; a series shorter than the TCN's window.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMatrix, type Matrix } from '../../core/matrix.ts';
import { Rng } from '../../core/rng.ts';
import { noGrad, tensor } from '../../engine/index.ts';
import { decodeModel, encodeModel } from '../../model-io/index.ts';
import './index.ts';
import { LstmVae } from './lstm-vae.ts';
import type { SeriesDetector } from './series-detector.ts';
import { Tcn, TcnAutoencoder } from './tcn-autoencoder.ts';
import { TranAd } from './tranad.ts';

/** Two sines (periods 40 and 15) and noise, in `channels` copies with different phases; rows 420..432 of channel 0 jump by +1.5. */
function sineMixture(length: number, seed: number, planted: boolean, channels = 1): Matrix {
  const rng = new Rng(seed);
  const data = new Float64Array(length * channels);
  for (let i = 0; i < length; i++) {
    for (let c = 0; c < channels; c++) {
      data[i * channels + c] = Math.sin((2 * Math.PI * i) / 40 + c) + 0.5 * Math.sin((2 * Math.PI * i) / 15 + 2 * c) + rng.normal(0, 0.05);
    }
    if (planted && i >= 420 && i < 432) data[i * channels]! += 1.5;
  }
  return createMatrix(length, channels, data);
}

const SMALL: [string, () => SeriesDetector][] = [
  ['lstm-vae', () => new LstmVae({ hidden: 8, latent: 4, window: 20, trainStride: 4, scoreStride: 2, epochs: 6, batchSize: 16 })],
  ['tcn-autoencoder', () => new TcnAutoencoder({ filters: 8, kernelSize: 5, dilations: [1, 2, 4], pool: 8, window: 64, trainStride: 16, epochs: 10, batchSize: 16 })],
  ['tranad', () => new TranAd({ epochs: 8, batchSize: 32 })],
];

for (const [name, make] of SMALL) {
  test(`${name}: a level jump planted in a sine mixture scores highest, also after a model file round trip`, () => {
    const d = make().fit(sineMixture(600, 1, false));
    const testSeries = sineMixture(600, 2, true);
    const scores = d.detect(testSeries).scores;
    const top = scores.indexOf(Math.max(...scores));
    assert.ok(top >= 415 && top < 440, `${name}: highest score at row ${top}, outside the planted rows 420..431`);
    const restored = decodeModel(encodeModel(d), 'model').detector as SeriesDetector;
    assert.deepEqual([...restored.detect(testSeries).scores], [...scores]);
  });
}

test('lstm-vae: the timestamp score is the sum of the channel negative log-likelihoods', () => {
  const d = new LstmVae({ hidden: 4, latent: 2, window: 10, trainStride: 5, scoreStride: 5, epochs: 2 }).fit(sineMixture(200, 3, false, 2));
  const out = d.detect(sineMixture(120, 4, false, 2));
  for (let i = 0; i < 120; i++) assert.ok(Math.abs(out.scores[i]! - out.channels.data[2 * i]! - out.channels.data[2 * i + 1]!) < 1e-9);
});

test('tranad: the timestamp score is the mean of the channel scores, with either training objective', () => {
  for (const objective of ['reference', 'adversarial'] as const) {
    const d = new TranAd({ epochs: 2, objective }).fit(sineMixture(200, 3, false, 2));
    const out = d.detect(sineMixture(50, 4, false, 2));
    for (let i = 0; i < 50; i++) assert.ok(Math.abs(out.scores[i]! - (out.channels.data[2 * i]! + out.channels.data[2 * i + 1]!) / 2) < 1e-9, objective);
  }
});

test('tcn: causal blocks do not look ahead; centred ones do', () => {
  for (const causal of [true, false]) {
    const o = TcnAutoencoder.schema.parse({ filters: 4, kernelSize: 3, dilations: [1, 2, 4], causal });
    const tcn = new Tcn(1, o, new Rng(5));
    tcn.eval();
    const rng = new Rng(6);
    const a = Float32Array.from({ length: 40 }, () => rng.normal());
    const b = Float32Array.from(a);
    for (let i = 25; i < 40; i++) b[i] = rng.normal();
    const [ya, yb] = noGrad(() => [tcn.forward(tensor(a, [1, 1, 40])).toArray(), tcn.forward(tensor(b, [1, 1, 40])).toArray()]);
    let before = 0;
    for (let f = 0; f < 4; f++) for (let t = 0; t < 25; t++) before = Math.max(before, Math.abs(ya![f * 40 + t]! - yb![f * 40 + t]!));
    if (causal) assert.equal(before, 0, 'a causal TCN changed its output before the change in its input');
    else assert.ok(before > 0, 'a centred TCN should see the change from earlier positions');
  }
});

test('tcn-autoencoder: a series shorter than the window is padded, and every value is scored', () => {
  const d = new TcnAutoencoder({ filters: 4, kernelSize: 3, dilations: [1, 2], pool: 8, window: 64, epochs: 2 }).fit(sineMixture(30, 7, false));
  assert.equal(d.trainingScores.length, 30);
  const out = d.detect(sineMixture(20, 8, false));
  assert.equal(out.scores.length, 20);
  assert.equal(out.channels.rows, 20);
  for (const s of out.scores) assert.ok(Number.isFinite(s));
  const tiny = new TcnAutoencoder({ filters: 4, kernelSize: 3, dilations: [1], pool: 42, epochs: 1 }).fit(sineMixture(5, 9, false));
  assert.equal(tiny.detect(sineMixture(3, 10, false)).scores.length, 3);
});
