/**
 * HBOS explained exactly: its score is a sum over features of −log(histogram density + α), so each feature's term is
 * its contribution and a row's contributions sum to its score. Recomputed from the saved bin edges and densities.
 */
import type { Matrix } from '../../core/matrix.ts';
import type { Detector } from '../../detectors/detector.ts';

export function hbosContributions(detector: Detector, X: Matrix): Matrix {
  const snap = detector.snapshot();
  const edges = snap.arrays.edges as Float64Array;
  const logDensity = snap.arrays.logDensity as Float64Array;
  const { bins, tolerance, alpha } = detector.options as unknown as { bins: number; tolerance: number; alpha: number };
  const d = X.cols;
  const outside = -Math.log(alpha);
  const out = new Float64Array(X.rows * d);
  for (let i = 0; i < X.rows; i++) {
    for (let j = 0; j < d; j++) {
      const v = X.data[i * d + j]!;
      const min = edges[2 * j]!;
      const width = edges[2 * j + 1]!;
      const pos = (v - min) / width;
      if (pos < -tolerance || pos > bins + tolerance) out[i * d + j] = outside;
      else {
        const b = Math.floor(pos);
        out[i * d + j] = logDensity[j * bins + (b < 0 ? 0 : b >= bins ? bins - 1 : b)]!;
      }
    }
  }
  return { rows: X.rows, cols: d, data: out };
}
