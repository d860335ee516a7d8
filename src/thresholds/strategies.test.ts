import assert from 'node:assert/strict';
import { test } from 'node:test';
import { computeThreshold, normalQuantile, quantile } from './strategies.ts';

const scores = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);

test('quantile interpolates linearly as numpy does', () => {
  assert.equal(quantile(scores, 0.5), 5.5);
  assert.equal(quantile(scores, 0.9), 9.1);
  assert.equal(quantile(scores, 0), 1);
  assert.equal(quantile(scores, 1), 10);
});

test('contamination threshold is the (1 − c) quantile of training scores', () => {
  assert.equal(computeThreshold(scores, { method: 'contamination', contamination: 0.1 }), 9.1);
  assert.equal(computeThreshold(scores, { method: 'contamination', contamination: 0.5 }), 5.5);
});

test('fixed threshold returns the value', () => {
  assert.equal(computeThreshold(scores, { method: 'fixed', value: 3.25 }), 3.25);
});

test('MAD threshold: median + k · 1.4826 · MAD', () => {
  // median 5.5; |x − 5.5| = 4.5,3.5,2.5,1.5,0.5,0.5,1.5,2.5,3.5,4.5 → median 2.5
  assert.ok(Math.abs(computeThreshold(scores, { method: 'mad', k: 3 }) - (5.5 + 3 * 1.4826 * 2.5)) < 1e-12);
});

test('Gaussian tail: mean + z(1 − p) · std', () => {
  const std = Math.sqrt(8.25);
  const t = computeThreshold(scores, { method: 'gaussian-tail', p: 0.025 });
  assert.ok(Math.abs(t - (5.5 + 1.959963985 * std)) < 1e-6);
});

test('normal quantile matches known values', () => {
  assert.ok(Math.abs(normalQuantile(0.975) - 1.959963985) < 1e-8);
  assert.ok(Math.abs(normalQuantile(0.5)) < 1e-12);
  assert.ok(Math.abs(normalQuantile(0.001) + 3.090232306) < 1e-8);
});

test('POT threshold lies above the level quantile and flags about q of an exponential sample', () => {
  // Exponential(1) quantiles: the exact 1 − q quantile is −ln q.
  const n = 20000;
  const xs = new Float64Array(n);
  for (let i = 0; i < n; i++) xs[i] = -Math.log(1 - (i + 0.5) / n);
  const t = computeThreshold(xs, { method: 'pot', q: 1e-3, level: 0.98 });
  assert.ok(Math.abs(t - -Math.log(1e-3)) < 0.35, `POT threshold ${t} vs exact ${-Math.log(1e-3)}`);
});
