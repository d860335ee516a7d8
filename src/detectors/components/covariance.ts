import type { Matrix } from '../../core/matrix.ts';

/**
 * Means and covariances of the rows of a matrix, optionally of a subset of rows (MCD's C-steps) or with per-row
 * weights (GMM's M-step). Covariances are dense d × d row-major, symmetric, divided by n (the maximum-likelihood
 * estimate scikit-learn's MinCovDet and GaussianMixture use) unless `ddof` says otherwise.
 */

/** Column means over all rows, or over `rows` when given. */
export function columnMeans(X: Matrix, rows?: ArrayLike<number>): Float64Array {
  const d = X.cols;
  const mean = new Float64Array(d);
  const count = rows === undefined ? X.rows : rows.length;
  for (let k = 0; k < count; k++) {
    const base = (rows === undefined ? k : rows[k]!) * d;
    for (let j = 0; j < d; j++) mean[j]! += X.data[base + j]!;
  }
  if (count > 0) for (let j = 0; j < d; j++) mean[j]! /= count;
  return mean;
}

/** Column standard deviations (population, ddof 0) around `mean`. */
export function columnStds(X: Matrix, mean: Float64Array): Float64Array {
  const d = X.cols;
  const out = new Float64Array(d);
  for (let i = 0; i < X.rows; i++) {
    for (let j = 0; j < d; j++) {
      const v = X.data[i * d + j]! - mean[j]!;
      out[j]! += v * v;
    }
  }
  for (let j = 0; j < d; j++) out[j] = Math.sqrt(out[j]! / Math.max(1, X.rows));
  return out;
}

export interface CovarianceOptions {
  /** only these rows */
  rows?: ArrayLike<number>;
  /** divide by n − ddof; 0 (the default) gives the maximum-likelihood estimate */
  ddof?: number;
}

/** The d × d covariance of the rows of X around `mean`. */
export function covarianceMatrix(X: Matrix, mean: Float64Array, options: CovarianceOptions = {}): Float64Array {
  const d = X.cols;
  const rows = options.rows;
  const count = rows === undefined ? X.rows : rows.length;
  const cov = new Float64Array(d * d);
  const centred = new Float64Array(d);
  for (let k = 0; k < count; k++) {
    const base = (rows === undefined ? k : rows[k]!) * d;
    for (let j = 0; j < d; j++) centred[j] = X.data[base + j]! - mean[j]!;
    // Upper triangle only; mirrored below. Skipping zero entries makes sparse-ish data (one-hot columns) cheap.
    for (let a = 0; a < d; a++) {
      const va = centred[a]!;
      if (va === 0) continue;
      const rowA = a * d;
      for (let b = a; b < d; b++) cov[rowA + b]! += va * centred[b]!;
    }
  }
  const divisor = Math.max(1, count - (options.ddof ?? 0));
  for (let a = 0; a < d; a++) {
    for (let b = a; b < d; b++) {
      const v = cov[a * d + b]! / divisor;
      cov[a * d + b] = v;
      cov[b * d + a] = v;
    }
  }
  return cov;
}

/** Weighted mean and covariance (weights need not sum to one; their sum must be positive). */
export function weightedMeanCovariance(X: Matrix, weights: ArrayLike<number>): { mean: Float64Array; covariance: Float64Array; total: number } {
  const d = X.cols;
  const mean = new Float64Array(d);
  let total = 0;
  for (let i = 0; i < X.rows; i++) {
    const w = weights[i]!;
    if (w === 0) continue;
    total += w;
    for (let j = 0; j < d; j++) mean[j]! += w * X.data[i * d + j]!;
  }
  if (!(total > 0)) throw new RangeError(`weightedMeanCovariance: the weights must have a positive sum. Got ${total}.`);
  for (let j = 0; j < d; j++) mean[j]! /= total;
  const cov = new Float64Array(d * d);
  const centred = new Float64Array(d);
  for (let i = 0; i < X.rows; i++) {
    const w = weights[i]!;
    if (w === 0) continue;
    for (let j = 0; j < d; j++) centred[j] = X.data[i * d + j]! - mean[j]!;
    for (let a = 0; a < d; a++) {
      const va = w * centred[a]!;
      if (va === 0) continue;
      for (let b = a; b < d; b++) cov[a * d + b]! += va * centred[b]!;
    }
  }
  for (let a = 0; a < d; a++) {
    for (let b = a; b < d; b++) {
      const v = cov[a * d + b]! / total;
      cov[a * d + b] = v;
      cov[b * d + a] = v;
    }
  }
  return { mean, covariance: cov, total };
}
