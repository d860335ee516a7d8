/**
 * One entry point for image input: an IDX file or a folder of PNG / JPEG images, brought to the requested size and
 * colour, values in [0, 1].
 */
import { stat } from 'node:fs/promises';
import { InputError } from '../core/errors.ts';
import { readImageFolder, type ImageReadOptions } from './folder.ts';
import { readIdxImages } from './idx.ts';
import type { ImageSet } from './image-set.ts';
import { resizePlane } from './resize.ts';

export async function readImages(input: string, options: ImageReadOptions = {}): Promise<ImageSet> {
  let info;
  try {
    info = await stat(input);
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') throw new InputError(`Image input '${input}' does not exist (give a folder of images or an IDX file).`, { cause: error });
    throw error;
  }
  if (info.isDirectory()) return readImageFolder(input, options);
  return conform(await readIdxImages(input), options);
}

/** Resizes / recolours a set read from an IDX file to match the options. */
function conform(set: ImageSet, options: ImageReadOptions): ImageSet {
  const [height, width] = options.size === undefined ? [set.height, set.width] : typeof options.size === 'number' ? [options.size, options.size] : options.size;
  const channels = options.grayscale === true ? 1 : options.grayscale === false ? 3 : set.channels;
  if (height === set.height && width === set.width && channels === set.channels) return set;
  const inPlane = set.height * set.width, plane = height * width;
  const data = new Float32Array(set.count * channels * plane);
  for (let n = 0; n < set.count; n++) {
    const planes: Float32Array[] = [];
    for (let c = 0; c < set.channels; c++) planes.push(set.data.subarray((n * set.channels + c) * inPlane, (n * set.channels + c + 1) * inPlane));
    let mixed = planes;
    if (channels === 1 && set.channels === 3) {
      const g = new Float32Array(inPlane);
      for (let i = 0; i < inPlane; i++) g[i] = 0.299 * planes[0]![i]! + 0.587 * planes[1]![i]! + 0.114 * planes[2]![i]!;
      mixed = [g];
    } else if (channels !== set.channels) {
      mixed = Array.from({ length: channels }, (_, c) => planes[Math.min(c, planes.length - 1)]!);
    }
    mixed.forEach((p, c) => data.set(resizePlane(p, set.height, set.width, height, width), (n * channels + c) * plane));
  }
  return { ...set, channels, height, width, data };
}
