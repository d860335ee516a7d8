import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from './rng.ts';

test('same seed gives the same stream; different seeds differ', () => {
  const a = new Rng(42);
  const b = new Rng(42);
  const c = new Rng(43);
  const sa = Array.from({ length: 20 }, () => a.next());
  const sb = Array.from({ length: 20 }, () => b.next());
  const sc = Array.from({ length: 20 }, () => c.next());
  assert.deepEqual(sa, sb);
  assert.notDeepEqual(sa, sc);
  for (const v of sa) assert.ok(v >= 0 && v < 1);
});

test('normal draws have mean ≈ 0 and variance ≈ 1', () => {
  const r = new Rng(7);
  const n = 20000;
  let sum = 0;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const z = r.normal();
    sum += z;
    ss += z * z;
  }
  const mean = sum / n;
  assert.ok(Math.abs(mean) < 0.03, `mean ${mean}`);
  assert.ok(Math.abs(ss / n - mean * mean - 1) < 0.05);
});

test('permutation and sample return distinct valid indices', () => {
  const r = new Rng(1);
  const p = r.permutation(100);
  assert.deepEqual([...p].sort((x, y) => x - y), Array.from({ length: 100 }, (_, i) => i));
  for (const [n, k] of [[1000, 10], [10, 10], [50, 30]] as const) {
    const s = r.sample(n, k);
    assert.equal(new Set(s).size, k);
    for (const i of s) assert.ok(i >= 0 && i < n);
  }
  assert.throws(() => r.sample(3, 4), /Cannot sample 4/);
});

test('fork gives an independent, reproducible stream', () => {
  const a = new Rng(5).fork();
  const b = new Rng(5).fork();
  assert.equal(a.next(), b.next());
});
