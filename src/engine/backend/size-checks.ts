/**
 * Size checks in front of the compiled backends. The C kernels trust their sizes: a short array would be read or written
 * past its end, silently corrupting a neighbouring buffer in WebAssembly memory or crashing the process natively. A few
 * comparisons per call are cheap next to any kernel worth calling. The js reference needs none (it would only read
 * undefined), so it is not wrapped.
 */
import { ACTIVATIONS, type Backend, type Conv2dGeometry } from './types.ts';

function requireCount(kernel: string, name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > 0x7fffffff) {
    throw new RangeError(`${kernel}: '${name}' must be a non-negative 32-bit integer. Got ${value} instead.`);
  }
}

function requireLength(kernel: string, name: string, array: Float32Array, needed: number): void {
  if (!(array instanceof Float32Array)) throw new TypeError(`${kernel}: '${name}' must be a Float32Array.`);
  if (array.length < needed) {
    throw new RangeError(`${kernel}: '${name}' must hold at least ${needed} elements for the sizes given. Got ${array.length} instead.`);
  }
}

function requireLengths(kernel: string, needed: number, arrays: Record<string, Float32Array>): void {
  for (const [name, array] of Object.entries(arrays)) requireLength(kernel, name, array, needed);
}

function requireActivation(kernel: string, act: string): void {
  if (!(ACTIVATIONS as readonly string[]).includes(act)) {
    throw new RangeError(`${kernel}: activation must be one of ${ACTIVATIONS.join(', ')}. Got '${act}' instead.`);
  }
}

function requireGeometry(kernel: string, g: Conv2dGeometry): void {
  for (const key of ['channels', 'height', 'width', 'kernelH', 'kernelW', 'padH', 'padW', 'outH', 'outW'] as const) requireCount(kernel, key, g[key]);
  if (!(Number.isInteger(g.strideH) && Number.isInteger(g.strideW) && g.strideH >= 1 && g.strideW >= 1)) {
    throw new RangeError(`${kernel}: strides must be integers ≥ 1. Got ${g.strideH}×${g.strideW} instead.`);
  }
  const outH = Math.floor((g.height + 2 * g.padH - g.kernelH) / g.strideH) + 1;
  const outW = Math.floor((g.width + 2 * g.padW - g.kernelW) / g.strideW) + 1;
  if (g.outH !== outH || g.outW !== outW) {
    throw new RangeError(`${kernel}: outH×outW must be ${outH}×${outW} for this geometry. Got ${g.outH}×${g.outW} instead.`);
  }
}

function requireCounts(kernel: string, counts: Record<string, number>): void {
  for (const [name, value] of Object.entries(counts)) requireCount(kernel, name, value);
}

/** `inner` with every call's sizes checked against its arrays first. */
export function withSizeChecks(inner: Backend): Backend {
  return {
    name: inner.name,
    threads: inner.threads,
    alloc: (length) => {
      requireCount('alloc', 'length', length);
      return inner.alloc(length);
    },
    release: (buffer) => inner.release(buffer),

    gemm(transA, transB, m, n, k, alpha, a, b, beta, c) {
      requireCounts('gemm', { m, n, k });
      requireLength('gemm', 'a', a, m * k); requireLength('gemm', 'b', b, k * n); requireLength('gemm', 'c', c, m * n);
      inner.gemm(transA, transB, m, n, k, alpha, a, b, beta, c);
    },
    gemmBatched(batch, transA, transB, m, n, k, alpha, a, b, beta, c) {
      requireCounts('gemmBatched', { batch, m, n, k });
      requireLength('gemmBatched', 'a', a, batch * m * k); requireLength('gemmBatched', 'b', b, batch * k * n);
      requireLength('gemmBatched', 'c', c, batch * m * n);
      inner.gemmBatched(batch, transA, transB, m, n, k, alpha, a, b, beta, c);
    },
    biasActivation(x, bias, rows, cols, act, alpha, out) {
      requireActivation('biasActivation', act); requireCounts('biasActivation', { rows, cols });
      requireLengths('biasActivation', rows * cols, { x, out });
      if (bias !== null) requireLength('biasActivation', 'bias', bias, cols);
      inner.biasActivation(x, bias, rows, cols, act, alpha, out);
    },
    activationBackward(act, alpha, x, y, gradOut, gradIn, n) {
      requireActivation('activationBackward', act); requireCounts('activationBackward', { n });
      requireLengths('activationBackward', n, { x, y, gradOut, gradIn });
      inner.activationBackward(act, alpha, x, y, gradOut, gradIn, n);
    },
    sumRows(x, rows, cols, out, accumulate) {
      requireCounts('sumRows', { rows, cols });
      requireLength('sumRows', 'x', x, rows * cols); requireLength('sumRows', 'out', out, cols);
      inner.sumRows(x, rows, cols, out, accumulate);
    },
    softmaxRows(x, rows, cols, log, out) {
      requireCounts('softmaxRows', { rows, cols });
      requireLengths('softmaxRows', rows * cols, { x, out });
      inner.softmaxRows(x, rows, cols, log, out);
    },
    im2col(image, g, columns) {
      requireGeometry('im2col', g);
      requireLength('im2col', 'image', image, g.channels * g.height * g.width);
      requireLength('im2col', 'columns', columns, g.channels * g.kernelH * g.kernelW * g.outH * g.outW);
      inner.im2col(image, g, columns);
    },
    col2im(columns, g, image) {
      requireGeometry('col2im', g);
      requireLength('col2im', 'image', image, g.channels * g.height * g.width);
      requireLength('col2im', 'columns', columns, g.channels * g.kernelH * g.kernelW * g.outH * g.outW);
      inner.col2im(columns, g, image);
    },
    lstmCellForward(gates, cPrev, batch, hidden, cNext, hNext) {
      requireCounts('lstmCellForward', { batch, hidden });
      requireLength('lstmCellForward', 'gates', gates, 4 * batch * hidden);
      requireLengths('lstmCellForward', batch * hidden, { cPrev, cNext, hNext });
      inner.lstmCellForward(gates, cPrev, batch, hidden, cNext, hNext);
    },
    lstmCellBackward(gates, cPrev, cNext, dH, dC, batch, hidden, dGates) {
      requireCounts('lstmCellBackward', { batch, hidden });
      requireLengths('lstmCellBackward', 4 * batch * hidden, { gates, dGates });
      requireLengths('lstmCellBackward', batch * hidden, { cPrev, cNext, dH, dC });
      inner.lstmCellBackward(gates, cPrev, cNext, dH, dC, batch, hidden, dGates);
    },
    gruCellForward(gx, gh, hPrev, batch, hidden, hNext, saved) {
      requireCounts('gruCellForward', { batch, hidden });
      requireLengths('gruCellForward', 3 * batch * hidden, { gx, gh, saved });
      requireLengths('gruCellForward', batch * hidden, { hPrev, hNext });
      inner.gruCellForward(gx, gh, hPrev, batch, hidden, hNext, saved);
    },
    gruCellBackward(saved, gh, hPrev, dH, batch, hidden, dGx, dGh, dHPrev) {
      requireCounts('gruCellBackward', { batch, hidden });
      requireLengths('gruCellBackward', 3 * batch * hidden, { saved, gh, dGx, dGh });
      requireLengths('gruCellBackward', batch * hidden, { hPrev, dH, dHPrev });
      inner.gruCellBackward(saved, gh, hPrev, dH, batch, hidden, dGx, dGh, dHPrev);
    },
    adamUpdate(param, grad, m, v, n, lr, beta1, beta2, eps, weightDecay, step, decoupled) {
      requireCounts('adamUpdate', { n });
      requireLengths('adamUpdate', n, { param, grad, m, v });
      inner.adamUpdate(param, grad, m, v, n, lr, beta1, beta2, eps, weightDecay, step, decoupled);
    },
    sgdUpdate(param, grad, velocity, n, lr, momentum, weightDecay, nesterov) {
      requireCounts('sgdUpdate', { n });
      requireLengths('sgdUpdate', n, { param, grad });
      // without momentum there is no velocity to keep, and callers may pass an empty array
      if (momentum !== 0) requireLength('sgdUpdate', 'velocity', velocity, n);
      inner.sgdUpdate(param, grad, velocity, n, lr, momentum, weightDecay, nesterov);
    },
  };
}
