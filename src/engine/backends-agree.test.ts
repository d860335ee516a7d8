/**
 * One training step of small models (an MLP autoencoder, a conv autoencoder, an LSTM predictor, with the same seed)
 * gives the same loss and the same updated weights on every backend that loads, within float32 tolerance. The kernel
 * by kernel comparison lives with the backends (backend/backends.test.ts); this checks the engine drives them alike.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../core/rng.ts';
import { loadBackend } from './backend/index.ts';
import type { Backend, BackendName } from './backend/types.ts';
import { useBackend } from './context.ts';
import { Conv2d, ConvTranspose2d } from './layers/conv.ts';
import { Linear } from './layers/linear.ts';
import { mlp } from './layers/mlp.ts';
import { Module } from './layers/module.ts';
import { MaxPool2d } from './layers/pooling.ts';
import { LSTM } from './layers/recurrent.ts';
import { Sequential } from './layers/sequential.ts';
import { mseLoss } from './losses.ts';
import { Adam } from './optim/adam.ts';
import { scope } from './scope.ts';
import { tensor, type Tensor } from './tensor.ts';

class Predictor extends Module {
  readonly lstm: LSTM;
  readonly fc: Linear;
  constructor(rng: Rng) {
    super();
    this.lstm = this.registerModule('lstm', new LSTM(3, 8, { rng }));
    this.fc = this.registerModule('fc', new Linear(8, 3, { rng }));
  }
  forward(x: Tensor): Tensor {
    return this.fc.forward(this.lstm.forward(x, { returnSequences: false }).h);
  }
}

type Model = Module & { forward(x: Tensor): Tensor };

const MODELS: Record<string, { build: (rng: Rng) => Model; input: number[]; target: number[] }> = {
  mlp: { build: (rng) => mlp([12, 16, 4, 16, 12], { rng, activation: 'gelu' }), input: [9, 12], target: [9, 12] },
  conv: {
    build: (rng) => new Sequential([
      new Conv2d(1, 4, 3, { rng, padding: 1, activation: 'relu' }), new MaxPool2d(2),
      new ConvTranspose2d(4, 2, 3, { rng, stride: 2, padding: 1, outputPadding: 1, activation: 'relu' }),
      new Conv2d(2, 1, 3, { rng, padding: 1, activation: 'sigmoid' }),
    ]),
    input: [3, 1, 8, 8], target: [3, 1, 8, 8],
  },
  lstm: { build: (rng) => new Predictor(rng), input: [4, 6, 3], target: [4, 3] },
};

/** Loss of one Adam step and the weights after it, on `backend`. */
function oneStep(backend: Backend, name: string): { loss: number; weights: Float32Array[] } {
  useBackend(backend);
  const spec = MODELS[name]!;
  const rng = new Rng(17);
  const model = spec.build(rng);
  const random = (shape: number[]): Tensor => {
    const data = new Float32Array(shape.reduce((p, d) => p * d, 1)).map(() => rng.uniform(0, 1));
    return tensor(data, shape);
  };
  const x = random(spec.input), y = random(spec.target);
  const optimizer = new Adam(model.parameters(), { lr: 1e-2 });
  const loss = scope(() => {
    const l = mseLoss(model.forward(x), y);
    optimizer.zeroGrad();
    l.backward();
    optimizer.step();
    return l.item();
  });
  return { loss, weights: model.parameters().map((p) => p.data.slice()) };
}

const reference = loadBackend('js');
for (const name of ['wasm', 'native'] as const satisfies BackendName[]) {
  let backend: Backend | undefined, reason: string | undefined;
  try {
    backend = loadBackend(name);
  } catch (error) {
    reason = `${name} backend not available: ${(error as Error).message}`;
  }
  describe(`one training step on ${name} matches js`, { skip: reason ?? false }, () => {
    for (const model of Object.keys(MODELS)) {
      test(model, () => {
        const expected = oneStep(reference, model), actual = oneStep(backend!, model);
        assert.ok(Math.abs(actual.loss - expected.loss) <= 1e-5 * Math.abs(expected.loss) + 1e-7, `loss ${actual.loss} vs ${expected.loss}`);
        actual.weights.forEach((w, i) => {
          w.forEach((v, j) => {
            const e = expected.weights[i]![j]!;
            assert.ok(Math.abs(v - e) <= 1e-4 * Math.abs(e) + 1e-5, `parameter ${i}[${j}]: ${v} vs ${e}`);
          });
        });
      });
    }
  });
}
