/**
 * Plain TypeScript reference kernels: the definition the compiled backends (WebAssembly, native) are tested against, and the
 * fallback when neither loads. Written to be read next to kernels/*.c and checked by eye, so clarity wins over speed here;
 * only GEMM picks a loop order that keeps memory access sequential, because the fallback still has to train small models.
 */
import type { Activation, Backend, Conv2dGeometry } from './types.ts';

/**
 * erf by Abramowitz & Stegun 7.1.26 (absolute error < 1.5e-7, below float32 resolution near 1). JavaScript has no Math.erf,
 * and the C kernels use the same formula, so every backend computes the same exact-erf GELU (PyTorch's default GELU).
 */
export function erf(x: number): number {
  const sign = x < 0 ? -1 : 1;
  const ax = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * ax);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return sign * (1 - poly * Math.exp(-ax * ax));
}

const INV_SQRT2 = Math.SQRT1_2;
const INV_SQRT_2PI = 0.3989422804014327;

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** log(1 + e^x) without overflow for large x or loss of precision for very negative x. */
function softplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

export function activate(act: Activation, x: number, alpha: number): number {
  switch (act) {
    case 'identity': return x;
    case 'relu': return x > 0 ? x : 0;
    case 'leaky_relu': return x > 0 ? x : alpha * x;
    case 'elu': return x > 0 ? x : alpha * (Math.exp(x) - 1);
    case 'gelu': return 0.5 * x * (1 + erf(x * INV_SQRT2));
    case 'tanh': return Math.tanh(x);
    case 'sigmoid': return sigmoid(x);
    case 'softplus': return softplus(x);
  }
}

/** d act / d x, from the output y where that is enough, from the pre-activation x for gelu and softplus. */
export function activationDerivative(act: Activation, x: number, y: number, alpha: number): number {
  switch (act) {
    case 'identity': return 1;
    case 'relu': return y > 0 ? 1 : 0;
    case 'leaky_relu': return y > 0 ? 1 : alpha;
    case 'elu': return y > 0 ? 1 : y + alpha;
    case 'gelu': return 0.5 * (1 + erf(x * INV_SQRT2)) + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x);
    case 'tanh': return 1 - y * y;
    case 'sigmoid': return y * (1 - y);
    case 'softplus': return sigmoid(x);
  }
}

function gemmSingle(transA: boolean, transB: boolean, m: number, n: number, k: number, alpha: number,
  a: Float32Array, b: Float32Array, beta: number, c: Float32Array): void {
  // BLAS convention: beta = 0 overwrites C, so NaN or garbage already in C never leaks into the result.
  for (let i = 0; i < m * n; i++) c[i] = beta === 0 ? 0 : beta * c[i]!;
  if (alpha === 0 || k === 0) return;
  const aAt = transA ? (i: number, p: number) => a[p * m + i]! : (i: number, p: number) => a[i * k + p]!;
  if (!transB) {
    // i-p-j order: the inner loop walks a row of B and a row of C sequentially.
    for (let i = 0; i < m; i++) {
      const row = i * n;
      for (let p = 0; p < k; p++) {
        const s = alpha * aAt(i, p);
        const bRow = p * n;
        for (let j = 0; j < n; j++) c[row + j]! += s * b[bRow + j]!;
      }
    }
  } else {
    // B stored n×k: a dot product of row i of op(A) with row j of B.
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let sum = 0;
        for (let p = 0; p < k; p++) sum += aAt(i, p) * b[j * k + p]!;
        c[i * n + j]! += alpha * sum;
      }
    }
  }
}

export function createJsBackend(): Backend {
  return {
    name: 'js',
    threads: 1,

    alloc: (length) => new Float32Array(length),
    release: () => { /* garbage collected */ },

    gemm: gemmSingle,

    gemmBatched(batch, transA, transB, m, n, k, alpha, a, b, beta, c) {
      for (let s = 0; s < batch; s++) {
        gemmSingle(transA, transB, m, n, k, alpha,
          a.subarray(s * m * k, (s + 1) * m * k), b.subarray(s * k * n, (s + 1) * k * n), beta,
          c.subarray(s * m * n, (s + 1) * m * n));
      }
    },

    biasActivation(x, bias, rows, cols, act, alpha, out) {
      for (let i = 0; i < rows; i++) {
        for (let j = 0; j < cols; j++) {
          const idx = i * cols + j;
          out[idx] = activate(act, x[idx]! + (bias ? bias[j]! : 0), alpha);
        }
      }
    },

    activationBackward(act, alpha, x, y, gradOut, gradIn, n) {
      for (let i = 0; i < n; i++) gradIn[i] = gradOut[i]! * activationDerivative(act, x[i]!, y[i]!, alpha);
    },

    sumRows(x, rows, cols, out, accumulate) {
      for (let j = 0; j < cols; j++) {
        let sum = accumulate ? out[j]! : 0;
        for (let i = 0; i < rows; i++) sum += x[i * cols + j]!;
        out[j] = sum;
      }
    },

    softmaxRows(x, rows, cols, log, out) {
      for (let i = 0; i < rows; i++) {
        const row = i * cols;
        let max = -Infinity;
        for (let j = 0; j < cols; j++) max = Math.max(max, x[row + j]!);
        let sum = 0;
        for (let j = 0; j < cols; j++) sum += Math.exp(x[row + j]! - max);
        const logSum = Math.log(sum);
        for (let j = 0; j < cols; j++) {
          const shifted = x[row + j]! - max;
          out[row + j] = log ? shifted - logSum : Math.exp(shifted) / sum;
        }
      }
    },

    im2col(image, g, columns) {
      forEachPatchElement(g, (col, pixel) => { columns[col] = pixel < 0 ? 0 : image[pixel]!; });
    },

    col2im(columns, g, image) {
      forEachPatchElement(g, (col, pixel) => { if (pixel >= 0) image[pixel]! += columns[col]!; });
    },

    lstmCellForward(gates, cPrev, batch, hidden, cNext, hNext) {
      const h = hidden;
      for (let b = 0; b < batch; b++) {
        const gRow = b * 4 * h;
        for (let j = 0; j < h; j++) {
          const i = sigmoid(gates[gRow + j]!);
          const f = sigmoid(gates[gRow + h + j]!);
          const gg = Math.tanh(gates[gRow + 2 * h + j]!);
          const o = sigmoid(gates[gRow + 3 * h + j]!);
          gates[gRow + j] = i; gates[gRow + h + j] = f; gates[gRow + 2 * h + j] = gg; gates[gRow + 3 * h + j] = o;
          const c = f * cPrev[b * h + j]! + i * gg;
          cNext[b * h + j] = c;
          hNext[b * h + j] = o * Math.tanh(c);
        }
      }
    },

    lstmCellBackward(gates, cPrev, cNext, dH, dC, batch, hidden, dGates) {
      const h = hidden;
      for (let b = 0; b < batch; b++) {
        const gRow = b * 4 * h;
        for (let j = 0; j < h; j++) {
          const s = b * h + j;
          const i = gates[gRow + j]!, f = gates[gRow + h + j]!, gg = gates[gRow + 2 * h + j]!, o = gates[gRow + 3 * h + j]!;
          const tc = Math.tanh(cNext[s]!);
          // gradient w.r.t. cNext: the arriving dC plus the path through hNext = o · tanh(c)
          const dc = dC[s]! + dH[s]! * o * (1 - tc * tc);
          dGates[gRow + j] = dc * gg * i * (1 - i);
          dGates[gRow + h + j] = dc * cPrev[s]! * f * (1 - f);
          dGates[gRow + 2 * h + j] = dc * i * (1 - gg * gg);
          dGates[gRow + 3 * h + j] = dH[s]! * tc * o * (1 - o);
          dC[s] = dc * f;
        }
      }
    },

    gruCellForward(gx, gh, hPrev, batch, hidden, hNext, saved) {
      const h = hidden;
      for (let b = 0; b < batch; b++) {
        const gRow = b * 3 * h;
        for (let j = 0; j < h; j++) {
          const r = sigmoid(gx[gRow + j]! + gh[gRow + j]!);
          const z = sigmoid(gx[gRow + h + j]! + gh[gRow + h + j]!);
          const nn = Math.tanh(gx[gRow + 2 * h + j]! + r * gh[gRow + 2 * h + j]!);
          saved[gRow + j] = r; saved[gRow + h + j] = z; saved[gRow + 2 * h + j] = nn;
          hNext[b * h + j] = (1 - z) * nn + z * hPrev[b * h + j]!;
        }
      }
    },

    gruCellBackward(saved, gh, hPrev, dH, batch, hidden, dGx, dGh, dHPrev) {
      const h = hidden;
      for (let b = 0; b < batch; b++) {
        const gRow = b * 3 * h;
        for (let j = 0; j < h; j++) {
          const s = b * h + j;
          const r = saved[gRow + j]!, z = saved[gRow + h + j]!, nn = saved[gRow + 2 * h + j]!;
          const d = dH[s]!;
          const dnPre = d * (1 - z) * (1 - nn * nn);
          const dzPre = d * (hPrev[s]! - nn) * z * (1 - z);
          const drPre = dnPre * gh[gRow + 2 * h + j]! * r * (1 - r);
          dGx[gRow + j] = drPre; dGh[gRow + j] = drPre;
          dGx[gRow + h + j] = dzPre; dGh[gRow + h + j] = dzPre;
          dGx[gRow + 2 * h + j] = dnPre; dGh[gRow + 2 * h + j] = dnPre * r;
          dHPrev[s] = d * z;
        }
      }
    },

    adamUpdate(param, grad, m, v, n, lr, beta1, beta2, eps, weightDecay, step, decoupled) {
      // PyTorch's formulation: p -= (lr / bc1) · m / (sqrt(v) / sqrt(bc2) + eps)
      const bc1 = 1 - Math.pow(beta1, step);
      const sqrtBc2 = Math.sqrt(1 - Math.pow(beta2, step));
      const stepSize = lr / bc1;
      for (let i = 0; i < n; i++) {
        let g = grad[i]!;
        let p = param[i]!;
        if (decoupled) p *= 1 - lr * weightDecay;
        else g += weightDecay * p;
        const mi = beta1 * m[i]! + (1 - beta1) * g;
        const vi = beta2 * v[i]! + (1 - beta2) * g * g;
        m[i] = mi; v[i] = vi;
        param[i] = p - stepSize * mi / (Math.sqrt(vi) / sqrtBc2 + eps);
      }
    },

    sgdUpdate(param, grad, velocity, n, lr, momentum, weightDecay, nesterov) {
      for (let i = 0; i < n; i++) {
        let g = grad[i]! + weightDecay * param[i]!;
        if (momentum !== 0) {
          const vi = momentum * velocity[i]! + g;
          velocity[i] = vi;
          g = nesterov ? g + momentum * vi : vi;
        }
        param[i] = param[i]! - lr * g;
      }
    },
  };
}

/**
 * Visits every (row of the column matrix, output position) pair once, giving the index into `columns` and the index of the
 * image pixel it reads, or -1 where the patch hangs over the zero padding. im2col and col2im are the same walk.
 */
function forEachPatchElement(g: Conv2dGeometry, visit: (columnIndex: number, pixelIndex: number) => void): void {
  const outSize = g.outH * g.outW;
  for (let c = 0; c < g.channels; c++) {
    for (let kh = 0; kh < g.kernelH; kh++) {
      for (let kw = 0; kw < g.kernelW; kw++) {
        const row = (c * g.kernelH + kh) * g.kernelW + kw;
        for (let oh = 0; oh < g.outH; oh++) {
          const ih = oh * g.strideH - g.padH + kh;
          for (let ow = 0; ow < g.outW; ow++) {
            const iw = ow * g.strideW - g.padW + kw;
            const inside = ih >= 0 && ih < g.height && iw >= 0 && iw < g.width;
            visit(row * outSize + oh * g.outW + ow, inside ? (c * g.height + ih) * g.width + iw : -1);
          }
        }
      }
    }
  }
}
