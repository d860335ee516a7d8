import { AffineTransform } from './affine.ts';

/**
 * Robust scaling: centre on the median, divide by the interquartile range (as scikit-learn's RobustScaler, with
 * numpy's linear quantiles). The anomalies in the training data barely move either statistic, unlike mean and std.
 */
export class RobustTransform extends AffineTransform {
  readonly kind = 'robust' as const;
  protected readonly fieldNames = ['median', 'iqr'] as const;

  protected statistics(sorted: Float64Array): [number, number] {
    return [quantile(sorted, 0.5), quantile(sorted, 0.75) - quantile(sorted, 0.25)];
  }
}

/** Linear-interpolated quantile of sorted values (numpy's default method). */
function quantile(sorted: Float64Array, q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}
