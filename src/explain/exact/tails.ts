/**
 * ECOD and COPOD explained exactly: both scores are a sum over features of a per-feature tail term, so the term of
 * feature j is its contribution, and a row's contributions sum to its score. The terms are recomputed from the tails
 * the detector saved (its snapshot), with the same −log tails as scoring a new row (components/empirical-tails.ts).
 */
import type { Matrix } from '../../core/matrix.ts';
import { negativeLogTails, tailsFromState } from '../../detectors/components/empirical-tails.ts';
import type { Detector } from '../../detectors/detector.ts';

type Combine = (left: number, right: number, skewed: number) => number;

/** PyOD's per-feature outlyingness of ECOD: the largest of the left, right and skewness-chosen tails. */
const ecod: Combine = (left, right, skewed) => Math.max(left, right, skewed);
/** PyOD's per-feature outlyingness of COPOD: the skewed tail against the mean of both tails. */
const copod: Combine = (left, right, skewed) => Math.max(skewed, (left + right) / 2);

export const ecodContributions = (detector: Detector, X: Matrix): Matrix => tailContributions(detector, X, ecod);
export const copodContributions = (detector: Detector, X: Matrix): Matrix => tailContributions(detector, X, copod);

function tailContributions(detector: Detector, X: Matrix, combine: Combine): Matrix {
  const snap = detector.snapshot();
  const tails = tailsFromState(snap);
  const d = X.cols;
  const out = new Float64Array(X.rows * d);
  const u = new Float64Array(2);
  for (let i = 0; i < X.rows; i++) {
    for (let j = 0; j < d; j++) {
      negativeLogTails(tails, j, X.data[i * d + j]!, false, u);
      const left = u[0]!;
      const right = u[1]!;
      const sign = tails.skewSign[j]!;
      out[i * d + j] = combine(left, right, sign < 0 ? left : sign > 0 ? right : left + right);
    }
  }
  return { rows: X.rows, cols: d, data: out };
}
