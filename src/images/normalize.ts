/**
 * Global contrast normalisation and min-max scaling, as the Deep SVDD paper (Ruff et al., ICML 2018, sec. 4.1) and the
 * OC-NN paper prepare MNIST / CIFAR-10: each image has its mean subtracted and is divided by its mean absolute
 * deviation (the l1 norm; 'l2' divides by the standard deviation), then every value is min-max scaled to [0, 1] with the
 * smallest and largest value over the *normal training images* (the authors' per-class minimum and maximum). The
 * detectors learn that minimum and maximum at fit and apply the same ones when scoring, so new images are treated as
 * the training images were.
 */
import type { ImageSet } from './image-set.ts';
import { imageSize } from './image-set.ts';

export type ContrastNorm = 'l1' | 'l2';

/** GCN of each image in place-free fashion (returns a new data array). */
export function globalContrastNormalize(data: Float32Array, valuesPerImage: number, norm: ContrastNorm = 'l1'): Float32Array {
  const out = new Float32Array(data.length);
  const count = data.length / valuesPerImage;
  for (let n = 0; n < count; n++) {
    const start = n * valuesPerImage;
    let sum = 0;
    for (let i = 0; i < valuesPerImage; i++) sum += data[start + i]!;
    const mean = sum / valuesPerImage;
    let scale = 0;
    for (let i = 0; i < valuesPerImage; i++) {
      const d = data[start + i]! - mean;
      scale += norm === 'l1' ? Math.abs(d) : d * d;
    }
    scale = norm === 'l1' ? scale / valuesPerImage : Math.sqrt(scale / valuesPerImage);
    // a flat image has no contrast to normalise: it stays 0 rather than becoming NaN
    const inv = scale > 1e-12 ? 1 / scale : 0;
    for (let i = 0; i < valuesPerImage; i++) out[start + i] = (data[start + i]! - mean) * inv;
  }
  return out;
}

/** Smallest and largest value. */
export function valueRange(data: ArrayLike<number>): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}

/** (x − min) / (max − min) for every value (a new array); a zero range maps everything to 0. */
export function minMaxScale(data: Float32Array, min: number, max: number): Float32Array {
  const range = max - min;
  const inv = range > 1e-12 ? 1 / range : 0;
  return Float32Array.from(data, (v) => (v - min) * inv);
}

/** GCN of an image set followed by min-max scaling over the set itself (how the papers prepare one class). */
export function normalizeImages(set: ImageSet, norm: ContrastNorm = 'l1'): ImageSet {
  const g = globalContrastNormalize(set.data, imageSize(set), norm);
  const { min, max } = valueRange(g);
  return { ...set, data: minMaxScale(g, min, max) };
}
