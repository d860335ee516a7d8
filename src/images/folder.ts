/**
 * A folder of PNG / JPEG images as an image set: the image files directly in the folder (sorted by name; other files
 * are ignored), decoded, converted to grayscale or RGB, resized to one size and scaled to [0, 1].
 *
 * Transparent pixels are composited over black (their colour times their alpha), which keeps a digit drawn on a
 * transparent background a white digit on black, as MNIST's are.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError, OptionError } from '../core/errors.ts';
import { decodeImage, IMAGE_EXTENSIONS, isImageFile, type RgbaImage } from './decode.ts';
import type { ImageSet } from './image-set.ts';
import { resizePlane } from './resize.ts';

export interface ImageReadOptions {
  /** output size: a number for square images or [height, width]; unset: every image must have the same size */
  size?: number | readonly [number, number] | undefined;
  /** true: one channel (luma); false: three (RGB); unset: one channel when every image is gray (R = G = B), else three */
  grayscale?: boolean | undefined;
}

/** The image files of a folder, sorted by name. Errors (exit 2) for a missing folder, a file, or no images. */
export async function listImageFiles(folder: string): Promise<string[]> {
  let info;
  try {
    info = await stat(folder);
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') throw new InputError(`Image folder '${folder}' does not exist.`, { cause: error });
    throw error;
  }
  if (!info.isDirectory()) throw new InputError(`'${folder}' is not a folder; give a folder of ${IMAGE_EXTENSIONS.join(' / ')} images (or an IDX file).`);
  const entries = await readdir(folder, { withFileTypes: true });
  const files = entries.filter((e) => e.isFile() && isImageFile(e.name)).map((e) => e.name).sort();
  if (files.length === 0) {
    throw new InputError(`Folder '${folder}' holds no images: expected files ending in ${IMAGE_EXTENSIONS.join(', ')} (found ${entries.length} other entries).`);
  }
  return files;
}

/** Reads every image of `folder` into one set. */
export async function readImageFolder(folder: string, options: ImageReadOptions = {}): Promise<ImageSet> {
  const files = await listImageFiles(folder);
  const decoded: RgbaImage[] = [];
  for (const name of files) decoded.push(decodeImage(await readFile(join(folder, name)), join(folder, name)));
  return imagesFromRgba(decoded, files.map((f) => join(folder, f)), options);
}

/** Decoded RGBA images (with their names, for errors) as one set, by the options. */
export function imagesFromRgba(images: readonly RgbaImage[], names: readonly string[], options: ImageReadOptions = {}): ImageSet {
  if (images.length === 0) throw new InputError('No images to read.');
  const [height, width] = targetSize(images, names, options.size);
  const grayscale = options.grayscale ?? images.every(isGray);
  const channels = grayscale ? 1 : 3;
  const plane = height * width;
  const data = new Float32Array(images.length * channels * plane);
  images.forEach((img, n) => {
    const planes = toPlanes(img, grayscale);
    planes.forEach((p, c) => data.set(resizePlane(p, img.height, img.width, height, width), (n * channels + c) * plane));
  });
  return { count: images.length, channels, height, width, data, names: [...names] };
}

function targetSize(images: readonly RgbaImage[], names: readonly string[], size: ImageReadOptions['size']): [number, number] {
  if (size !== undefined) {
    const [h, w] = typeof size === 'number' ? [size, size] : size;
    if (!Number.isInteger(h) || !Number.isInteger(w) || h < 1 || w < 1 || h > 4096 || w > 4096) {
      throw new OptionError(`Image size must be whole numbers of pixels from 1 to 4096; got ${JSON.stringify(size)}.`);
    }
    return [h, w];
  }
  const first = images[0]!;
  images.forEach((img, i) => {
    if (img.height !== first.height || img.width !== first.width) {
      throw new InputError(
        `Images differ in size: '${names[0]}' is ${first.width}×${first.height} but '${names[i]}' is ${img.width}×${img.height}. ` +
        'Give a size (e.g. --size 28) to resize them all.',
      );
    }
  });
  return [first.height, first.width];
}

function isGray(img: RgbaImage): boolean {
  const d = img.data;
  for (let i = 0; i < d.length; i += 4) if (d[i] !== d[i + 1] || d[i] !== d[i + 2]) return false;
  return true;
}

/** The image as channel planes in [0, 1]: luma (ITU-R BT.601 weights) or R, G, B; alpha composited over black. */
function toPlanes(img: RgbaImage, grayscale: boolean): Float32Array[] {
  const n = img.width * img.height;
  const d = img.data;
  if (grayscale) {
    const g = new Float32Array(n);
    for (let i = 0; i < n; i++) g[i] = (0.299 * d[4 * i]! + 0.587 * d[4 * i + 1]! + 0.114 * d[4 * i + 2]!) * d[4 * i + 3]! / (255 * 255);
    return [g];
  }
  const planes = [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
  for (let i = 0; i < n; i++) {
    const a = d[4 * i + 3]! / (255 * 255);
    for (let c = 0; c < 3; c++) planes[c]![i] = d[4 * i + c]! * a;
  }
  return planes;
}
