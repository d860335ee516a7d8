import type { Matrix } from '../../core/matrix.ts';

/**
 * Per-feature empirical tail probabilities — the shared core of ECOD and COPOD. Fitting sorts each training column;
 * a value's left tail is the share of training values ≤ it, its right tail the share ≥ it (ties count, as the
 * right-continuous ECDF PyOD uses), and the sign of each column's skewness says which tail matters.
 *
 * PyOD scores a test batch by recomputing the ECDFs over train ∪ batch, so a row's score depends on the other test
 * rows. Here each scored row is counted as one extra sample on top of the training data: (count + 1) / (n + 1).
 * For a training row at fit time that is exactly PyOD's count / n (the row is already among the n), scores stay
 * finite outside the training range, and no row's score depends on another's.
 */
export interface EmpiricalTails {
  rows: number;
  cols: number;
  /** each training column sorted ascending, column after column (cols × rows) */
  sorted: Float64Array;
  /** sign of each column's sample skewness: −1, 0 or 1 (0 for a constant column) */
  skewSign: Float64Array;
}

export function fitEmpiricalTails(X: Matrix): EmpiricalTails {
  const n = X.rows;
  const d = X.cols;
  const sorted = new Float64Array(n * d);
  const skewSign = new Float64Array(d);
  const col = new Float64Array(n);
  for (let j = 0; j < d; j++) {
    let mean = 0;
    for (let i = 0; i < n; i++) {
      const v = X.data[i * d + j]!;
      col[i] = v;
      mean += v;
    }
    mean /= n;
    let m2 = 0;
    let m3 = 0;
    for (let i = 0; i < n; i++) {
      const c = col[i]! - mean;
      m2 += c * c;
      m3 += c * c * c;
    }
    m2 /= n;
    m3 /= n;
    // scipy.stats.skew (biased) is m3 / m2^1.5; only its sign is used. A constant column has skewness 0 (as scipy
    // returned when ADBench ran), and its tails are then both 1, adding nothing.
    const skew = m2 > 0 ? m3 / m2 ** 1.5 : 0;
    skewSign[j] = Math.abs(skew) < 1e-12 ? 0 : Math.sign(skew);
    col.sort();
    sorted.set(col, j * n);
  }
  return { rows: n, cols: d, sorted, skewSign };
}

/** Number of values in sorted[from, from + n) that are ≤ v. */
export function countAtMost(sorted: Float64Array, from: number, n: number, v: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[from + mid]! <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Number of values in sorted[from, from + n) that are < v. */
export function countBelow(sorted: Float64Array, from: number, n: number, v: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[from + mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * −log of the left and right tail probabilities of value v in column j, written to out[0] (left) and out[1] (right).
 * `isTrainingRow`: v belongs to one of the n training rows (fit time); otherwise the row counts as an extra sample.
 */
export function negativeLogTails(tails: EmpiricalTails, j: number, v: number, isTrainingRow: boolean, out: Float64Array): void {
  const n = tails.rows;
  const from = j * n;
  const atMost = countAtMost(tails.sorted, from, n, v);
  const atLeast = n - countBelow(tails.sorted, from, n, v);
  if (isTrainingRow) {
    out[0] = -Math.log(atMost / n);
    out[1] = -Math.log(atLeast / n);
  } else {
    out[0] = -Math.log((atMost + 1) / (n + 1));
    out[1] = -Math.log((atLeast + 1) / (n + 1));
  }
}

/**
 * Row scores: Σ_j combine(left_j, right_j, skewed_j) of the −log tails, where `skewed` is the left tail for a
 * negatively skewed column, the right tail for a positively skewed one, and their sum for an unskewed one (PyOD's
 * U_skew). ECOD and COPOD differ only in `combine`.
 */
export function scoreByTails(
  tails: EmpiricalTails,
  X: Matrix,
  isTrainingRows: boolean,
  combine: (left: number, right: number, skewed: number) => number,
): Float64Array {
  const d = X.cols;
  const out = new Float64Array(X.rows);
  const u = new Float64Array(2);
  for (let i = 0; i < X.rows; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) {
      negativeLogTails(tails, j, X.data[i * d + j]!, isTrainingRows, u);
      const left = u[0]!;
      const right = u[1]!;
      const sign = tails.skewSign[j]!;
      s += combine(left, right, sign < 0 ? left : sign > 0 ? right : left + right);
    }
    out[i] = s;
  }
  return out;
}

/** The learned state of tails as a detector stores it, and back. */
export function tailsToState(tails: EmpiricalTails): { params: Record<string, unknown>; arrays: Record<string, Float64Array> } {
  return { params: { rows: tails.rows }, arrays: { sorted: tails.sorted, skewSign: tails.skewSign } };
}

export function tailsFromState(state: { params: Record<string, unknown>; arrays: Record<string, unknown> }): EmpiricalTails {
  const sorted = state.arrays.sorted as Float64Array;
  const skewSign = state.arrays.skewSign as Float64Array;
  return { rows: state.params.rows as number, cols: skewSign.length, sorted, skewSign };
}
