/**
 * Test data shared by the tabular detectors' tests: a seeded Gaussian blob with a few far points.
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
