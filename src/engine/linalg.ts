/**
 * Small dense linear algebra with gradients, batched over leading dimensions ([..., n, n]): Cholesky factor, log-
 * determinant of a symmetric positive-definite matrix, and linear solves. Density models (DAGMM's Gaussian mixture
 * energy) need these for a handful of d×d covariances per batch, so they run in float64 JavaScript — tiny next to the
 * network, and the extra precision keeps near-singular covariances from turning into NaN.
 */
import { ShapeError } from '../core/errors.ts';
import { formatShape } from './shape.ts';
import { contributeGrad, needsGrad, record } from './tape.ts';
import { empty, type Tensor } from './tensor.ts';

function squareBatches(what: string, a: Tensor): [number, number] {
  const n = a.shape[a.rank - 1]!;
  if (a.rank < 2 || a.shape[a.rank - 2] !== n) throw new ShapeError(`${what}: expected square matrices [..., n, n]; got ${formatShape(a.shape)}.`);
  return [a.size / Math.max(n * n, 1), n];
}

/** Lower-triangular L with L·Lᵀ = A (float64), or an error naming the batch entry that is not positive definite. */
function choleskyFactor(a: Float32Array, offset: number, n: number, what: string, entry: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let d = a[offset + j * n + j]!;
    for (let k = 0; k < j; k++) d -= l[j * n + k]! * l[j * n + k]!;
    if (!(d > 0)) {
      throw new RangeError(`${what}: matrix ${entry} is not positive definite (pivot ${j} is ${d}); add a small multiple of the identity to regularise it.`);
    }
    const djj = Math.sqrt(d);
    l[j * n + j] = djj;
    for (let i = j + 1; i < n; i++) {
      let s = a[offset + i * n + j]!;
      for (let k = 0; k < j; k++) s -= l[i * n + k]! * l[j * n + k]!;
      l[i * n + j] = s / djj;
    }
  }
  return l;
}

/** Solves L·X = B in place (B n×k) for lower-triangular L; with transpose, Lᵀ·X = B. */
function triangularSolve(l: Float64Array, n: number, b: Float64Array, k: number, transpose: boolean): void {
  if (!transpose) {
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < k; c++) {
        let s = b[i * k + c]!;
        for (let j = 0; j < i; j++) s -= l[i * n + j]! * b[j * k + c]!;
        b[i * k + c] = s / l[i * n + i]!;
      }
    }
  } else {
    for (let i = n - 1; i >= 0; i--) {
      for (let c = 0; c < k; c++) {
        let s = b[i * k + c]!;
        for (let j = i + 1; j < n; j++) s -= l[j * n + i]! * b[j * k + c]!;
        b[i * k + c] = s / l[i * n + i]!;
      }
    }
  }
}

/** A⁻¹ from its Cholesky factor: L⁻ᵀ·L⁻¹. */
function inverseFromCholesky(l: Float64Array, n: number): Float64Array {
  const inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) inv[i * n + i] = 1;
  triangularSolve(l, n, inv, n, false);
  triangularSolve(l, n, inv, n, true);
  return inv;
}

/**
 * Cholesky factor of symmetric positive-definite matrices (only the lower triangle of A is read). The gradient is the
 * symmetric one (Murray, 2016), i.e. A is treated as a symmetric matrix.
 */
export function cholesky(a: Tensor): Tensor {
  const [count, n] = squareBatches('cholesky', a);
  const out = empty(a.shape);
  const factors: Float64Array[] = [];
  for (let b = 0; b < count; b++) {
    const l = choleskyFactor(a.data, b * n * n, n, 'cholesky', b);
    factors.push(l);
    out.data.set(l, b * n * n);
  }
  if (needsGrad(a)) {
    record(out, () => {
      const g = out.grad!;
      contributeGrad(a, (target) => {
        for (let b = 0; b < count; b++) {
          const l = factors[b]!, off = b * n * n;
          // P = Φ(Lᵀ·L̄) with Φ = lower triangle, diagonal halved; S = L⁻ᵀ·P·L⁻¹; Ā = (S + Sᵀ)/2
          const p = new Float64Array(n * n);
          for (let i = 0; i < n; i++) {
            for (let j = 0; j <= i; j++) {
              let s = 0;
              for (let k = i; k < n; k++) s += l[k * n + i]! * (k >= j ? g[off + k * n + j]! : 0);
              p[i * n + j] = i === j ? s / 2 : s;
            }
          }
          // S = L⁻ᵀ P L⁻¹: solve Lᵀ·Y = P, then S = Y·L⁻¹, i.e. Sᵀ = L⁻ᵀ·Yᵀ
          triangularSolve(l, n, p, n, true);
          const yt = new Float64Array(n * n);
          for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) yt[j * n + i] = p[i * n + j]!;
          triangularSolve(l, n, yt, n, true);
          for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) target[off + i * n + j] = (yt[j * n + i]! + yt[i * n + j]!) / 2;
        }
      });
    });
  }
  return out;
}

/** log det A for symmetric positive-definite A, through its Cholesky factor (2·Σ log Lᵢᵢ); shape [...]. */
export function logDet(a: Tensor): Tensor {
  const [count, n] = squareBatches('logDet', a);
  const out = empty(a.shape.slice(0, -2));
  const factors: Float64Array[] = [];
  for (let b = 0; b < count; b++) {
    const l = choleskyFactor(a.data, b * n * n, n, 'logDet', b);
    factors.push(l);
    let s = 0;
    for (let i = 0; i < n; i++) s += Math.log(l[i * n + i]!);
    out.data[b] = 2 * s;
  }
  if (needsGrad(a)) {
    record(out, () => {
      const g = out.grad!;
      contributeGrad(a, (target) => {
        for (let b = 0; b < count; b++) {
          // d log det A / dA = A⁻ᵀ = A⁻¹ for symmetric A
          const inv = inverseFromCholesky(factors[b]!, n);
          for (let i = 0; i < n * n; i++) target[b * n * n + i] = g[b]! * inv[i]!;
        }
      });
    });
  }
  return out;
}

interface LU {
  lu: Float64Array;
  perm: Int32Array;
}

/** PA = LU with partial pivoting (unit lower L and U packed in one matrix); (PA)[i] = A[perm[i]]. */
function luFactor(a: Float32Array, offset: number, n: number, entry: number): LU {
  const lu = new Float64Array(n * n);
  for (let i = 0; i < n * n; i++) lu[i] = a[offset + i]!;
  const perm = new Int32Array(n).map((_, i) => i);
  for (let k = 0; k < n; k++) {
    let pivot = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(lu[i * n + k]!) > Math.abs(lu[pivot * n + k]!)) pivot = i;
    if (lu[pivot * n + k] === 0) throw new RangeError(`solve: matrix ${entry} is singular.`);
    if (pivot !== k) {
      for (let j = 0; j < n; j++) { const t = lu[k * n + j]!; lu[k * n + j] = lu[pivot * n + j]!; lu[pivot * n + j] = t; }
      const t = perm[k]!; perm[k] = perm[pivot]!; perm[pivot] = t;
    }
    for (let i = k + 1; i < n; i++) {
      const f = (lu[i * n + k]! /= lu[k * n + k]!);
      for (let j = k + 1; j < n; j++) lu[i * n + j]! -= f * lu[k * n + j]!;
    }
  }
  return { lu, perm };
}

/** Solves A·X = R (transpose false) or Aᵀ·X = R (true) for R n×k, from A's LU factors. */
function luSolve({ lu, perm }: LU, n: number, r: Float64Array, k: number, transpose: boolean): Float64Array {
  const x = new Float64Array(n * k);
  if (!transpose) {
    for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) x[i * k + c] = r[perm[i]! * k + c]!;
    for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) { let s = x[i * k + c]!; for (let j = 0; j < i; j++) s -= lu[i * n + j]! * x[j * k + c]!; x[i * k + c] = s; }
    for (let i = n - 1; i >= 0; i--) for (let c = 0; c < k; c++) { let s = x[i * k + c]!; for (let j = i + 1; j < n; j++) s -= lu[i * n + j]! * x[j * k + c]!; x[i * k + c] = s / lu[i * n + i]!; }
    return x;
  }
  // Aᵀ = Uᵀ·Lᵀ·P: solve Uᵀ·z = r, Lᵀ·w = z, then x = Pᵀ·w
  const w = Float64Array.from(r);
  for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) { let s = w[i * k + c]!; for (let j = 0; j < i; j++) s -= lu[j * n + i]! * w[j * k + c]!; w[i * k + c] = s / lu[i * n + i]!; }
  for (let i = n - 1; i >= 0; i--) for (let c = 0; c < k; c++) { let s = w[i * k + c]!; for (let j = i + 1; j < n; j++) s -= lu[j * n + i]! * w[j * k + c]!; w[i * k + c] = s; }
  for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) x[perm[i]! * k + c] = w[i * k + c]!;
  return x;
}

/** X with A·X = B for A [..., n, n] and B [..., n, k] (same leading dimensions). */
export function solve(a: Tensor, b: Tensor): Tensor {
  const [count, n] = squareBatches('solve', a);
  const k = b.shape[b.rank - 1]!;
  if (b.rank !== a.rank || b.shape[b.rank - 2] !== n || b.shape.slice(0, -2).some((d, i) => d !== a.shape[i])) {
    throw new ShapeError(`solve: cannot solve A ${formatShape(a.shape)} · X = B ${formatShape(b.shape)}: B must be [..., ${n}, k] with A's leading dimensions.`);
  }
  const out = empty(b.shape);
  const factors: LU[] = [];
  for (let e = 0; e < count; e++) {
    const f = luFactor(a.data, e * n * n, n, e);
    factors.push(f);
    const x = luSolve(f, n, Float64Array.from(b.data.subarray(e * n * k, (e + 1) * n * k)), k, false);
    out.data.set(x, e * n * k);
  }
  if (needsGrad(a, b)) {
    record(out, () => {
      const g = out.grad!;
      // B̄ = A⁻ᵀ·X̄; Ā = −B̄·Xᵀ
      const gradB = factors.map((f, e) => luSolve(f, n, Float64Array.from(g.subarray(e * n * k, (e + 1) * n * k)), k, true));
      if (b.requiresGrad) contributeGrad(b, (target) => gradB.forEach((gb, e) => target.set(gb, e * n * k)));
      if (a.requiresGrad) {
        contributeGrad(a, (target) => {
          for (let e = 0; e < count; e++) {
            const gb = gradB[e]!, x = out.data, xo = e * n * k;
            for (let i = 0; i < n; i++) {
              for (let j = 0; j < n; j++) {
                let s = 0;
                for (let c = 0; c < k; c++) s += gb[i * k + c]! * x[xo + j * k + c]!;
                target[e * n * n + i * n + j] = -s;
              }
            }
          }
        });
      }
    });
  }
  return out;
}
