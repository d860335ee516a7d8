/**
 * The layer modules: convolutional and recurrent models learn small tasks with fixed seeds, train / eval modes switch
 * batch norm and dropout, buffers travel in state dicts, stacked recurrent layers and embeddings wire up.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../core/rng.ts';
import { Conv1d, Conv2d, ConvTranspose2d } from './layers/conv.ts';
import { Linear } from './layers/linear.ts';
import { Module } from './layers/module.ts';
import { BatchNorm1d, BatchNorm2d, Dropout, LayerNorm } from './layers/norm.ts';
import { Flatten, MaxPool2d, Unflatten, Upsample } from './layers/pooling.ts';
import { GRU, LSTM } from './layers/recurrent.ts';
import { Embedding } from './layers/embedding.ts';
import { Sequential } from './layers/sequential.ts';
import { ReLU } from './layers/activation.ts';
import { crossEntropyLoss, mseLoss } from './losses.ts';
import { Adam } from './optim/adam.ts';
import { trainStep } from './optim/train-step.ts';
import { mean } from './ops/reduce.ts';
import { noGrad } from './scope.ts';
import { tensor, type Tensor } from './tensor.ts';


test('a small convolutional autoencoder learns to reconstruct blobs', () => {
  const rng = new Rng(1);
  const n = 32, data = new Float32Array(n * 64);
  for (let i = 0; i < n; i++) {
    const cx = rng.uniform(2, 6), cy = rng.uniform(2, 6);
    for (let r = 0; r < 8; r++) for (let c = 0; c < 8; c++) data[i * 64 + r * 8 + c] = Math.exp(-((r - cy) ** 2 + (c - cx) ** 2) / 4);
  }
  const X = tensor(data, [n, 1, 8, 8]);
  const model = new Sequential([
    new Conv2d(1, 8, 3, { rng, padding: 1, activation: 'relu' }), new MaxPool2d(2),
    new BatchNorm2d(8),
    new ConvTranspose2d(8, 4, 3, { rng, stride: 2, padding: 1, outputPadding: 1, activation: 'relu' }),
    new Conv2d(4, 1, 3, { rng, padding: 1, activation: 'sigmoid' }),
  ]);
  const optimizer = new Adam(model.parameters(), { lr: 0.01 });
  const first = trainStep(optimizer, () => mseLoss(model.forward(X), X));
  let last = first;
  for (let i = 0; i < 150; i++) last = trainStep(optimizer, () => mseLoss(model.forward(X), X));
  assert.ok(last < first * 0.1, `loss ${first} → ${last}`);
  model.eval();
  const evalLoss = noGrad(() => mseLoss(model.forward(X), X)).item();
  assert.ok(evalLoss < first * 0.2, `eval loss ${evalLoss}`);
});

class NextStep extends Module {
  readonly rnn: LSTM | GRU;
  readonly head: Linear;
  constructor(kind: 'lstm' | 'gru', rng: Rng) {
    super();
    this.rnn = this.registerModule('rnn', kind === 'lstm' ? new LSTM(1, 12, { rng, numLayers: 2 }) : new GRU(1, 12, { rng }));
    this.head = this.registerModule('head', new Linear(12, 1, { rng }));
  }
  forward(x: Tensor): Tensor {
    return this.head.forward(this.rnn.forward(x, { returnSequences: false }).h);
  }
}

for (const kind of ['lstm', 'gru'] as const) {
  test(`a ${kind} learns to continue a sine wave`, () => {
    const rng = new Rng(2);
    const n = 64, steps = 12, xs = new Float32Array(n * steps), ys = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const phase = rng.uniform(0, 2 * Math.PI);
      for (let t = 0; t <= steps; t++) {
        const v = Math.sin(phase + 0.5 * t);
        if (t < steps) xs[i * steps + t] = v;
        else ys[i] = v;
      }
    }
    const X = tensor(xs, [n, steps, 1]), Y = tensor(ys, [n, 1]);
    const model = new NextStep(kind, rng);
    const optimizer = new Adam(model.parameters(), { lr: 0.02 });
    const first = trainStep(optimizer, () => mseLoss(model.forward(X), Y));
    let last = first;
    for (let i = 0; i < 120; i++) last = trainStep(optimizer, () => mseLoss(model.forward(X), Y));
    assert.ok(last < 0.02 && last < first * 0.05, `loss ${first} → ${last}`);
  });
}

test('batch norm: batch statistics in training, running ones in eval, buffers in the state dict', () => {
  const bn = new BatchNorm1d(2);
  const x = tensor([1, 10, 3, 20, 5, 30], [3, 2]);
  const y = bn.forward(x);
  assert.ok(Math.abs(y.data[0]! + y.data[2]! + y.data[4]!) < 1e-5);
  assert.deepEqual(bn.namedBuffers().map(([n]) => n), ['runningMean', 'runningVar']);
  const state = bn.stateDict();
  assert.ok(Math.abs(state.tensors['runningMean']![1]! - 2) < 1e-6);
  bn.eval();
  const z = bn.forward(x);
  // eval: (x − running mean) / √(running var + eps), scale 1, shift 0
  const expected = (1 - state.tensors['runningMean']![0]!) / Math.sqrt(state.tensors['runningVar']![0]! + 1e-5);
  assert.ok(Math.abs(z.data[0]! - expected) < 1e-5);
  const copy = new BatchNorm1d(2);
  copy.loadStateDict(state);
  assert.deepEqual(copy.stateDict().tensors, state.tensors);
  assert.throws(() => new BatchNorm2d(2).forward(x), /rank 4/);
});

test('dropout and train / eval modes propagate through containers', () => {
  const rng = new Rng(3);
  const model = new Sequential([new Linear(4, 4, { rng }), new Dropout(0.5, rng), new ReLU()]);
  const x = tensor(new Float32Array(16).fill(1), [4, 4]);
  const a = noGrad(() => model.forward(x)), b = noGrad(() => model.forward(x));
  assert.notDeepEqual([...a.data], [...b.data]);
  model.eval();
  assert.equal(model.layers[1]!.training, false);
  const c = noGrad(() => model.forward(x)), d = noGrad(() => model.forward(x));
  assert.deepEqual([...c.data], [...d.data]);
});

test('layer norm, embeddings, conv1d, flatten / unflatten, upsample', () => {
  const rng = new Rng(4);
  const ln = new LayerNorm(3);
  const y = ln.forward(tensor([1, 2, 3, 10, 20, 60], [2, 3]));
  assert.ok(Math.abs(y.data[0]! + y.data[1]! + y.data[2]!) < 1e-5);
  assert.throws(() => ln.forward(tensor([1, 2, 3, 4], [1, 4])), /does not end in the normalised shape \[3\]/);

  // an embedding classifier: token → class, learned by cross-entropy
  const embedding = new Embedding(5, 4, { rng });
  const head = new Linear(4, 3, { rng });
  const optimizer = new Adam([...embedding.parameters(), ...head.parameters()], { lr: 0.05 });
  const tokens = [0, 1, 2, 3, 4], classes = [0, 1, 2, 0, 1];
  let loss = Infinity;
  for (let i = 0; i < 100; i++) loss = trainStep(optimizer, () => crossEntropyLoss(head.forward(embedding.forward(tokens)), classes));
  assert.ok(loss < 0.05, `loss ${loss}`);

  const conv = new Conv1d(2, 3, 3, { rng, padding: 1 });
  assert.deepEqual(conv.forward(tensor(new Float32Array(2 * 2 * 7), [2, 2, 7])).shape, [2, 3, 7]);
  const body = new Sequential([new Flatten(), new Unflatten([2, 1, 2]), new Upsample(2)]);
  assert.deepEqual(body.forward(tensor(new Float32Array(12), [3, 2, 2])).shape, [3, 2, 2, 4]);
});

test('stacked recurrent layers expose the final state of every layer and accept initial states', () => {
  const rng = new Rng(5);
  const lstm = new LSTM(3, 4, { rng, numLayers: 2 });
  const x = tensor(new Float32Array(2 * 5 * 3).map(() => rng.normal()), [2, 5, 3]);
  const r = lstm.forward(x);
  assert.deepEqual(r.output!.shape, [2, 5, 4]);
  assert.equal(r.states.length, 2);
  // the last step of the output is the final hidden state
  for (let b = 0; b < 2; b++) for (let j = 0; j < 4; j++) assert.equal(r.output!.data[(b * 5 + 4) * 4 + j], r.h.data[b * 4 + j]);
  const again = lstm.forward(x, { initial: r.states });
  assert.notDeepEqual([...again.h.data], [...r.h.data]);
  assert.deepEqual(lstm.namedParameters().map(([n]) => n), ['weightIh0', 'weightHh0', 'bias0', 'weightIh1', 'weightHh1', 'bias1']);
  const m = noGrad(() => mean(lstm.forward(x).h));
  assert.ok(Number.isFinite(m.item()));
});

test('Sequential scores large image batches in chunks without changing the result', () => {
  const rng = new Rng(7);
  const model = new Sequential([
    new Conv2d(1, 4, 3, { rng, padding: 1, activation: 'relu' }), new MaxPool2d(2),
    new ConvTranspose2d(4, 2, 3, { rng, stride: 2, padding: 1, outputPadding: 1, activation: 'sigmoid' }),
  ]);
  model.eval();
  const n = 2000, x = new Float32Array(n * 576);
  for (let i = 0; i < x.length; i++) x[i] = rng.uniform(0, 1);
  const input = tensor(x, [n, 1, 24, 24]);
  // whole batch at once: the grad-recording path never chunks
  const whole = model.forward(input).data.slice();
  const chunked = noGrad(() => model.forward(input));
  assert.deepEqual(chunked.shape, [n, 2, 24, 24]);
  assert.deepEqual(Array.from(chunked.data), Array.from(whole));
});
