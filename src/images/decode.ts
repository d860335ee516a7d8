/**
 * PNG and JPEG decoding through pngjs and jpeg-js (pure JavaScript, no native build): the bytes of one file to its RGBA
 * pixels. A file that cannot be decoded is an InputError naming it.
 */
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { InputError } from '../core/errors.ts';

export interface RgbaImage {
  width: number;
  height: number;
  /** width × height × 4 bytes, row by row */
  data: Uint8Array;
}

export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg'] as const;

export function isImageFile(name: string): boolean {
  const lower = name.toLowerCase();
  return IMAGE_EXTENSIONS.some((e) => lower.endsWith(e));
}

/** Decodes PNG or JPEG bytes (told apart by their signature, not the file name). */
export function decodeImage(bytes: Uint8Array, source: string): RgbaImage {
  const isPng = bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47;
  const isJpeg = bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
  if (!isPng && !isJpeg) {
    throw new InputError(`Image '${source}' cannot be decoded: it is neither a PNG nor a JPEG file (its first bytes are ${hex(bytes.subarray(0, 4))}).`);
  }
  try {
    if (isPng) {
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      return { width: png.width, height: png.height, data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength) };
    }
    // maxMemoryUsageInMB bounds what a crafted header can make jpeg-js allocate
    const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 1024 });
    return { width: img.width, height: img.height, data: img.data };
  } catch (error) {
    throw new InputError(`Image '${source}' cannot be decoded as ${isPng ? 'PNG' : 'JPEG'}: ${(error as Error).message}.`, { cause: error });
  }
}

function hex(b: Uint8Array): string {
  return b.length === 0 ? '(none: the file is empty)' : [...b].map((v) => v.toString(16).padStart(2, '0')).join(' ');
}
