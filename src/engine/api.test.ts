/**
 * The usage example of index.ts, run as written through the public entry point, so the documentation cannot rot.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../core/rng.ts';
import { Adam, gather, mean, mlp, mseLoss, noGrad, tensor, trainStep } from './index.ts';

test('the documented MLP autoencoder trains and scores the outlier highest', () => {
  const seed = 42, rows = 512, epochs = 100;
  const dataRng = new Rng(1);
  const data = new Float32Array(rows * 64);
  for (let i = 0; i < rows; i++) {
    const a = dataRng.normal(), b = dataRng.normal();
    for (let j = 0; j < 64; j++) data[i * 64 + j] = Math.tanh(a * Math.sin(j) + b * Math.cos(0.3 * j));
  }
  for (let j = 0; j < 64; j++) data[7 * 64 + j] = dataRng.uniform(-1, 1); // row 7 does not lie on the manifold

  const rng = new Rng(seed);
  const X = tensor(data, [rows, 64]);
  const model = mlp([64, 128, 64, 16, 64, 128, 64], { rng, activation: 'relu' });
  const optimizer = new Adam(model.parameters(), { lr: 1e-3 });
  for (let epoch = 0; epoch < epochs; epoch++) {
    const order = rng.permutation(rows);
    for (let start = 0; start < rows; start += 256) {
      const batchRows = order.subarray(start, start + 256);
      trainStep(optimizer, () => {
        const batch = gather(X, batchRows);
        return mseLoss(model.forward(batch), batch);
      });
    }
  }
  model.eval();
  const scores = noGrad(() => mean(mseLoss(model.forward(X), X, 'none'), 1)).data;
  const saved = model.stateDict();

  assert.equal(scores.length, rows);
  const top = scores.indexOf(Math.max(...scores));
  assert.equal(top, 7);
  assert.deepEqual(saved.shapes['0.weight'], [64, 128]);
});
