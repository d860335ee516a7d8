/**
 * W3 and W4 of the performance workloads (see perf.ts): the convolutional autoencoder and the LSTM next-step predictor
 * of ../shared/bench/torch_reference.py, with the same synthetic data recipes.
 */
import type { Rng } from '../src/core/rng.ts';
import { Conv2d, ConvTranspose2d } from '../src/engine/layers/conv.ts';
import { Linear } from '../src/engine/layers/linear.ts';
import { Module } from '../src/engine/layers/module.ts';
import { MaxPool2d } from '../src/engine/layers/pooling.ts';
import { LSTM } from '../src/engine/layers/recurrent.ts';
import { Sequential } from '../src/engine/layers/sequential.ts';
import { tensor, type Tensor } from '../src/engine/tensor.ts';

/** conv 1→16 3×3 pad 1, relu, maxpool 2, conv 16→8, relu, maxpool 2, convT 8→8 s2, relu, convT 8→16 s2, relu, conv 16→1, sigmoid */
function convAutoencoder(rng: Rng): Sequential {
  const up = { rng, stride: 2, padding: 1, outputPadding: 1, activation: 'relu' } as const;
  return new Sequential([
    new Conv2d(1, 16, 3, { rng, padding: 1, activation: 'relu' }), new MaxPool2d(2),
    new Conv2d(16, 8, 3, { rng, padding: 1, activation: 'relu' }), new MaxPool2d(2),
    new ConvTranspose2d(8, 8, 3, up), new ConvTranspose2d(8, 16, 3, up),
    new Conv2d(16, 1, 3, { rng, padding: 1, activation: 'sigmoid' }),
  ]);
}

/** Gabor-like blobs: 0.5 + 0.5·sin(frequency·(cos θ·x + sin θ·y)·2π)·exp(−distance²/0.08). */
function images(rng: Rng, n: number): Float32Array {
  const out = new Float32Array(n * 784);
  for (let i = 0; i < n; i++) {
    const th = rng.uniform(0, Math.PI), fr = rng.uniform(2, 8), cx = rng.uniform(0.2, 0.8), cy = rng.uniform(0.2, 0.8);
    for (let r = 0; r < 28; r++) {
      for (let c = 0; c < 28; c++) {
        const y = r / 27, x = c / 27;
        out[i * 784 + r * 28 + c] = 0.5 + 0.5 * Math.sin(fr * (Math.cos(th) * x + Math.sin(th) * y) * 2 * Math.PI) * Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / 0.08);
      }
    }
  }
  return out;
}

export function convSetup(rng: Rng): { model: Sequential; X: Tensor; Y: Tensor; batchSize: number } {
  const n = 8000;
  const X = tensor(images(rng, n), [n, 1, 28, 28]);
  return { model: convAutoencoder(rng), X, Y: X, batchSize: 128 };
}

class LstmPredictor extends Module {
  readonly lstm: LSTM;
  readonly fc: Linear;

  constructor(rng: Rng) {
    super();
    this.lstm = this.registerModule('lstm', new LSTM(8, 64, { rng }));
    this.fc = this.registerModule('fc', new Linear(64, 8, { rng }));
  }

  forward(x: Tensor): Tensor {
    return this.fc.forward(this.lstm.forward(x, { returnSequences: false }).h);
  }
}

/** sin(2π·f·t + φ) + 0.05·noise per channel, 65 steps: the first 64 are the window, the last the target. */
export function lstmSetup(rng: Rng): { model: LstmPredictor; X: Tensor; Y: Tensor; batchSize: number } {
  const n = 10_000, steps = 65, channels = 8;
  const x = new Float32Array(n * 64 * channels), y = new Float32Array(n * channels);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < channels; c++) {
      const f = rng.uniform(0.02, 0.2), ph = rng.uniform(0, 2 * Math.PI);
      for (let t = 0; t < steps; t++) {
        const v = Math.sin(2 * Math.PI * f * t + ph) + 0.05 * rng.normal();
        if (t < 64) x[(i * 64 + t) * channels + c] = v;
        else y[i * channels + c] = v;
      }
    }
  }
  return { model: new LstmPredictor(rng), X: tensor(x, [n, 64, channels]), Y: tensor(y, [n, channels]), batchSize: 128 };
}
