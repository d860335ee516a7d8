/**
 * The WebAssembly backend: kernels/*.c compiled with SIMD (scripts/build-wasm.sh → dad_kernels.wasm), loaded
 * synchronously so `getBackend()` needs no await. Arrays from `alloc` live in the module's memory and are used in place;
 * any other Float32Array is copied into a scratch block for the call (and back when the kernel writes it). Sizes are
 * checked before any call (size-checks.ts), since the C code trusts them.
 */
import { readFileSync } from 'node:fs';
import { ACTIVATIONS, type Backend } from './types.ts';
import { WasmHeap } from './wasm-heap.ts';
import { withSizeChecks } from './size-checks.ts';
import { webAssembly, type WasmGlobal } from './webassembly-api.ts';

const WASM_URL = new URL('./dad_kernels.wasm', import.meta.url);
/** Must match --initial-memory / --max-memory in scripts/build-wasm.sh (64 KiB pages). */
const INITIAL_PAGES = 256;
const MAXIMUM_PAGES = 65536;

type Pointer = number;
interface KernelExports {
  dad_gemm(transA: number, transB: number, m: number, n: number, k: number, alpha: number, a: Pointer, b: Pointer, beta: number, c: Pointer): void;
  dad_gemm_batched(batch: number, transA: number, transB: number, m: number, n: number, k: number, alpha: number,
    a: Pointer, b: Pointer, beta: number, c: Pointer): void;
  dad_bias_activation(x: Pointer, bias: Pointer, rows: number, cols: number, act: number, alpha: number, out: Pointer): void;
  dad_activation_backward(act: number, alpha: number, x: Pointer, y: Pointer, gradOut: Pointer, gradIn: Pointer, n: number): void;
  dad_sum_rows(x: Pointer, rows: number, cols: number, out: Pointer, accumulate: number): void;
  dad_softmax_rows(x: Pointer, rows: number, cols: number, log: number, out: Pointer): void;
  dad_im2col(image: Pointer, channels: number, height: number, width: number, kernelH: number, kernelW: number,
    strideH: number, strideW: number, padH: number, padW: number, outH: number, outW: number, columns: Pointer): void;
  dad_col2im(columns: Pointer, channels: number, height: number, width: number, kernelH: number, kernelW: number,
    strideH: number, strideW: number, padH: number, padW: number, outH: number, outW: number, image: Pointer): void;
  dad_lstm_cell_forward(gates: Pointer, cPrev: Pointer, batch: number, hidden: number, cNext: Pointer, hNext: Pointer): void;
  dad_lstm_cell_backward(gates: Pointer, cPrev: Pointer, cNext: Pointer, dH: Pointer, dC: Pointer, batch: number, hidden: number, dGates: Pointer): void;
  dad_gru_cell_forward(gx: Pointer, gh: Pointer, hPrev: Pointer, batch: number, hidden: number, hNext: Pointer, saved: Pointer): void;
  dad_gru_cell_backward(saved: Pointer, gh: Pointer, hPrev: Pointer, dH: Pointer, batch: number, hidden: number,
    dGx: Pointer, dGh: Pointer, dHPrev: Pointer): void;
  dad_adam_update(param: Pointer, grad: Pointer, m: Pointer, v: Pointer, n: number, lr: number, beta1: number, beta2: number,
    eps: number, weightDecay: number, bias1: number, bias2: number, decoupled: number): void;
  dad_sgd_update(param: Pointer, grad: Pointer, velocity: Pointer, n: number, lr: number, momentum: number, weightDecay: number, nesterov: number): void;
  __heap_base: WasmGlobal;
}

/** Whether the kernel only reads an array, or also writes it (then a staged copy is copied back). */
type Access = 'read' | 'write';

/**
 * Pointers for one kernel call: arrays already in the module's memory pass through; others get a scratch block, copied
 * in, and copied back after the call if written. The same array object passed twice (in-place calls) is staged once.
 */
class CallArguments {
  private readonly staged: { source: Float32Array; scratch: Float32Array; written: boolean }[] = [];
  constructor(private readonly heap: WasmHeap) {}

  pointer(array: Float32Array, length: number, access: Access): Pointer {
    if (this.heap.owns(array)) return array.byteOffset;
    for (const entry of this.staged) {
      if (entry.source === array) {
        entry.written ||= access === 'write';
        return entry.scratch.byteOffset;
      }
    }
    const scratch = this.heap.alloc(length);
    scratch.set(array.length === length ? array : array.subarray(0, length));
    this.staged.push({ source: array, scratch, written: access === 'write' });
    return scratch.byteOffset;
  }

  /** Copies written arrays back and returns the scratch blocks; call in `finally`. */
  finish(): void {
    for (const { source, scratch, written } of this.staged) {
      if (written) source.set(scratch);
      this.heap.release(scratch);
    }
    this.staged.length = 0;
  }
}

export function createWasmBackend(): Backend {
  const memory = new webAssembly.Memory({ initial: INITIAL_PAGES, maximum: MAXIMUM_PAGES, shared: true });
  const module = new webAssembly.Module(readFileSync(WASM_URL));
  const instance = new webAssembly.Instance(module, { env: { memory } });
  const kernels = instance.exports as unknown as KernelExports;
  const heap = new WasmHeap(memory, Number(kernels.__heap_base.value));
  const args = new CallArguments(heap);

  /** Runs `body` with staged arguments, always releasing the scratch blocks. */
  function call(body: (p: (array: Float32Array, length: number, access: Access) => Pointer) => void): void {
    try {
      body((array, length, access) => args.pointer(array, length, access));
    } finally {
      args.finish();
    }
  }

  function gemm(transA: boolean, transB: boolean, m: number, n: number, k: number, alpha: number,
    a: Float32Array, b: Float32Array, beta: number, c: Float32Array, batch = 1): void {
    call((p) => {
      const pa = p(a, batch * m * k, 'read'), pb = p(b, batch * k * n, 'read'), pc = p(c, batch * m * n, 'write');
      if (batch === 1) kernels.dad_gemm(+transA, +transB, m, n, k, alpha, pa, pb, beta, pc);
      else kernels.dad_gemm_batched(batch, +transA, +transB, m, n, k, alpha, pa, pb, beta, pc);
    });
  }

  return withSizeChecks({
    name: 'wasm',
    threads: 1,
    alloc: (length) => heap.alloc(length),
    release: (buffer) => heap.release(buffer),

    gemm: (transA, transB, m, n, k, alpha, a, b, beta, c) => gemm(transA, transB, m, n, k, alpha, a, b, beta, c),
    gemmBatched: (batch, transA, transB, m, n, k, alpha, a, b, beta, c) => gemm(transA, transB, m, n, k, alpha, a, b, beta, c, batch),

    biasActivation(x, bias, rows, cols, act, alpha, out) {
      const code = ACTIVATIONS.indexOf(act);
      const size = rows * cols;
      call((p) => kernels.dad_bias_activation(p(x, size, 'read'), bias ? p(bias, cols, 'read') : 0, rows, cols, code, alpha, p(out, size, 'write')));
    },

    activationBackward(act, alpha, x, y, gradOut, gradIn, n) {
      const code = ACTIVATIONS.indexOf(act);
      call((p) => kernels.dad_activation_backward(code, alpha, p(x, n, 'read'), p(y, n, 'read'), p(gradOut, n, 'read'), p(gradIn, n, 'write'), n));
    },

    sumRows(x, rows, cols, out, accumulate) {
      call((p) => kernels.dad_sum_rows(p(x, rows * cols, 'read'), rows, cols, p(out, cols, 'write'), +accumulate));
    },

    softmaxRows(x, rows, cols, log, out) {
      call((p) => kernels.dad_softmax_rows(p(x, rows * cols, 'read'), rows, cols, +log, p(out, rows * cols, 'write')));
    },

    im2col(image, g, columns) {
      const imageSize = g.channels * g.height * g.width, columnsSize = g.channels * g.kernelH * g.kernelW * g.outH * g.outW;
      call((p) => kernels.dad_im2col(p(image, imageSize, 'read'), g.channels, g.height, g.width, g.kernelH, g.kernelW, g.strideH, g.strideW,
        g.padH, g.padW, g.outH, g.outW, p(columns, columnsSize, 'write')));
    },

    col2im(columns, g, image) {
      const imageSize = g.channels * g.height * g.width, columnsSize = g.channels * g.kernelH * g.kernelW * g.outH * g.outW;
      call((p) => kernels.dad_col2im(p(columns, columnsSize, 'read'), g.channels, g.height, g.width, g.kernelH, g.kernelW, g.strideH, g.strideW,
        g.padH, g.padW, g.outH, g.outW, p(image, imageSize, 'write')));
    },

    lstmCellForward(gates, cPrev, batch, hidden, cNext, hNext) {
      const s = batch * hidden;
      call((p) => kernels.dad_lstm_cell_forward(p(gates, 4 * s, 'write'), p(cPrev, s, 'read'), batch, hidden, p(cNext, s, 'write'), p(hNext, s, 'write')));
    },

    lstmCellBackward(gates, cPrev, cNext, dH, dC, batch, hidden, dGates) {
      const s = batch * hidden;
      call((p) => kernels.dad_lstm_cell_backward(p(gates, 4 * s, 'read'), p(cPrev, s, 'read'), p(cNext, s, 'read'), p(dH, s, 'read'),
        p(dC, s, 'write'), batch, hidden, p(dGates, 4 * s, 'write')));
    },

    gruCellForward(gx, gh, hPrev, batch, hidden, hNext, saved) {
      const s = batch * hidden;
      call((p) => kernels.dad_gru_cell_forward(p(gx, 3 * s, 'read'), p(gh, 3 * s, 'read'), p(hPrev, s, 'read'), batch, hidden,
        p(hNext, s, 'write'), p(saved, 3 * s, 'write')));
    },

    gruCellBackward(saved, gh, hPrev, dH, batch, hidden, dGx, dGh, dHPrev) {
      const s = batch * hidden;
      call((p) => kernels.dad_gru_cell_backward(p(saved, 3 * s, 'read'), p(gh, 3 * s, 'read'), p(hPrev, s, 'read'), p(dH, s, 'read'), batch, hidden,
        p(dGx, 3 * s, 'write'), p(dGh, 3 * s, 'write'), p(dHPrev, s, 'write')));
    },

    adamUpdate(param, grad, m, v, n, lr, beta1, beta2, eps, weightDecay, step, decoupled) {
      const bias1 = 1 - Math.pow(beta1, step), bias2 = 1 - Math.pow(beta2, step);
      call((p) => kernels.dad_adam_update(p(param, n, 'write'), p(grad, n, 'read'), p(m, n, 'write'), p(v, n, 'write'), n, lr, beta1, beta2, eps,
        weightDecay, bias1, bias2, +decoupled));
    },

    sgdUpdate(param, grad, velocity, n, lr, momentum, weightDecay, nesterov) {
      call((p) => kernels.dad_sgd_update(p(param, n, 'write'), p(grad, n, 'read'), momentum !== 0 ? p(velocity, n, 'write') : 0, n, lr, momentum,
        weightDecay, +nesterov));
    },
  });
}
