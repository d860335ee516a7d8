/**
 * Small networks learn with fixed seeds; the same seed gives identical results; scopes leave nothing behind; state
 * dicts round-trip and reject the wrong model.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../core/rng.ts';
import { arena } from './context.ts';
import { Linear } from './layers/linear.ts';
import { mlp } from './layers/mlp.ts';
import { Sequential } from './layers/sequential.ts';
import { ReLU, Tanh } from './layers/activation.ts';
import { mseLoss, bceWithLogitsLoss } from './losses.ts';
import { Adam, AdamW } from './optim/adam.ts';
import { SGD } from './optim/sgd.ts';
import { trainStep } from './optim/train-step.ts';
import { clipGradNorm } from './optim/clip.ts';
import { CosineAnnealingLR, ExponentialLR, StepLR } from './optim/schedule.ts';
import { gather } from './ops/gather.ts';
import { noGrad, scope } from './scope.ts';
import { tapeLength } from './tape.ts';
import { tensor, type Tensor } from './tensor.ts';
import { mean } from './ops/reduce.ts';


test('an MLP learns XOR', () => {
  const rng = new Rng(1);
  const model = new Sequential([new Linear(2, 8, { rng }), new Tanh(), new Linear(8, 1, { rng })]);
  const x = tensor([0, 0, 0, 1, 1, 0, 1, 1], [4, 2]);
  const y = tensor([0, 1, 1, 0], [4, 1]);
  const optimizer = new Adam(model.parameters(), { lr: 0.05 });
  let loss = Infinity;
  for (let i = 0; i < 300; i++) loss = trainStep(optimizer, () => bceWithLogitsLoss(model.forward(x), y));
  assert.ok(loss < 0.05, `final loss ${loss}`);
  const logits = noGrad(() => model.forward(x));
  assert.deepEqual([...logits.data].map((v) => (v > 0 ? 1 : 0)), [0, 1, 1, 0]);
});

test('linear regression with SGD + momentum recovers the coefficients', () => {
  const rng = new Rng(2);
  const n = 200, d = 3, coefficients = [1.5, -2, 0.5];
  const xs = new Float32Array(n * d), ys = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0.3;
    for (let j = 0; j < d; j++) { const v = rng.normal(); xs[i * d + j] = v; s += coefficients[j]! * v; }
    ys[i] = s;
  }
  const X = tensor(xs, [n, d]), Y = tensor(ys, [n, 1]);
  const layer = new Linear(d, 1, { rng });
  const optimizer = new SGD(layer.parameters(), { lr: 0.05, momentum: 0.9 });
  for (let epoch = 0; epoch < 300; epoch++) trainStep(optimizer, () => mseLoss(layer.forward(X), Y));
  for (let j = 0; j < d; j++) assert.ok(Math.abs(layer.weight.data[j]! - coefficients[j]!) < 1e-3, `weight ${j}: ${layer.weight.data[j]}`);
  assert.ok(Math.abs(layer.bias!.data[0]! - 0.3) < 1e-3);
});

/** Data on a 2-dimensional manifold in 8 dimensions: an autoencoder with a 2-unit bottleneck can reconstruct it. */
function manifoldData(rng: Rng, n: number): Float32Array {
  const data = new Float32Array(n * 8);
  for (let i = 0; i < n; i++) {
    const a = rng.normal(), b = rng.normal();
    for (let j = 0; j < 8; j++) data[i * 8 + j] = Math.tanh(a * Math.cos(j) + b * Math.sin(j * 0.7));
  }
  return data;
}

function trainAutoencoder(seed: number, epochs: number): { model: Sequential; losses: number[] } {
  const rng = new Rng(seed);
  const n = 256, batch = 32;
  const X = tensor(manifoldData(rng, n), [n, 8]);
  const model = mlp([8, 32, 2, 32, 8], { rng, activation: 'elu' });
  const optimizer = new Adam(model.parameters(), { lr: 1e-2 });
  const losses: number[] = [];
  for (let epoch = 0; epoch < epochs; epoch++) {
    const order = rng.permutation(n);
    let total = 0;
    for (let start = 0; start < n; start += batch) {
      const rows = order.subarray(start, start + batch);
      total += trainStep(optimizer, () => {
        const x = gather(X, rows);
        return mseLoss(model.forward(x), x);
      });
    }
    losses.push(total / (n / batch));
  }
  return { model, losses };
}

test('a tiny autoencoder learns to reconstruct, and the same seed gives identical results', () => {
  const first = trainAutoencoder(3, 80);
  assert.ok(first.losses[79]! < first.losses[0]! * 0.1, `losses ${first.losses[0]} → ${first.losses[79]}`);
  const again = trainAutoencoder(3, 80);
  assert.deepEqual(again.losses, first.losses);
  const a = first.model.stateDict(), b = again.model.stateDict();
  for (const name of Object.keys(a.tensors)) assert.deepEqual(b.tensors[name], a.tensors[name], name);
  const other = trainAutoencoder(4, 2);
  assert.notDeepEqual(other.losses, first.losses.slice(0, 2));
});

test('a training step reuses its buffers and leaves no tape behind', () => {
  const rng = new Rng(5);
  const model = mlp([6, 10, 6], { rng });
  const optimizer = new Adam(model.parameters());
  const x = tensor(new Float32Array(12 * 6).map(() => rng.normal()), [12, 6]);
  trainStep(optimizer, () => mseLoss(model.forward(x), x));
  const pooled = arena().pooledFloats();
  for (let i = 0; i < 5; i++) trainStep(optimizer, () => mseLoss(model.forward(x), x));
  assert.equal(arena().pooledFloats(), pooled);
  assert.equal(tapeLength(), 0);
  // scoring under noGrad records nothing and returns a tensor that survives the scope
  const errors = noGrad(() => mean(mseLoss(model.forward(x), x, 'none'), 1));
  assert.equal(tapeLength(), 0);
  assert.deepEqual(errors.shape, [12]);
  assert.ok(errors.data.every((v) => Number.isFinite(v) && v >= 0));
});

test('Sequential fuses Linear + activation layers and matches the unfused result', () => {
  const rng = new Rng(6);
  const model = new Sequential([new Linear(4, 5, { rng }), new ReLU(), new Linear(5, 3, { rng })]);
  const x = tensor(new Float32Array(8).map((_, i) => Math.sin(i)), [2, 4]);
  const fused = noGrad(() => model.forward(x));
  const unfused = noGrad(() => model.layers.reduce((y, layer) => layer.forward(y), x));
  assert.deepEqual([...fused.data], [...unfused.data]);
  assert.deepEqual(model.namedParameters().map(([n]) => n), ['0.weight', '0.bias', '2.weight', '2.bias']);
});

test('state dicts of models and optimisers round-trip and reject the wrong shapes', () => {
  const rng = new Rng(7);
  const model = mlp([4, 6, 2], { rng });
  const optimizer = new AdamW(model.parameters(), { lr: 0.01 });
  const x = tensor(new Float32Array(20).map(() => rng.normal()), [5, 4]);
  const target = tensor(new Float32Array(10), [5, 2]);
  for (let i = 0; i < 3; i++) trainStep(optimizer, () => mseLoss(model.forward(x), target));
  const saved = model.stateDict(), savedOptimizer = optimizer.stateDict();
  assert.deepEqual(saved.shapes, { '0.weight': [4, 6], '0.bias': [6], '1.weight': [6, 2], '1.bias': [2] });
  assert.deepEqual(JSON.parse(JSON.stringify(savedOptimizer.metadata)), savedOptimizer.metadata);

  const clone = mlp([4, 6, 2], { rng: new Rng(99) });
  const cloneOptimizer = new AdamW(clone.parameters(), { lr: 0.01 });
  clone.loadStateDict(saved);
  cloneOptimizer.loadStateDict(savedOptimizer);
  // the clone continues training exactly as the original
  const next = trainStep(optimizer, () => mseLoss(model.forward(x), target));
  const nextClone = trainStep(cloneOptimizer, () => mseLoss(clone.forward(x), target));
  assert.equal(nextClone, next);
  assert.deepEqual(clone.stateDict().tensors, model.stateDict().tensors);

  const wrong = mlp([4, 5, 2], { rng });
  assert.throws(() => wrong.loadStateDict(saved), { name: 'ShapeError', message: /'0\.weight' has shape \[4, 5\] in the model but \[4, 6\]/ });
  const missing = { ...saved, tensors: { ...saved.tensors } };
  delete missing.tensors['1.bias'];
  assert.throws(() => clone.loadStateDict(missing), /'1\.bias' is missing/);
  assert.throws(() => mlp([4, 6], { rng }).loadStateDict(saved), /unexpected entries '1\.weight', '1\.bias'/);
});

test('gradient clipping by global norm and learning-rate schedules', () => {
  const rng = new Rng(8);
  const layer = new Linear(3, 2, { rng });
  const optimizer = new SGD(layer.parameters(), { lr: 1 });
  scope(() => {
    const x = tensor(new Float32Array([10, 20, 30]), [1, 3]);
    optimizer.zeroGrad();
    mseLoss(layer.forward(x), tensor(new Float32Array(2), [1, 2])).backward();
  });
  const norm = clipGradNorm(layer.parameters(), 1);
  assert.ok(norm > 1);
  const after = Math.hypot(...layer.parameters().flatMap((p) => [...p.grad!]));
  assert.ok(Math.abs(after - 1) < 1e-4, `norm after clipping ${after}`);

  const stepSchedule = new StepLR(optimizer, 2, 0.5);
  const rates: number[] = [];
  for (let e = 0; e < 5; e++) { stepSchedule.step(); rates.push(optimizer.lr); }
  assert.deepEqual(rates, [1, 0.5, 0.5, 0.25, 0.25]);
  assert.ok(Math.abs(new ExponentialLR(optimizer, 0.9).rateAt(2) - 0.81) < 1e-12);
  const cosine = new CosineAnnealingLR(optimizer, 10, 0.1);
  assert.equal(cosine.rateAt(0), 1);
  assert.ok(Math.abs(cosine.rateAt(5) - 0.55) < 1e-12);
  assert.equal(cosine.rateAt(10), 0.1);
});
