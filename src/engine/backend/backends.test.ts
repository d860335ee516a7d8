/**
 * Every compiled backend against the TypeScript reference, kernel by kernel, on seeded random inputs whose sizes are
 * mostly not multiples of any block size (edges are where GEMM micro-kernels go wrong). Each case runs twice: on arrays
 * from the backend's own `alloc` (the zero-copy path) and on plain Float32Arrays (the staged-copy path).
 * A backend that cannot load here (the native addon is built only when a compiler was present) is skipped, saying why.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createJsBackend } from './js.ts';
import { loadBackend } from './index.ts';
import { ACTIVATIONS, type Backend, type BackendName, type Conv2dGeometry } from './types.ts';
import { assertClose, randomArray, randomInt, seededRandom } from './test-helpers.ts';

const reference = createJsBackend();

function tryLoad(name: BackendName): { backend?: Backend; reason?: string } {
  try {
    return { backend: loadBackend(name) };
  } catch (error) {
    return { reason: `${name} backend not available: ${(error as Error).message}` };
  }
}

for (const name of ['wasm', 'native'] as const) {
  const { backend, reason } = tryLoad(name);
  describe(`${name} backend matches the js reference`, { skip: reason ?? false }, () => {
    const b = backend!;
    for (const placement of ['alloc', 'plain'] as const) {
      /** A copy of `source` where the backend under test would find it: in its own memory, or in a plain array. */
      const place = (source: Float32Array): Float32Array => {
        if (placement === 'plain') return source.slice();
        const out = b.alloc(source.length);
        out.set(source);
        return out;
      };

      test(`gemm: transposes, alpha/beta, odd sizes (${placement})`, () => {
        const random = seededRandom(11);
        const shapes: [number, number, number][] = [[1, 1, 1], [1, 17, 5], [13, 1, 9], [4, 8, 16], [12, 32, 256], [37, 29, 301],
          [70, 65, 3], [203, 150, 100], [5, 2100, 3], [130, 7, 530]];
        for (let i = 0; i < 12; i++) shapes.push([randomInt(random, 1, 60), randomInt(random, 1, 60), randomInt(random, 1, 60)]);
        const scalars: [number, number][] = [[1, 0], [0.5, 1], [-1.25, -0.5], [0, 2], [1, 1]];
        let caseIndex = 0;
        for (const [m, n, k] of shapes) {
          for (const transA of [false, true]) {
            for (const transB of [false, true]) {
              const [alpha, beta] = scalars[caseIndex++ % scalars.length]!;
              const a = randomArray(random, m * k), bb = randomArray(random, k * n);
              const c0 = beta === 0 ? new Float32Array(m * n).fill(Number.NaN) : randomArray(random, m * n);
              const expected = c0.slice();
              reference.gemm(transA, transB, m, n, k, alpha, a, bb, beta, expected);
              const c = place(c0);
              b.gemm(transA, transB, m, n, k, alpha, place(a), place(bb), beta, c);
              assertClose(c, expected, `gemm m=${m} n=${n} k=${k} tA=${transA} tB=${transB} alpha=${alpha} beta=${beta}`, 1e-4, 1e-4);
            }
          }
        }
      });

      test(`gemm with k = 0 only scales C (${placement})`, () => {
        const c = place(new Float32Array([1, 2, 3, 4]));
        b.gemm(false, false, 2, 2, 0, 1, new Float32Array(0), new Float32Array(0), 0.5, c);
        assert.deepEqual([...c], [0.5, 1, 1.5, 2]);
      });

      test(`gemmBatched (${placement})`, () => {
        const random = seededRandom(12);
        for (const [batch, m, n, k, transA, transB] of [[3, 5, 7, 9, false, false], [2, 17, 3, 33, true, false], [4, 1, 19, 6, false, true]] as const) {
          const a = randomArray(random, batch * m * k), bb = randomArray(random, batch * k * n), c0 = randomArray(random, batch * m * n);
          const expected = c0.slice();
          reference.gemmBatched(batch, transA, transB, m, n, k, 0.7, a, bb, 0.3, expected);
          const c = place(c0);
          b.gemmBatched(batch, transA, transB, m, n, k, 0.7, place(a), place(bb), 0.3, c);
          assertClose(c, expected, `gemmBatched ${batch}×${m}×${n}×${k}`, 1e-4, 1e-4);
        }
      });

      test(`biasActivation and activationBackward, every activation, in place too (${placement})`, () => {
        const random = seededRandom(13);
        for (const act of ACTIVATIONS) {
          const alpha = act === 'elu' ? 1.3 : 0.07;
          for (const [rows, cols, range] of [[7, 13, 6], [3, 33, 90], [1, 1, 1]] as const) {
            const x = randomArray(random, rows * cols, -range, range), bias = randomArray(random, cols);
            const expected = new Float32Array(rows * cols);
            reference.biasActivation(x, bias, rows, cols, act, alpha, expected);
            const out = place(new Float32Array(rows * cols));
            b.biasActivation(place(x), place(bias), rows, cols, act, alpha, out);
            assertClose(out, expected, `${act} forward ${rows}×${cols} range ${range}`, 2e-5, 1e-6);
            // in place, no bias
            const expectedNoBias = new Float32Array(rows * cols);
            reference.biasActivation(x, null, rows, cols, act, alpha, expectedNoBias);
            const inPlace = place(x);
            b.biasActivation(inPlace, null, rows, cols, act, alpha, inPlace);
            assertClose(inPlace, expectedNoBias, `${act} forward in place`, 2e-5, 1e-6);

            const n = rows * cols, gradOut = randomArray(random, n);
            const expectedGrad = new Float32Array(n);
            reference.activationBackward(act, alpha, x, expectedNoBias, gradOut, expectedGrad, n);
            const grad = place(gradOut);
            b.activationBackward(act, alpha, place(x), place(expectedNoBias), grad, grad, n);
            assertClose(grad, expectedGrad, `${act} backward ${rows}×${cols} range ${range}`, 2e-5, 1e-6);
          }
        }
      });

      test(`sumRows (${placement})`, () => {
        const random = seededRandom(14);
        for (const [rows, cols] of [[1, 1], [9, 31], [257, 5]] as const) {
          const x = randomArray(random, rows * cols), start = randomArray(random, cols);
          for (const accumulate of [false, true]) {
            const expected = start.slice();
            reference.sumRows(x, rows, cols, expected, accumulate);
            const out = place(start);
            b.sumRows(place(x), rows, cols, out, accumulate);
            assertClose(out, expected, `sumRows ${rows}×${cols} accumulate=${accumulate}`, 1e-5, 1e-4);
          }
        }
      });

      test(`softmaxRows and log-softmax, including extreme logits (${placement})`, () => {
        const random = seededRandom(15);
        for (const [rows, cols, range] of [[1, 1, 1], [5, 10, 3], [3, 37, 200]] as const) {
          const x = randomArray(random, rows * cols, -range, range);
          for (const log of [false, true]) {
            const expected = new Float32Array(rows * cols);
            reference.softmaxRows(x, rows, cols, log, expected);
            const out = place(new Float32Array(rows * cols));
            b.softmaxRows(place(x), rows, cols, log, out);
            assertClose(out, expected, `softmaxRows ${rows}×${cols} log=${log}`, 1e-5, 1e-6);
            const inPlace = place(x);
            b.softmaxRows(inPlace, rows, cols, log, inPlace);
            assertClose(inPlace, expected, `softmaxRows in place ${rows}×${cols} log=${log}`, 1e-5, 1e-6);
          }
        }
      });

      test(`im2col / col2im over strides, padding and rectangular kernels (${placement})`, () => {
        const random = seededRandom(16);
        for (let trial = 0; trial < 20; trial++) {
          const channels = randomInt(random, 1, 3), height = randomInt(random, 1, 9), width = randomInt(random, 1, 9);
          const kernelH = randomInt(random, 1, Math.min(4, height + 2)), kernelW = randomInt(random, 1, Math.min(4, width + 2));
          const padH = randomInt(random, 0, Math.min(2, kernelH - 1)), padW = randomInt(random, 0, Math.min(2, kernelW - 1));
          const strideH = randomInt(random, 1, 3), strideW = randomInt(random, 1, 3);
          const outH = Math.floor((height + 2 * padH - kernelH) / strideH) + 1, outW = Math.floor((width + 2 * padW - kernelW) / strideW) + 1;
          if (outH < 1 || outW < 1) continue;
          const g: Conv2dGeometry = { channels, height, width, kernelH, kernelW, strideH, strideW, padH, padW, outH, outW };
          const image = randomArray(random, channels * height * width);
          const size = channels * kernelH * kernelW * outH * outW;
          const expected = new Float32Array(size);
          reference.im2col(image, g, expected);
          const columns = place(randomArray(random, size)); // garbage first: im2col must write every element
          b.im2col(place(image), g, columns);
          assertClose(columns, expected, `im2col ${JSON.stringify(g)}`, 0, 0);

          const grad = randomArray(random, size), start = randomArray(random, image.length);
          const expectedImage = start.slice();
          reference.col2im(grad, g, expectedImage);
          const back = place(start);
          b.col2im(place(grad), g, back);
          assertClose(back, expectedImage, `col2im ${JSON.stringify(g)}`, 1e-6, 1e-6);
        }
      });

      test(`LSTM cell forward and backward (${placement})`, () => {
        const random = seededRandom(17);
        for (const [batch, hidden] of [[1, 1], [3, 7], [16, 33]] as const) {
          const s = batch * hidden;
          const pre = randomArray(random, 4 * s, -4, 4), cPrev = randomArray(random, s, -2, 2);
          const gatesExpected = pre.slice(), cExpected = new Float32Array(s), hExpected = new Float32Array(s);
          reference.lstmCellForward(gatesExpected, cPrev, batch, hidden, cExpected, hExpected);
          const gates = place(pre), cNext = place(new Float32Array(s)), hNext = place(new Float32Array(s));
          b.lstmCellForward(gates, place(cPrev), batch, hidden, cNext, hNext);
          assertClose(gates, gatesExpected, 'lstm gates', 2e-5, 1e-6);
          assertClose(cNext, cExpected, 'lstm c', 2e-5, 1e-6);
          assertClose(hNext, hExpected, 'lstm h', 2e-5, 1e-6);

          const dH = randomArray(random, s), dC0 = randomArray(random, s);
          const dCExpected = dC0.slice(), dGatesExpected = new Float32Array(4 * s);
          reference.lstmCellBackward(gatesExpected, cPrev, cExpected, dH, dCExpected, batch, hidden, dGatesExpected);
          const dC = place(dC0), dGates = place(new Float32Array(4 * s));
          b.lstmCellBackward(place(gatesExpected), place(cPrev), place(cExpected), place(dH), dC, batch, hidden, dGates);
          assertClose(dGates, dGatesExpected, 'lstm dGates', 2e-5, 1e-6);
          assertClose(dC, dCExpected, 'lstm dCPrev', 2e-5, 1e-6);
        }
      });

      test(`GRU cell forward and backward (${placement})`, () => {
        const random = seededRandom(18);
        for (const [batch, hidden] of [[1, 1], [4, 9], [8, 40]] as const) {
          const s = batch * hidden;
          const gx = randomArray(random, 3 * s, -3, 3), gh = randomArray(random, 3 * s, -3, 3), hPrev = randomArray(random, s);
          const hExpected = new Float32Array(s), savedExpected = new Float32Array(3 * s);
          reference.gruCellForward(gx, gh, hPrev, batch, hidden, hExpected, savedExpected);
          const hNext = place(new Float32Array(s)), saved = place(new Float32Array(3 * s));
          b.gruCellForward(place(gx), place(gh), place(hPrev), batch, hidden, hNext, saved);
          assertClose(hNext, hExpected, 'gru h', 2e-5, 1e-6);
          assertClose(saved, savedExpected, 'gru saved', 2e-5, 1e-6);

          const dH = randomArray(random, s);
          const e = { dGx: new Float32Array(3 * s), dGh: new Float32Array(3 * s), dHPrev: new Float32Array(s) };
          reference.gruCellBackward(savedExpected, gh, hPrev, dH, batch, hidden, e.dGx, e.dGh, e.dHPrev);
          const dGx = place(new Float32Array(3 * s)), dGh = place(new Float32Array(3 * s)), dHPrev = place(new Float32Array(s));
          b.gruCellBackward(place(savedExpected), place(gh), place(hPrev), place(dH), batch, hidden, dGx, dGh, dHPrev);
          assertClose(dGx, e.dGx, 'gru dGx', 2e-5, 1e-6);
          assertClose(dGh, e.dGh, 'gru dGh', 2e-5, 1e-6);
          assertClose(dHPrev, e.dHPrev, 'gru dHPrev', 2e-5, 1e-6);
        }
      });

      test(`adamUpdate over several steps, Adam and AdamW (${placement})`, () => {
        const random = seededRandom(19);
        for (const decoupled of [false, true]) {
          const n = 45;
          const p0 = randomArray(random, n);
          const expected = { p: p0.slice(), m: new Float32Array(n), v: new Float32Array(n) };
          const actual = { p: place(p0), m: place(new Float32Array(n)), v: place(new Float32Array(n)) };
          for (let step = 1; step <= 4; step++) {
            const grad = randomArray(random, n);
            reference.adamUpdate(expected.p, grad, expected.m, expected.v, n, 1e-2, 0.9, 0.999, 1e-8, 0.01, step, decoupled);
            b.adamUpdate(actual.p, place(grad), actual.m, actual.v, n, 1e-2, 0.9, 0.999, 1e-8, 0.01, step, decoupled);
          }
          assertClose(actual.p, expected.p, `adam params decoupled=${decoupled}`, 1e-5, 1e-6);
          assertClose(actual.m, expected.m, 'adam m', 1e-5, 1e-7);
          assertClose(actual.v, expected.v, 'adam v', 1e-5, 1e-8);
        }
      });

      test(`sgdUpdate: plain, momentum, nesterov, weight decay (${placement})`, () => {
        const random = seededRandom(20);
        for (const [momentum, nesterov, weightDecay] of [[0, false, 0], [0.9, false, 0.01], [0.8, true, 0.1]] as const) {
          const n = 23, p0 = randomArray(random, n);
          const expected = { p: p0.slice(), vel: new Float32Array(n) };
          const actual = { p: place(p0), vel: place(new Float32Array(n)) };
          for (let step = 0; step < 3; step++) {
            const grad = randomArray(random, n);
            reference.sgdUpdate(expected.p, grad, expected.vel, n, 0.05, momentum, weightDecay, nesterov);
            b.sgdUpdate(actual.p, place(grad), actual.vel, n, 0.05, momentum, weightDecay, nesterov);
          }
          assertClose(actual.p, expected.p, `sgd momentum=${momentum} nesterov=${nesterov}`, 1e-5, 1e-6);
          assertClose(actual.vel, expected.vel, 'sgd velocity', 1e-5, 1e-6);
        }
      });
    }

    test('alloc returns zeroed arrays, also when a released block is reused', () => {
      const first = b.alloc(100);
      first.fill(7);
      b.release(first);
      const second = b.alloc(100);
      assert.ok(second.every((v) => v === 0));
      b.release(second);
    });

    test('arrays from alloc stay valid while later allocations grow the memory', () => {
      const early = b.alloc(1000);
      early.fill(3);
      const big = b.alloc(20_000_000); // 80 MB: past the initial WebAssembly memory
      big[big.length - 1] = 1;
      assert.equal(early.length, 1000);
      assert.ok(early.every((v) => v === 3));
      const c = b.alloc(1);
      b.gemm(false, false, 1, 1, 1, 1, early, early, 0, c);
      assert.equal(c[0], 9);
      b.release(big); b.release(early); b.release(c);
    });

    test('short arrays are rejected with the kernel and argument named, not read past', () => {
      assert.throws(() => b.gemm(false, false, 4, 4, 4, 1, new Float32Array(15), new Float32Array(16), 0, new Float32Array(16)),
        /gemm: 'a' must hold at least 16 elements.*Got 15/);
    });
  });
}
