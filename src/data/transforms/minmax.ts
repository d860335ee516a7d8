import { AffineTransform } from './affine.ts';

/** Min-max scaling: the training range of each column maps to [0, 1]. */
export class MinMaxTransform extends AffineTransform {
  readonly kind = 'minmax' as const;
  protected readonly fieldNames = ['min', 'range'] as const;

  protected statistics(sorted: Float64Array): [number, number] {
    const min = sorted[0]!;
    return [min, sorted[sorted.length - 1]! - min];
  }
}
