import { AffineTransform } from './affine.ts';

/** Standard scaling: zero mean, unit variance per column (population std, ddof = 0, as scikit-learn's StandardScaler). */
export class StandardTransform extends AffineTransform {
  readonly kind = 'standard' as const;
  protected readonly fieldNames = ['mean', 'std'] as const;

  protected statistics(values: Float64Array): [number, number] {
    // The values come sorted: a constant column is detected exactly, not through a rounding-noise std of 1e-17.
    if (values[0] === values[values.length - 1]) return [values[0]!, 0];
    let mean = 0;
    for (const v of values) mean += v;
    mean /= values.length;
    let ss = 0;
    for (const v of values) ss += (v - mean) * (v - mean);
    return [mean, Math.sqrt(ss / values.length)];
  }
}
