/**
 * A set of images as one block of numbers: `count` images of `channels` × `height` × `width`, row-major NCHW Float32
 * (the engine's layout), values in [0, 1] as read. `names` says where each image came from (a file name, or
 * `file#index` for an IDX file), so that scores and maps can be written back under the right name.
 */
import { ShapeError } from '../core/errors.ts';

export interface ImageShape {
  channels: number;
  height: number;
  width: number;
}

export interface ImageSet extends ImageShape {
  count: number;
  /** count × channels × height × width values, NCHW */
  data: Float32Array;
  /** one name per image */
  names: string[];
}

/** Values per image. */
export function imageSize(shape: ImageShape): number {
  return shape.channels * shape.height * shape.width;
}

export function formatImageShape(shape: ImageShape): string {
  return `${shape.channels}×${shape.height}×${shape.width}`;
}

export function sameShape(a: ImageShape, b: ImageShape): boolean {
  return a.channels === b.channels && a.height === b.height && a.width === b.width;
}

/** The images at `indices`, in that order (a copy). */
export function selectImages(set: ImageSet, indices: ArrayLike<number>): ImageSet {
  const size = imageSize(set);
  const data = new Float32Array(indices.length * size);
  const names: string[] = [];
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k]!;
    if (!(i >= 0 && i < set.count)) throw new ShapeError(`selectImages: index ${i} is outside the ${set.count} images.`);
    data.set(set.data.subarray(i * size, (i + 1) * size), k * size);
    names.push(set.names[i]!);
  }
  return { ...shapeOf(set), count: indices.length, data, names };
}

/** Two sets of the same shape, one after the other. */
export function concatImages(a: ImageSet, b: ImageSet): ImageSet {
  if (!sameShape(a, b)) throw new ShapeError(`concatImages: images of ${formatImageShape(a)} and ${formatImageShape(b)} cannot be joined.`);
  const data = new Float32Array(a.data.length + b.data.length);
  data.set(a.data, 0);
  data.set(b.data, a.data.length);
  return { ...shapeOf(a), count: a.count + b.count, data, names: [...a.names, ...b.names] };
}

export function shapeOf(shape: ImageShape): ImageShape {
  return { channels: shape.channels, height: shape.height, width: shape.width };
}
