/**
 * Test data for the tabular detectors: a seeded Gaussian blob with a few far points, the case every detector must
 * rank right. Shared by the detectors' tests so each checks the same thing.
 */
import type { Matrix } from '../../core/matrix.ts';
import { Rng } from '../../core/rng.ts';

export interface LabelledMatrix {
  X: Matrix;
  /** 1 for the far points, 0 for the blob */
  labels: Uint8Array;
}

/** `normal` rows from N(0, I) in `features` dimensions, then `far` rows at distance 6–8 in random directions. */
export function blobWithFarPoints(seed: number, normal = 300, far = 10, features = 4): LabelledMatrix {
  const rng = new Rng(seed);
  const rows = normal + far;
  const data = new Float64Array(rows * features);
  const labels = new Uint8Array(rows);
  for (let i = 0; i < normal * features; i++) data[i] = rng.normal();
  for (let i = normal; i < rows; i++) {
    let norm = 0;
    const direction = new Float64Array(features);
    for (let j = 0; j < features; j++) {
      direction[j] = rng.normal();
      norm += direction[j]! * direction[j]!;
    }
    const radius = 6 + 2 * rng.next();
    for (let j = 0; j < features; j++) data[i * features + j] = (radius * direction[j]!) / Math.sqrt(norm);
    labels[i] = 1;
  }
  return { X: { rows, cols: features, data }, labels };
}
