/**
 * The reference kernels checked against independent definitions: a naive float64 triple loop for GEMM, central finite
 * differences for every backward kernel, the adjoint identity for im2col/col2im, hand-computed optimiser steps.
 * The compiled backends are then checked against this reference (backends.test.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createJsBackend, activate, erf } from './js.ts';
import { ACTIVATIONS, type Conv2dGeometry } from './types.ts';
import { assertClose, randomArray, seededRandom } from './test-helpers.ts';

const js = createJsBackend();

test('erf matches known values to float32 precision', () => {
  assertClose([erf(0), erf(0.5), erf(1), erf(-2), erf(4)], [0, 0.5204998778, 0.8427007929, -0.9953222650, 0.9999999846], 'erf', 0, 2e-7);
});

test('gemm equals the naive definition for every transpose, alpha and beta', () => {
  const random = seededRandom(1);
  for (const [transA, transB] of [[false, false], [true, false], [false, true], [true, true]] as const) {
    const m = 5, n = 7, k = 3, alpha = 0.75, beta = -0.5;
    const a = randomArray(random, m * k), b = randomArray(random, k * n), c = randomArray(random, m * n);
    const expected = new Float64Array(m * n);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += (transA ? a[p * m + i]! : a[i * k + p]!) * (transB ? b[j * k + p]! : b[p * n + j]!);
        expected[i * n + j] = alpha * s + beta * c[i * n + j]!;
      }
    }
    js.gemm(transA, transB, m, n, k, alpha, a, b, beta, c);
    assertClose(c, expected, `gemm transA=${transA} transB=${transB}`);
  }
});

test('gemm with beta = 0 ignores NaN already in C', () => {
  const c = new Float32Array([NaN, NaN]);
  js.gemm(false, false, 1, 2, 1, 1, new Float32Array([2]), new Float32Array([3, 4]), 0, c);
  assert.deepEqual([...c], [6, 8]);
});

test('activationBackward is the derivative of biasActivation (finite differences)', () => {
  const xs = [-2.5, -0.7, -0.1, 0.3, 1.1, 3];
  for (const act of ACTIVATIONS) {
    const alpha = 0.3;
    const x = new Float32Array(xs), y = new Float32Array(xs.length);
    js.biasActivation(x, null, 1, xs.length, act, alpha, y);
    const grad = new Float32Array(xs.length);
    js.activationBackward(act, alpha, x, y, new Float32Array(xs.length).fill(1), grad, xs.length);
    const h = 1e-4;
    const numeric = xs.map((v) => (activate(act, v + h, alpha) - activate(act, v - h, alpha)) / (2 * h));
    assertClose(grad, numeric, act, 1e-3, 1e-4);
  }
});

test('softmaxRows rows sum to one and log-softmax is its log', () => {
  const random = seededRandom(2);
  const x = randomArray(random, 3 * 5, -50, 50);
  const p = new Float32Array(15), lp = new Float32Array(15);
  js.softmaxRows(x, 3, 5, false, p);
  js.softmaxRows(x, 3, 5, true, lp);
  for (let i = 0; i < 3; i++) assert.ok(Math.abs(p.subarray(i * 5, i * 5 + 5).reduce((s, v) => s + v, 0) - 1) < 1e-6);
  assertClose(lp.map(Math.exp), p, 'exp(log-softmax)');
});

test('sumRows sums columns and accumulates on request', () => {
  const out = new Float32Array([10, 20]);
  js.sumRows(new Float32Array([1, 2, 3, 4, 5, 6]), 3, 2, out, true);
  assert.deepEqual([...out], [19, 32]);
  js.sumRows(new Float32Array([1, 2, 3, 4, 5, 6]), 3, 2, out, false);
  assert.deepEqual([...out], [9, 12]);
});

test('im2col picks the right pixels and col2im is its adjoint', () => {
  const g: Conv2dGeometry = { channels: 2, height: 5, width: 4, kernelH: 3, kernelW: 2, strideH: 2, strideW: 1, padH: 1, padW: 1, outH: 3, outW: 5 };
  const random = seededRandom(3);
  const image = randomArray(random, 2 * 5 * 4);
  const rows = 2 * 3 * 2, cols = 3 * 5;
  const columns = new Float32Array(rows * cols);
  js.im2col(image, g, columns);
  // channel 1, kh 2, kw 0 at output (oh 1, ow 2) reads input (1·2 − 1 + 2, 2·1 − 1 + 0) = (3, 1)
  assert.equal(columns[((1 * 3 + 2) * 2 + 0) * cols + 1 * 5 + 2], image[(1 * 5 + 3) * 4 + 1]);
  // kh 0 at oh 0 reads row −1: padding
  assert.equal(columns[0], 0);
  const y = randomArray(random, rows * cols);
  const back = new Float32Array(image.length);
  js.col2im(y, g, back);
  const dot = (u: Float32Array, v: Float32Array) => u.reduce((s, val, i) => s + val * v[i]!, 0);
  assert.ok(Math.abs(dot(columns, y) - dot(image, back)) < 1e-4);
});

/** Central differences of a scalar loss L = Σ w ⊙ outputs with respect to each input element. */
function numericGradient(inputs: Float32Array, loss: () => number, h = 1e-3): Float64Array {
  const grad = new Float64Array(inputs.length);
  for (let i = 0; i < inputs.length; i++) {
    const saved = inputs[i]!;
    inputs[i] = saved + h; const up = loss();
    inputs[i] = saved - h; const down = loss();
    inputs[i] = saved;
    grad[i] = (up - down) / (2 * h);
  }
  return grad;
}

test('lstmCellBackward matches finite differences of lstmCellForward', () => {
  const random = seededRandom(4);
  const batch = 2, h = 3;
  const pre = randomArray(random, batch * 4 * h, -2, 2), cPrev = randomArray(random, batch * h);
  const wH = randomArray(random, batch * h), wC = randomArray(random, batch * h);
  const loss = () => {
    const gates = pre.slice(), c = new Float32Array(batch * h), hh = new Float32Array(batch * h);
    js.lstmCellForward(gates, cPrev, batch, h, c, hh);
    let s = 0;
    for (let i = 0; i < batch * h; i++) s += wH[i]! * hh[i]! + wC[i]! * c[i]!;
    return s;
  };
  const gates = pre.slice(), cNext = new Float32Array(batch * h), hNext = new Float32Array(batch * h);
  js.lstmCellForward(gates, cPrev, batch, h, cNext, hNext);
  const dC = wC.slice(), dGates = new Float32Array(batch * 4 * h);
  js.lstmCellBackward(gates, cPrev, cNext, wH, dC, batch, h, dGates);
  assertClose(dGates, numericGradient(pre, loss), 'dGates', 1e-2, 1e-3);
  assertClose(dC, numericGradient(cPrev, loss), 'dCPrev', 1e-2, 1e-3);
});

test('gruCellBackward matches finite differences of gruCellForward', () => {
  const random = seededRandom(5);
  const batch = 2, h = 3;
  const gx = randomArray(random, batch * 3 * h, -2, 2), gh = randomArray(random, batch * 3 * h, -2, 2);
  const hPrev = randomArray(random, batch * h), w = randomArray(random, batch * h);
  const loss = () => {
    const out = new Float32Array(batch * h);
    js.gruCellForward(gx, gh, hPrev, batch, h, out, new Float32Array(batch * 3 * h));
    return out.reduce((s, v, i) => s + v * w[i]!, 0);
  };
  const hNext = new Float32Array(batch * h), saved = new Float32Array(batch * 3 * h);
  js.gruCellForward(gx, gh, hPrev, batch, h, hNext, saved);
  const dGx = new Float32Array(batch * 3 * h), dGh = new Float32Array(batch * 3 * h), dHPrev = new Float32Array(batch * h);
  js.gruCellBackward(saved, gh, hPrev, w, batch, h, dGx, dGh, dHPrev);
  assertClose(dGx, numericGradient(gx, loss), 'dGx', 1e-2, 1e-3);
  assertClose(dGh, numericGradient(gh, loss), 'dGh', 1e-2, 1e-3);
  // dHPrev is the direct path only: hNext depends on hPrev through z ⊙ hPrev when gx, gh are held fixed
  assertClose(dHPrev, numericGradient(hPrev, loss), 'dHPrev', 1e-2, 1e-3);
});

test('adamUpdate: first step moves each parameter by lr against the gradient sign', () => {
  const p = new Float32Array([1, -1]), m = new Float32Array(2), v = new Float32Array(2);
  js.adamUpdate(p, new Float32Array([0.5, -2]), m, v, 2, 0.1, 0.9, 0.999, 0, 0, 1, false);
  assertClose(p, [0.9, -0.9], 'adam step 1');
  assertClose(m, [0.05, -0.2], 'm');
  assertClose(v, [0.00025, 0.004], 'v');
});

test('adamUpdate: AdamW decays the weight, Adam folds decay into the gradient', () => {
  const pw = new Float32Array([2]);
  js.adamUpdate(pw, new Float32Array([0]), new Float32Array(1), new Float32Array(1), 1, 0.1, 0.9, 0.999, 1e-8, 0.5, 1, true);
  assertClose(pw, [2 * (1 - 0.05)], 'adamw with zero gradient');
  const pa = new Float32Array([2]);
  js.adamUpdate(pa, new Float32Array([0]), new Float32Array(1), new Float32Array(1), 1, 0.1, 0.9, 0.999, 0, 0.5, 1, false);
  assertClose(pa, [1.9], 'adam L2: gradient 1 → step −lr');
});

test('sgdUpdate: plain, momentum and nesterov', () => {
  const p = new Float32Array([1]), vel = new Float32Array(1);
  js.sgdUpdate(p, new Float32Array([2]), vel, 1, 0.1, 0, 0, false);
  assertClose(p, [0.8], 'plain');
  js.sgdUpdate(p, new Float32Array([2]), vel, 1, 0.1, 0.9, 0, false);
  js.sgdUpdate(p, new Float32Array([2]), vel, 1, 0.1, 0.9, 0, false);
  assertClose(vel, [3.8], 'velocity after two momentum steps');
  assertClose(p, [0.8 - 0.2 - 0.38], 'momentum');
  const pn = new Float32Array([1]), vn = new Float32Array([1]);
  js.sgdUpdate(pn, new Float32Array([2]), vn, 1, 0.1, 0.5, 0, true);
  assertClose(pn, [1 - 0.1 * (2 + 0.5 * 2.5)], 'nesterov');
});
