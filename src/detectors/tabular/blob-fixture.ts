/**
 * Test data shared by the tabular detectors' tests: a seeded Gaussian blob with a few far points, and an exact
 * ROC-AUC (ties count one half) to check that the far points score highest.
 */
import { createMatrix, type Matrix } from '../../core/matrix.ts';
import { Rng } from '../../core/rng.ts';

export interface LabelledData {
  X: Matrix;
  /** 1 = planted outlier */
  y: Uint8Array;
}

/** `normal` rows from N(0, 1)^d and `outliers` rows uniform in a shell at radius 5–8 in each coordinate's sign. */
export function blobWithOutliers(seed: number, normal = 200, outliers = 10, d = 3): LabelledData {
  const rng = new Rng(seed);
  const n = normal + outliers;
  const X = createMatrix(n, d);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const far = i >= normal;
    y[i] = far ? 1 : 0;
    for (let j = 0; j < d; j++) X.data[i * d + j] = far ? (rng.next() < 0.5 ? -1 : 1) * rng.uniform(5, 8) : rng.normal();
  }
  return { X, y };
}

/** Exact ROC-AUC by ranks, with ties sharing the average rank (Mann–Whitney U). */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let positives = 0;
  let rankSum = 0;
  for (let start = 0; start < n;) {
    let end = start;
    while (end + 1 < n && scores[order[end + 1]!] === scores[order[start]!]) end++;
    const rank = (start + end) / 2 + 1;
    for (let p = start; p <= end; p++) {
      if (labels[order[p]!] === 1) {
        positives++;
        rankSum += rank;
      }
    }
    start = end + 1;
  }
  const negatives = n - positives;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}
