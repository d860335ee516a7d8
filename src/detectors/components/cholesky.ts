/**
 * Cholesky factorisation of a symmetric positive (semi-)definite matrix, with the jitter that makes a singular
 * covariance usable, and the pieces built on it: log-determinant, forward substitution, squared Mahalanobis distance.
 * Matrices are dense d × d row-major Float64Arrays; the factor L is lower-triangular (upper part zero).
 */

/** The lower factor L with A = L Lᵀ, or undefined when A is not (numerically) positive definite. */
export function cholesky(A: Float64Array, d: number): Float64Array | undefined {
  const L = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    const rowI = i * d;
    for (let j = 0; j <= i; j++) {
      const rowJ = j * d;
      let sum = A[rowI + j]!;
      for (let k = 0; k < j; k++) sum -= L[rowI + k]! * L[rowJ + k]!;
      if (i === j) {
        if (!(sum > 0) || !Number.isFinite(sum)) return undefined;
        L[rowI + i] = Math.sqrt(sum);
      } else {
        L[rowI + j] = sum / L[rowJ + j]!;
      }
    }
  }
  return L;
}

export interface JitteredCholesky {
  lower: Float64Array;
  /** what was added to the diagonal to make A positive definite (0 when nothing was needed) */
  jitter: number;
}

/**
 * Cholesky of A, adding a growing ridge to the diagonal when A is singular (a constant column, more features than
 * rows, duplicated rows). The ridge starts at `initial` × the mean diagonal and grows tenfold per try; it is tiny next
 * to the data's variances, so distances change only along the directions with (almost) no variance — which is where
 * an exact inverse would blow up.
 */
export function choleskyWithJitter(A: Float64Array, d: number, options: { initial?: number; maxTries?: number } = {}): JitteredCholesky {
  const first = cholesky(A, d);
  if (first) return { lower: first, jitter: 0 };
  let meanDiagonal = 0;
  for (let i = 0; i < d; i++) meanDiagonal += Math.abs(A[i * d + i]!);
  meanDiagonal = meanDiagonal / d || 1;
  let jitter = (options.initial ?? 1e-10) * meanDiagonal;
  const maxTries = options.maxTries ?? 12;
  const B = Float64Array.from(A);
  for (let t = 0; t < maxTries; t++, jitter *= 10) {
    for (let i = 0; i < d; i++) B[i * d + i] = A[i * d + i]! + jitter;
    const L = cholesky(B, d);
    if (L) return { lower: L, jitter };
  }
  throw new RangeError(`Cholesky failed even with a ridge of ${jitter / 10} on the diagonal: the matrix is not a covariance (negative or non-finite entries?).`);
}

/** log det A from its Cholesky factor: 2 Σ log Lᵢᵢ. */
export function logDeterminant(lower: Float64Array, d: number): number {
  let s = 0;
  for (let i = 0; i < d; i++) s += Math.log(lower[i * d + i]!);
  return 2 * s;
}

/** Solves L y = b in place (b becomes y). */
export function forwardSubstitute(lower: Float64Array, d: number, b: Float64Array): Float64Array {
  for (let i = 0; i < d; i++) {
    const rowI = i * d;
    let sum = b[i]!;
    for (let k = 0; k < i; k++) sum -= lower[rowI + k]! * b[k]!;
    b[i] = sum / lower[rowI + i]!;
  }
  return b;
}

/**
 * Squared Mahalanobis distance (x − μ)ᵀ Σ⁻¹ (x − μ) of `x` (d values starting at x[offset]) given the Cholesky factor
 * of Σ. `work` is a d-length scratch buffer, so scoring many rows allocates nothing.
 */
export function squaredMahalanobis(lower: Float64Array, d: number, mean: Float64Array, x: ArrayLike<number>, offset: number, work: Float64Array): number {
  for (let j = 0; j < d; j++) work[j] = x[offset + j]! - mean[j]!;
  forwardSubstitute(lower, d, work);
  let s = 0;
  for (let j = 0; j < d; j++) s += work[j]! * work[j]!;
  return s;
}
