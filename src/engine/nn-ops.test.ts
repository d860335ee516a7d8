/**
 * Gradients of the network ops (convolutions, pooling, normalisation, dropout, recurrent layers, attention, linear
 * algebra) against central finite differences, plus forward values checked by hand where a gradient check alone could
 * pass a consistently wrong op.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../core/rng.ts';
import { gradcheck, randomTensor } from './gradcheck.ts';
import { checkGradients } from './test-helpers.ts';
import { conv1d, conv2d, convTranspose2d } from './ops/conv.ts';
import { avgPool2d, maxPool1d, maxPool2d, upsample2d } from './ops/pooling.ts';
import { batchNorm, layerNorm } from './ops/norm.ts';
import { dropout } from './ops/dropout.ts';
import { gru, lstm } from './ops/recurrent.ts';
import { concat, reshape } from './ops/shape.ts';
import { add, mul } from './ops/elementwise.ts';
import { matmul } from './ops/matmul.ts';
import { cholesky, logDet, solve } from './linalg.ts';
import { MultiHeadAttention } from './layers/attention.ts';
import { tensor, Tensor } from './tensor.ts';
import { noGrad } from './scope.ts';


test('conv2d: stride, padding, 1×1, fused activation', () => {
  checkGradients('conv2d', (x, w, b) => conv2d(x, w, b, { padding: 1 }), [[2, 3, 5, 4], [4, 3, 3, 3], [4]]);
  checkGradients('conv2d stride 2', (x, w, b) => conv2d(x, w, b, { stride: 2, padding: [1, 0] }), [[2, 2, 7, 6], [3, 2, 3, 2], [3]]);
  checkGradients('conv2d 1×1', (x, w) => conv2d(x, w, null), [[2, 3, 2, 3], [2, 3, 1, 1]]);
  checkGradients('conv2d tanh', (x, w, b) => conv2d(x, w, b, { padding: 1, activation: 'tanh' }), [[1, 2, 4, 4], [2, 2, 3, 3], [2]]);
  checkGradients('conv2d gelu', (x, w, b) => conv2d(x, w, b, { activation: 'gelu' }), [[1, 2, 4, 4], [2, 2, 3, 3], [2]]);
  // a hand-computed case: a 2×2 sum kernel over a 3×3 ramp
  const x = tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 1, 3, 3]);
  const y = conv2d(x, tensor([1, 1, 1, 1], [1, 1, 2, 2]), tensor([0.5]));
  assert.deepEqual([...y.data], [12.5, 16.5, 24.5, 28.5]);
});

test('transposed conv2d with output padding, and its adjointness to conv2d', () => {
  checkGradients('convTranspose2d', (x, w, b) => convTranspose2d(x, w, b, { stride: 2, padding: 1, outputPadding: 1 }), [[2, 3, 3, 3], [3, 2, 3, 3], [2]]);
  checkGradients('convTranspose2d relu-free stride 1', (x, w) => convTranspose2d(x, w, null), [[1, 2, 3, 2], [2, 3, 2, 2]]);
  const rng = new Rng(4);
  const x = randomTensor([1, 8, 7, 7], rng), w = randomTensor([8, 8, 3, 3], rng);
  assert.deepEqual(convTranspose2d(x, w, null, { stride: 2, padding: 1, outputPadding: 1 }).shape, [1, 8, 14, 14]);
  // <conv(u), v> = <u, convT(v)> for the same weight: the transpose is the adjoint
  const u = randomTensor([1, 2, 5, 5], rng), v = randomTensor([1, 3, 3, 3], rng), k = randomTensor([3, 2, 3, 3], rng);
  const cu = conv2d(u, k, null, { stride: 2, padding: 1 });
  const tv = convTranspose2d(v, k, null, { stride: 2, padding: 1 });
  const dot = (p: Float32Array, q: Float32Array): number => p.reduce((s, pi, i) => s + pi * q[i]!, 0);
  assert.ok(Math.abs(dot(cu.data, v.data) - dot(u.data, tv.data)) < 1e-4);
});

test('conv1d, and dilated convolutions', () => {
  checkGradients('conv1d', (x, w, b) => conv1d(x, w, b, { padding: 1, stride: 2 }), [[2, 3, 9], [2, 3, 3], [2]]);
  checkGradients('conv1d dilated', (x, w, b) => conv1d(x, w, b, { padding: 4, dilation: 2 }), [[2, 2, 7], [3, 2, 3], [3]]);
  checkGradients('conv2d dilated', (x, w) => conv2d(x, w, null, { dilation: [2, 1], padding: 1, stride: [1, 2] }), [[1, 2, 6, 5], [2, 2, 3, 2]]);
  // dilation d spreads the taps: a [1, 1] kernel with dilation 3 sums x[t] and x[t + 3]
  const y = conv1d(tensor([1, 2, 3, 4, 5], [1, 1, 5]), tensor([1, 1], [1, 1, 2]), null, { dilation: 3 });
  assert.deepEqual([...y.data], [5, 7]);
});

test('pooling and upsampling', () => {
  checkGradients('maxPool2d', (x) => maxPool2d(x, 2), [[2, 2, 4, 5]], { eps: 1e-3 });
  checkGradients('maxPool2d padded stride 1', (x) => maxPool2d(x, 3, { stride: 1, padding: 1 }), [[1, 2, 3, 3]], { eps: 1e-3 });
  checkGradients('avgPool2d', (x) => avgPool2d(x, [2, 3], { stride: 1, padding: 1 }), [[2, 1, 4, 5]]);
  checkGradients('upsample2d', (x) => upsample2d(x, [2, 3]), [[1, 2, 2, 3]]);
  checkGradients('maxPool1d', (x) => maxPool1d(x, 2), [[2, 3, 6]], { eps: 1e-3 });
  const x = tensor([1, 5, 2, 0, 3, 4, 7, 1, 2, 2, 0, 9, 1, 1, 8, 6], [1, 1, 4, 4]);
  assert.deepEqual([...maxPool2d(x, 2).data], [5, 7, 2, 9]);
  assert.deepEqual([...upsample2d(tensor([1, 2], [1, 1, 1, 2]), 2).data], [1, 1, 2, 2, 1, 1, 2, 2]);
});

test('batch norm (train and eval) and layer norm', () => {
  const running = (n: number, v: number): Tensor => tensor(new Float32Array(n).fill(v), [n]);
  for (const training of [true, false]) {
    checkGradients(`batchNorm ${training}`, (x, g, b) => batchNorm(x, g, b, running(3, 0.2), running(3, 1.5), { training }), [[4, 3], [3], [3]]);
    checkGradients(`batchNorm2d ${training}`, (x, g, b) => batchNorm(x, g, b, running(2, 0.2), running(2, 1.5), { training }), [[2, 2, 3, 2], [2], [2]]);
  }
  checkGradients('layerNorm', (x, g, b) => layerNorm(x, 4, g, b), [[3, 4], [4], [4]]);
  checkGradients('layerNorm without affine', (x) => layerNorm(x, 6, null, null), [[2, 2, 3]]);
  // the running statistics follow PyTorch: momentum 0.1, unbiased variance
  const rm = running(1, 0), rv = running(1, 1);
  const y = batchNorm(tensor([1, 2, 3, 6], [4, 1]), null, null, rm, rv, { training: true });
  assert.ok(Math.abs(rm.data[0]! - 0.3) < 1e-6 && Math.abs(rv.data[0]! - (0.9 + 0.1 * 14 / 3)) < 1e-5);
  assert.ok(Math.abs(y.data.reduce((s, v) => s + v, 0)) < 1e-5);
});

test('dropout: seeded mask, inverted scaling, identity in eval', () => {
  const rng = new Rng(9);
  const x = tensor(new Float32Array(10_000).fill(1), [10_000]);
  const y = dropout(x, 0.3, rng);
  const kept = y.data.filter((v) => v !== 0);
  assert.ok(Math.abs(kept.length / 10_000 - 0.7) < 0.02);
  assert.ok(kept.every((v) => Math.abs(v - 1 / 0.7) < 1e-6));
  assert.equal(dropout(x, 0.3, rng, false), x);
  assert.deepEqual([...dropout(x, 0.3, new Rng(1)).data], [...dropout(x, 0.3, new Rng(1)).data]);
  // a fresh generator per call keeps the mask fixed while finite differences re-run the op
  checkGradients('dropout', (t) => dropout(t, 0.5, new Rng(5)), [[3, 4]]);
});

test('LSTM: sequences, final states, initial states', () => {
  const flat = (t: Tensor): Tensor => reshape(t, [t.shape[0]!, -1]);
  checkGradients('lstm', (x, wih, whh, b, h0, c0) => {
    const r = lstm(x, wih, whh, b, { h0, c0 });
    return concat([flat(r.output!), r.h, r.c!], 1);
  }, [[2, 3, 4], [4, 12], [3, 12], [12], [2, 3], [2, 3]]);
  checkGradients('lstm last state only', (x, wih, whh) => lstm(x, wih, whh, null, { returnSequences: false }).h, [[3, 5, 2], [2, 8], [2, 8]]);
});

test('GRU: sequences, final states, initial states', () => {
  const flat = (t: Tensor): Tensor => reshape(t, [t.shape[0]!, -1]);
  checkGradients('gru', (x, wih, whh, bih, bhh, h0) => {
    const r = gru(x, wih, whh, bih, bhh, { h0 });
    return concat([flat(r.output!), r.h], 1);
  }, [[2, 3, 4], [4, 9], [3, 9], [9], [9], [2, 3]]);
});

test('multi-head self-attention: gradients, causal masking', () => {
  const rng = new Rng(12);
  const attention = new MultiHeadAttention(4, 2, { rng });
  const params = attention.parameters();
  checkGradients('attention input', (x) => attention.forward(x), [[2, 3, 4]]);
  const x = randomTensor([2, 3, 4], rng);
  assert.deepEqual(gradcheck(() => attention.forward(x, { causal: true }), params), []);
  // with a causal mask, the first position's output does not depend on later positions
  const y1 = noGrad(() => attention.forward(x, { causal: true }));
  const x2 = new Tensor(x.data.slice(), x.shape);
  x2.data[2 * 4 + 1] = 5;
  const y2 = noGrad(() => attention.forward(x2, { causal: true }));
  assert.deepEqual([...y2.data.subarray(0, 4)], [...y1.data.subarray(0, 4)]);
  assert.notDeepEqual([...y2.data.subarray(8, 12)], [...y1.data.subarray(8, 12)]);
});

test('Cholesky, log-determinant and solve', () => {
  // symmetric positive-definite inputs: A = M·Mᵀ + 3I
  const spd = (m: Tensor): Tensor => add(matmul(m, m, { transB: true }), mul(tensor([1, 0, 0, 0, 1, 0, 0, 0, 1], [3, 3]), 3));
  checkGradients('cholesky', (m) => cholesky(spd(m)), [[2, 3, 3]]);
  checkGradients('logDet', (m) => logDet(spd(m)), [[2, 3, 3]]);
  checkGradients('solve', (a, b) => solve(add(a, mul(tensor([1, 0, 0, 0, 1, 0, 0, 0, 1], [3, 3]), 2)), b), [[2, 3, 3], [2, 3, 2]]);
  const a = tensor([4, 2, 2, 3], [2, 2]);
  assert.deepEqual([...cholesky(a).data].map((v) => Math.round(v * 1e6) / 1e6), [2, 0, 1, Math.round(Math.SQRT2 * 1e6) / 1e6]);
  assert.ok(Math.abs(logDet(a).item() - Math.log(8)) < 1e-6);
  const x = solve(tensor([0, 1, 2, 0], [2, 2]), tensor([3, 4], [2, 1]));
  assert.deepEqual([...x.data], [2, 3]);
  assert.throws(() => cholesky(tensor([1, 2, 2, 1], [2, 2])), /not positive definite/);
});

/** Equal up to float32 rounding: the two paths may block their GEMMs differently. */
function assertNear(actual: number[], expected: number[]): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((a, i) => assert.ok(Math.abs(a - expected[i]!) <= 1e-6 + 1e-5 * Math.abs(expected[i]!), `index ${i}: ${a} vs ${expected[i]}`));
}

test('recurrent layers give the same values with and without gradient recording', () => {
  const rng = new Rng(21);
  const x = randomTensor([3, 5, 4], rng), h0 = randomTensor([3, 6], rng), c0 = randomTensor([3, 6], rng);
  const w = { lih: randomTensor([4, 24], rng), lhh: randomTensor([6, 24], rng), lb: randomTensor([24], rng),
    gih: randomTensor([4, 18], rng), ghh: randomTensor([6, 18], rng), gb1: randomTensor([18], rng), gb2: randomTensor([18], rng) };
  w.lih.requiresGrad = true;
  w.gih.requiresGrad = true;
  for (const returnSequences of [true, false]) {
    const recorded = lstm(x, w.lih, w.lhh, w.lb, { h0, c0, returnSequences });
    const plain = noGrad(() => { const r = lstm(x, w.lih, w.lhh, w.lb, { h0, c0, returnSequences }); return [r.output ?? r.h, r.h, r.c!]; });
    assertNear([...plain[1]!.data], [...recorded.h.data]);
    assertNear([...plain[2]!.data], [...recorded.c!.data]);
    if (returnSequences) assertNear([...plain[0]!.data], [...recorded.output!.data]);
    const g = gru(x, w.gih, w.ghh, w.gb1, w.gb2, { h0, returnSequences });
    const gPlain = noGrad(() => { const r = gru(x, w.gih, w.ghh, w.gb1, w.gb2, { h0, returnSequences }); return [r.output ?? r.h, r.h]; });
    assertNear([...gPlain[1]!.data], [...g.h.data]);
    if (returnSequences) assertNear([...gPlain[0]!.data], [...g.output!.data]);
  }
});
