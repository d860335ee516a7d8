// RMSprop as Keras defines it: the first step's size, per-parameter clipping, and a loss that goes down.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../core/rng.ts';
import { Linear } from '../layers/linear.ts';
import { mseLoss } from '../losses.ts';
import { tensor } from '../tensor.ts';
import { RMSprop } from './rmsprop.ts';

function layerWithGradient(gradient: number[]): Linear {
  const layer = new Linear(gradient.length, 1, { rng: new Rng(1), bias: false });
  layer.weight.data.fill(0);
  layer.weight.grad!.set(gradient);
  layer.weight.hasGrad = true;
  return layer;
}

test('RMSprop: the first step moves each weight by lr·g / (√((1 − ρ)·g²) + ε)', () => {
  const layer = layerWithGradient([2, -0.5]);
  new RMSprop([layer.weight], { lr: 0.01 }).step();
  const expected = [2, -0.5].map((g) => -0.01 * g / (Math.sqrt(0.1 * g * g) + 1e-7));
  layer.weight.data.forEach((w, j) => assert.ok(Math.abs(w - expected[j]!) < 1e-6, `${w} vs ${expected[j]}`));
});

test('RMSprop: clipNorm rescales a parameter\'s gradient to that norm before the update', () => {
  const clipped = layerWithGradient([30, 40]);
  const optimizer = new RMSprop([clipped.weight], { lr: 0.01, clipNorm: 1 });
  optimizer.step();
  assert.deepEqual([...optimizer.stateDict().tensors['0.v']!].map((v) => Math.round(v * 1e6) / 1e6), [0.036, 0.064]);
  assert.throws(() => new RMSprop([clipped.weight], { clipNorm: 0 }), RangeError);
});

test('RMSprop fits a line', () => {
  const layer = new Linear(1, 1, { rng: new Rng(3) });
  const optimizer = new RMSprop(layer.parameters(), { lr: 0.05 });
  const x = tensor(Float32Array.from([0, 1, 2, 3]), [4, 1]);
  const y = tensor(Float32Array.from([1, 3, 5, 7]), [4, 1]);
  let last = Infinity;
  for (let i = 0; i < 300; i++) {
    optimizer.zeroGrad();
    const loss = mseLoss(layer.forward(x), y);
    loss.backward();
    optimizer.step();
    last = loss.item();
  }
  assert.ok(last < 0.01, `loss ${last}`);
});
