/**
 * The native backend: kernels/*.c built as a Node addon for this machine's CPU (binding.gyp, scripts/build-native.mjs)
 * with two-thread GEMM. Plain Float32Arrays go straight to C, so `alloc` is an ordinary allocation.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ACTIVATIONS, type Backend } from './types.ts';
import { withSizeChecks } from './size-checks.ts';

const ADDON_PATH = fileURLToPath(new URL('../../../build/Release/dad_kernels.node', import.meta.url));

type F32 = Float32Array;
interface NativeKernels {
  gemm_threads(): number;
  set_gemm_threads(threads: number): number;
  gemm(transA: number, transB: number, m: number, n: number, k: number, alpha: number, a: F32, b: F32, beta: number, c: F32): void;
  gemm_batched(batch: number, transA: number, transB: number, m: number, n: number, k: number, alpha: number, a: F32, b: F32, beta: number, c: F32): void;
  bias_activation(x: F32, bias: F32 | null, rows: number, cols: number, act: number, alpha: number, out: F32): void;
  activation_backward(act: number, alpha: number, x: F32, y: F32, gradOut: F32, gradIn: F32, n: number): void;
  sum_rows(x: F32, rows: number, cols: number, out: F32, accumulate: number): void;
  softmax_rows(x: F32, rows: number, cols: number, log: number, out: F32): void;
  im2col(image: F32, channels: number, height: number, width: number, kernelH: number, kernelW: number, strideH: number, strideW: number,
    padH: number, padW: number, outH: number, outW: number, columns: F32): void;
  col2im(columns: F32, channels: number, height: number, width: number, kernelH: number, kernelW: number, strideH: number, strideW: number,
    padH: number, padW: number, outH: number, outW: number, image: F32): void;
  lstm_cell_forward(gates: F32, cPrev: F32, batch: number, hidden: number, cNext: F32, hNext: F32): void;
  lstm_cell_backward(gates: F32, cPrev: F32, cNext: F32, dH: F32, dC: F32, batch: number, hidden: number, dGates: F32): void;
  gru_cell_forward(gx: F32, gh: F32, hPrev: F32, batch: number, hidden: number, hNext: F32, saved: F32): void;
  gru_cell_backward(saved: F32, gh: F32, hPrev: F32, dH: F32, batch: number, hidden: number, dGx: F32, dGh: F32, dHPrev: F32): void;
  adam_update(param: F32, grad: F32, m: F32, v: F32, n: number, lr: number, beta1: number, beta2: number, eps: number,
    weightDecay: number, step: number, decoupled: number): void;
  sgd_update(param: F32, grad: F32, velocity: F32 | null, n: number, lr: number, momentum: number, weightDecay: number, nesterov: number): void;
}

function loadAddon(): NativeKernels {
  if (!existsSync(ADDON_PATH)) throw new Error(`the native addon is not built (no ${ADDON_PATH}; run npm run build:native)`);
  // libgomp reads this once, when it loads: idle OpenMP threads should sleep, not spin on a core the rest of the
  // process (or the machine's other work) needs between GEMMs.
  process.env['OMP_WAIT_POLICY'] ??= 'PASSIVE';
  return createRequire(import.meta.url)(ADDON_PATH) as NativeKernels;
}

/**
 * DAD_THREADS=n caps the GEMM threads (default 2, or 1 on a single-core machine): on a machine busy with other work, one
 * thread can beat two, since a team waits for its slowest, descheduled member.
 */
export function threadsFromEnvironment(): number | undefined {
  const value = process.env['DAD_THREADS'];
  if (value === undefined || value === '') return undefined;
  const threads = Number(value);
  if (!Number.isInteger(threads) || threads < 1 || threads > 8) {
    throw new RangeError(`The DAD_THREADS environment variable must be an integer from 1 to 8. Got '${value}' instead.`);
  }
  return threads;
}

function configureThreads(addon: NativeKernels): number {
  const threads = threadsFromEnvironment();
  return threads === undefined ? addon.gemm_threads() : addon.set_gemm_threads(threads);
}

export function createNativeBackend(): Backend {
  const addon = loadAddon();
  return withSizeChecks({
    name: 'native',
    threads: configureThreads(addon),
    alloc: (length) => new Float32Array(length),
    release: () => { /* garbage collected */ },

    gemm: (transA, transB, m, n, k, alpha, a, b, beta, c) => addon.gemm(+transA, +transB, m, n, k, alpha, a, b, beta, c),
    gemmBatched: (batch, transA, transB, m, n, k, alpha, a, b, beta, c) =>
      addon.gemm_batched(batch, +transA, +transB, m, n, k, alpha, a, b, beta, c),
    biasActivation: (x, bias, rows, cols, act, alpha, out) =>
      addon.bias_activation(x, bias, rows, cols, ACTIVATIONS.indexOf(act), alpha, out),
    activationBackward: (act, alpha, x, y, gradOut, gradIn, n) =>
      addon.activation_backward(ACTIVATIONS.indexOf(act), alpha, x, y, gradOut, gradIn, n),
    sumRows: (x, rows, cols, out, accumulate) => addon.sum_rows(x, rows, cols, out, +accumulate),
    softmaxRows: (x, rows, cols, log, out) => addon.softmax_rows(x, rows, cols, +log, out),
    im2col: (image, g, columns) => addon.im2col(image, g.channels, g.height, g.width, g.kernelH, g.kernelW, g.strideH, g.strideW,
      g.padH, g.padW, g.outH, g.outW, columns),
    col2im: (columns, g, image) => addon.col2im(columns, g.channels, g.height, g.width, g.kernelH, g.kernelW, g.strideH, g.strideW,
      g.padH, g.padW, g.outH, g.outW, image),
    lstmCellForward: (gates, cPrev, batch, hidden, cNext, hNext) => addon.lstm_cell_forward(gates, cPrev, batch, hidden, cNext, hNext),
    lstmCellBackward: (gates, cPrev, cNext, dH, dC, batch, hidden, dGates) =>
      addon.lstm_cell_backward(gates, cPrev, cNext, dH, dC, batch, hidden, dGates),
    gruCellForward: (gx, gh, hPrev, batch, hidden, hNext, saved) => addon.gru_cell_forward(gx, gh, hPrev, batch, hidden, hNext, saved),
    gruCellBackward: (saved, gh, hPrev, dH, batch, hidden, dGx, dGh, dHPrev) =>
      addon.gru_cell_backward(saved, gh, hPrev, dH, batch, hidden, dGx, dGh, dHPrev),
    adamUpdate: (param, grad, m, v, n, lr, beta1, beta2, eps, weightDecay, step, decoupled) =>
      addon.adam_update(param, grad, m, v, n, lr, beta1, beta2, eps, weightDecay, step, +decoupled),
    sgdUpdate: (param, grad, velocity, n, lr, momentum, weightDecay, nesterov) =>
      addon.sgd_update(param, grad, momentum !== 0 ? velocity : null, n, lr, momentum, weightDecay, +nesterov),
  });
}
