import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fft } from './fft.ts';

function naive(re: number[], im: number[]): [number[], number[]] {
  const n = re.length;
  const or: number[] = [];
  const oi: number[] = [];
  for (let k = 0; k < n; k++) {
    let sr = 0;
    let si = 0;
    for (let t = 0; t < n; t++) {
      const a = (-2 * Math.PI * k * t) / n;
      sr += re[t]! * Math.cos(a) - im[t]! * Math.sin(a);
      si += re[t]! * Math.sin(a) + im[t]! * Math.cos(a);
    }
    or.push(sr);
    oi.push(si);
  }
  return [or, oi];
}

test('fft equals the naive DFT for powers of two and other lengths, and inverts', () => {
  for (const n of [1, 2, 8, 5, 12, 97]) {
    const re = Array.from({ length: n }, (_, i) => Math.sin(i * 1.3) + i * 0.1);
    const im = Array.from({ length: n }, (_, i) => Math.cos(i * 0.7));
    const [er, ei] = naive(re, im);
    const r = Float64Array.from(re);
    const i = Float64Array.from(im);
    fft(r, i);
    for (let k = 0; k < n; k++) {
      assert.ok(Math.abs(r[k]! - er[k]!) < 1e-9 && Math.abs(i[k]! - ei[k]!) < 1e-9, `n=${n} k=${k}`);
    }
    fft(r, i, true);
    for (let k = 0; k < n; k++) assert.ok(Math.abs(r[k]! - re[k]!) < 1e-9 && Math.abs(i[k]! - im[k]!) < 1e-9, `inverse n=${n} k=${k}`);
  }
});
