/**
 * MCD — Minimum Covariance Determinant. Rousseeuw & Van Driessen, "A Fast Algorithm for the Minimum Covariance
 * Determinant Estimator", Technometrics 41(3), 1999 (FastMCD).
 * Idea: estimate location and scatter from the h rows whose covariance has the smallest determinant, so the anomalies
 * cannot drag the estimate toward themselves; a row's score is its squared robust Mahalanobis distance.
 *
 * As PyOD's MCD (scikit-learn's MinCovDet): h = ⌈(n + d + 1) / 2⌉ by default; 30 random starts of h rows, two C-steps
 * each, the 10 lowest-determinant candidates iterated to convergence; then the consistency correction (scale by
 * median distance / median of χ²_d) and one reweighting step (mean and covariance of the rows within the 97.5 %
 * χ²_d quantile). Above 500 rows the starts run on a random subset of 1,500 rows (FastMCD's merged set) and the best
 * candidates are then refined with C-steps on all rows, which keeps the paper's cost bound without its nested subsets.
 *
 * Singular covariances (a constant feature, duplicated rows, more features than rows) get a small ridge on the
 * diagonal — 1e-10 of the mean variance, grown tenfold until the Cholesky succeeds — where scikit-learn uses a
 * pseudo-inverse: the ridge keeps distances finite and changes them only along directions with (almost) no variance.
 */
import { z } from 'zod';
import { type Matrix, selectRows } from '../../core/matrix.ts';
import type { Rng } from '../../core/rng.ts';
import { chiSquareQuantile } from '../components/chi-square.ts';
import { choleskyWithJitter, logDeterminant, squaredMahalanobis } from '../components/cholesky.ts';
import { columnMeans, covarianceMatrix } from '../components/covariance.ts';
import { baseOptionsSchema, Detector, type DetectorInfo, type DetectorState } from '../detector.ts';

const schema = baseOptionsSchema.extend({
  supportFraction: z.number().gt(0).lte(1).optional()
    .describe('Share of rows in the support (h / n); default (n + d + 1) / 2n, the most robust choice.'),
}).strict();

const STARTS = 30;
const KEPT_CANDIDATES = 10;
const MAX_C_STEPS = 30;
const SEARCH_ROWS = 1500;

interface Estimate {
  location: Float64Array;
  covariance: Float64Array;
  lower: Float64Array;
  logDet: number;
}

export class MCD extends Detector<z.output<typeof schema>> {
  static readonly schema = schema;
  static readonly info: DetectorInfo = {
    name: 'mcd',
    title: 'Minimum Covariance Determinant',
    modality: 'tabular',
    family: 'linear',
    supervision: ['unsupervised'],
    paper: 'Rousseeuw & Van Driessen, Technometrics 1999',
    summary: 'Squared Mahalanobis distance from a robust (minimum covariance determinant) location and scatter.',
  };

  private location: Float64Array = new Float64Array(0);
  private lower: Float64Array = new Float64Array(0);

  constructor(options: z.input<typeof schema> = {}) {
    super(schema, options);
  }

  protected fitModel(X: Matrix): Float64Array {
    const n = X.rows;
    const d = X.cols;
    const support = Math.min(
      n,
      this.options.supportFraction === undefined ? Math.ceil((n + d + 1) / 2) : Math.max(1, Math.ceil(this.options.supportFraction * n)),
    );
    const raw = support >= n ? estimateFrom(X, undefined) : this.fastMcd(X, support, this.rng());

    // Consistency correction: under normality the median squared distance is the median of χ²_d.
    const distances = mahalanobisAll(X, raw);
    const correction = median(distances) / chiSquareQuantile(0.5, d);
    const cut = chiSquareQuantile(0.975, d);
    const inliers: number[] = [];
    for (let i = 0; i < n; i++) if (correction > 0 ? distances[i]! / correction < cut : distances[i]! <= 0) inliers.push(i);
    // Reweighting: the plain mean and covariance of the rows inside the 97.5 % quantile (all rows if none are).
    const final = estimateFrom(X, inliers.length > d ? inliers : undefined);
    this.location = final.location;
    this.lower = final.lower;
    return this.scoreModel(X);
  }

  private fastMcd(X: Matrix, h: number, rng: Rng): Estimate {
    const n = X.rows;
    const searchRows = n > 500 ? rng.sample(n, Math.min(n, SEARCH_ROWS)) : undefined;
    const S = searchRows ? selectRows(X, searchRows) : X;
    const hS = searchRows ? Math.max(X.cols + 1, Math.min(S.rows, Math.ceil((h / n) * S.rows))) : h;
    // Starts: h random rows each, two C-steps.
    const candidates: Estimate[] = [];
    for (let s = 0; s < STARTS; s++) {
      let estimate = estimateFrom(S, rng.sample(S.rows, hS));
      for (let step = 0; step < 2; step++) estimate = cStep(S, estimate, hS);
      candidates.push(estimate);
    }
    candidates.sort((a, b) => a.logDet - b.logDet);
    let best: Estimate | undefined;
    for (const start of candidates.slice(0, KEPT_CANDIDATES)) {
      const refined = converge(X, start, h);
      if (best === undefined || refined.logDet < best.logDet) best = refined;
    }
    return best!;
  }

  protected scoreModel(X: Matrix): Float64Array {
    return mahalanobisAll(X, { location: this.location, lower: this.lower });
  }

  protected saveModel(): DetectorState {
    return { params: {}, arrays: { location: this.location, lower: this.lower } };
  }

  protected loadModel(state: DetectorState): void {
    this.location = state.arrays.location as Float64Array;
    this.lower = state.arrays.lower as Float64Array;
  }
}

/** Mean and covariance of the given rows (all when undefined), with their (ridged if need be) Cholesky factor. */
function estimateFrom(X: Matrix, rows: ArrayLike<number> | undefined): Estimate {
  const location = rows === undefined ? columnMeans(X) : columnMeans(X, rows);
  const covariance = rows === undefined ? covarianceMatrix(X, location) : covarianceMatrix(X, location, { rows });
  const { lower } = choleskyWithJitter(covariance, X.cols);
  return { location, covariance, lower, logDet: logDeterminant(lower, X.cols) };
}

/** One C-step: the h rows closest to the current estimate give the next one (its determinant never increases). */
function cStep(X: Matrix, estimate: Estimate, h: number): Estimate {
  const distances = mahalanobisAll(X, estimate);
  const order = Int32Array.from({ length: X.rows }, (_, i) => i).sort((a, b) => distances[a]! - distances[b]! || a - b);
  return estimateFrom(X, order.subarray(0, h));
}

function converge(X: Matrix, start: Estimate, h: number): Estimate {
  let current = start;
  for (let step = 0; step < MAX_C_STEPS; step++) {
    const next = cStep(X, current, h);
    if (next.logDet >= current.logDet - 1e-12 * Math.max(1, Math.abs(current.logDet))) return next.logDet < current.logDet ? next : current;
    current = next;
  }
  return current;
}

function mahalanobisAll(X: Matrix, estimate: Pick<Estimate, 'location' | 'lower'>): Float64Array {
  const d = X.cols;
  const out = new Float64Array(X.rows);
  const work = new Float64Array(d);
  for (let i = 0; i < X.rows; i++) out[i] = squaredMahalanobis(estimate.lower, d, estimate.location, X.data, i * d, work);
  return out;
}

function median(values: Float64Array): number {
  const sorted = Float64Array.from(values).sort();
  const m = sorted.length >> 1;
  return sorted.length % 2 ? sorted[m]! : (sorted[m - 1]! + sorted[m]!) / 2;
}
