/**
 * Every op's gradient against central finite differences, on small random shapes that include broadcasting and odd
 * sizes. Runs on the process's backend (DAD_BACKEND picks it).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../core/rng.ts';
import { ACTIVATIONS } from './backend/types.ts';
import { randomTensor } from './gradcheck.ts';
import { checkGradients } from './test-helpers.ts';
import { add, div, mul, sub, neg } from './ops/elementwise.ts';
import { abs, activation, clamp, exp, log, pow, sqrt, square } from './ops/unary.ts';
import { linear, matmul } from './ops/matmul.ts';
import { max, mean, min, sum } from './ops/reduce.ts';
import { logSoftmax, softmax } from './ops/softmax.ts';
import { broadcastTo, concat, permute, reshape, slice, transpose } from './ops/shape.ts';
import { gather } from './ops/gather.ts';
import { bceWithLogitsLoss, crossEntropyLoss, gaussianKL, hingeLoss, mseLoss } from './losses.ts';
import type { Tensor } from './tensor.ts';


test('broadcast add / sub / mul / div', () => {
  const cases: number[][][] = [[[3, 4], [3, 4]], [[3, 4], [4]], [[3, 1], [1, 4]], [[2, 3, 5], [3, 1]], [[5], []], [[2, 1, 3], [2, 4, 1]], [[1, 3], [2, 3, 3]]];
  for (const shapes of cases) {
    checkGradients('add', add, shapes);
    checkGradients('sub', sub, shapes);
    checkGradients('mul', mul, shapes);
  }
  checkGradients('div', div, [[3, 4], [4]], { low: 0.5, high: 2 });
  checkGradients('div', div, [[2, 3, 5], [3, 1]], { low: 0.5, high: 2 });
  checkGradients('number - tensor', (x) => sub(2, x), [[3, 2]]);
  checkGradients('number / tensor', (x) => div(2, x), [[3, 2]], { low: 0.5, high: 2 });
  checkGradients('tensor * number', (x) => mul(x, -3), [[3, 2]]);
  checkGradients('neg', neg, [[7]]);
});

test('activations', () => {
  for (const act of ACTIVATIONS) {
    // stay clear of the kinks of relu-like functions, where finite differences straddle two slopes
    const far = (x: Tensor): Tensor => activation(add(mul(x, 2), 0), act);
    checkGradients(act, far, [[4, 5]], { eps: act === 'relu' || act === 'leaky_relu' || act === 'elu' ? 1e-3 : 1e-2 });
  }
  checkGradients('leaky_relu 0.2', (x) => activation(x, 'leaky_relu', 0.2), [[3, 3]], { eps: 1e-3 });
});

test('exp log sqrt pow abs clamp square', () => {
  checkGradients('exp', exp, [[3, 4]]);
  checkGradients('log', log, [[3, 4]], { low: 0.5, high: 3 });
  checkGradients('sqrt', sqrt, [[3, 4]], { low: 0.5, high: 3 });
  checkGradients('pow 3', (x) => pow(x, 3), [[3, 4]]);
  checkGradients('pow 1.5', (x) => pow(x, 1.5), [[3, 4]], { low: 0.5, high: 2 });
  checkGradients('abs', abs, [[3, 4]], { eps: 1e-3 });
  checkGradients('clamp', (x) => clamp(x, -0.5, 0.5), [[3, 4]], { eps: 1e-3 });
  checkGradients('square', square, [[5]]);
});

test('matmul, transposed, folded and batched', () => {
  for (const transA of [false, true]) {
    for (const transB of [false, true]) {
      const a = transA ? [3, 5] : [5, 3], b = transB ? [4, 3] : [3, 4];
      checkGradients(`matmul ${transA} ${transB}`, (x, y) => matmul(x, y, { transA, transB }), [a, b]);
      const ba = transA ? [2, 3, 5] : [2, 5, 3], bb = transB ? [2, 4, 3] : [2, 3, 4];
      checkGradients(`batched ${transA} ${transB}`, (x, y) => matmul(x, y, { transA, transB }), [ba, bb]);
    }
  }
  checkGradients('folded', (x, y) => matmul(x, y), [[2, 3, 5], [5, 2]]);
  checkGradients('folded transB', (x, y) => matmul(x, y, { transB: true }), [[2, 3, 5], [2, 5]]);
});

test('fused linear with every activation, with and without bias', () => {
  for (const act of ACTIVATIONS) {
    checkGradients(`linear ${act}`, (x, w, b) => linear(x, w, b, act, act === 'leaky_relu' ? 0.1 : 1), [[5, 3], [3, 4], [4]], { eps: 1e-3, rtol: 3e-2 });
  }
  checkGradients('linear no bias', (x, w) => linear(x, w, null), [[2, 3, 3], [3, 2]]);
});

test('reductions over axes', () => {
  const axesList: (number[] | undefined)[] = [undefined, [0], [1], [2], [-1], [0, 1], [0, 2], [1, 2]];
  for (const axes of axesList) {
    for (const keep of [false, true]) {
      checkGradients(`sum ${axes} ${keep}`, (x) => sum(x, axes, keep), [[2, 3, 4]]);
      checkGradients(`mean ${axes} ${keep}`, (x) => mean(x, axes, keep), [[2, 3, 4]]);
      checkGradients(`max ${axes} ${keep}`, (x) => max(x, axes, keep), [[2, 3, 4]], { eps: 1e-3 });
      checkGradients(`min ${axes} ${keep}`, (x) => min(x, axes, keep), [[2, 3, 4]], { eps: 1e-3 });
    }
  }
  const x = randomTensor([2, 3, 4], new Rng(3));
  assert.deepEqual(sum(x, [0, 2], true).shape, [1, 3, 1]);
  assert.deepEqual(mean(x, 1).shape, [2, 4]);
  assert.deepEqual(max(x).shape, []);
});

test('softmax and log-softmax along any axis', () => {
  checkGradients('softmax', (x) => softmax(x), [[3, 5]]);
  checkGradients('softmax axis 0', (x) => softmax(x, 0), [[3, 5]]);
  checkGradients('logSoftmax', (x) => logSoftmax(x), [[2, 3, 4]]);
  checkGradients('logSoftmax axis 1', (x) => logSoftmax(x, 1), [[2, 3, 4]]);
  const p = softmax(randomTensor([2, 7], new Rng(1), -5, 5));
  for (let r = 0; r < 2; r++) {
    const s = p.data.subarray(r * 7, r * 7 + 7).reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(s - 1) < 1e-6);
  }
});

test('reshape, permute, transpose, concat, slice, gather', () => {
  checkGradients('reshape', (x) => mul(reshape(x, [4, -1]), reshape(x, [4, 3])), [[2, 6]]);
  checkGradients('permute', (x) => permute(x, [2, 0, 1]), [[2, 3, 4]]);
  checkGradients('transpose', (x) => transpose(x, 0, 2), [[2, 3, 4]]);
  checkGradients('concat axis 1', (a, b) => concat([a, b], 1), [[2, 3, 2], [2, 1, 2]]);
  checkGradients('concat axis 0', (a, b, c) => concat([a, b, c], 0), [[1, 3], [2, 3], [1, 3]]);
  checkGradients('slice', (x) => slice(x, 1, 1, 3), [[2, 4, 3]]);
  checkGradients('gather with repeats', (t) => gather(t, [2, 0, 2, 1], [2, 2]), [[3, 4]]);
  checkGradients('broadcastTo', (t) => broadcastTo(t, [2, 3, 4]), [[3, 1]]);
  const x = randomTensor([2, 3], new Rng(2));
  assert.deepEqual(transpose(x).shape, [3, 2]);
  assert.deepEqual([...transpose(x).data], [x.data[0], x.data[3], x.data[1], x.data[4], x.data[2], x.data[5]]);
});

test('losses', () => {
  for (const reduction of ['mean', 'sum', 'none'] as const) {
    checkGradients(`mse ${reduction}`, (p, t) => mseLoss(p, t, reduction), [[4, 3], [4, 3]]);
    checkGradients(`gaussianKL ${reduction}`, (m, v) => gaussianKL(m, v, reduction), [[3, 2], [3, 2]]);
  }
  const rng = new Rng(5);
  const targets = randomTensor([4, 3], rng, 0, 1);
  checkGradients('bce with logits', (x) => bceWithLogitsLoss(x, targets), [[4, 3]], { low: -3, high: 3 });
  const labels = randomTensor([6], rng);
  labels.data.forEach((v, i) => { labels.data[i] = v > 0 ? 1 : -1; });
  checkGradients('hinge', (x) => hingeLoss(x, labels, 'sum'), [[6]], { low: -0.8, high: 0.8, eps: 1e-3 });
  checkGradients('cross-entropy, class indices', (x) => crossEntropyLoss(x, [2, 0, 1]), [[3, 4]]);
  const distributions = softmax(randomTensor([3, 4], rng));
  checkGradients('cross-entropy, distributions, per row', (x) => crossEntropyLoss(x, distributions, 'none'), [[3, 4]]);
});

test('shape mismatches name both shapes', () => {
  const rng = new Rng(1);
  assert.throws(() => matmul(randomTensor([32, 64], rng), randomTensor([128, 16], rng)),
    { name: 'ShapeError', message: 'matmul: cannot multiply [32, 64] by [128, 16]: inner dimensions 64 and 128 differ.' });
  assert.throws(() => add(randomTensor([3, 4], rng), randomTensor([5], rng)), /add: cannot broadcast \[3, 4\] with \[5\]/);
  assert.throws(() => mseLoss(randomTensor([3, 4], rng), randomTensor([4, 3], rng)), /\[3, 4\].*\[4, 3\]/);
  assert.throws(() => reshape(randomTensor([3, 4], rng), [5, -1]), /cannot reshape \[3, 4\]/);
  assert.throws(() => concat([randomTensor([2, 3], rng), randomTensor([3, 3], rng)], 1), /\[2, 3\] and \[3, 3\]/);
});
