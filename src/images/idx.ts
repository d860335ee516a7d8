/**
 * IDX files (LeCun's MNIST format), gzipped or not: a 4-byte magic (0, 0, element type, number of dimensions), the
 * dimensions as big-endian uint32, then the values, big-endian. Every problem names the file, what was expected and
 * what was found.
 */
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { InputError } from '../core/errors.ts';
import type { ImageSet } from './image-set.ts';

export interface IdxArray {
  dims: number[];
  /** the values in file order; unsigned bytes are read as numbers 0…255 */
  data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

const TYPES: Record<number, { name: string; bytes: number }> = {
  0x08: { name: 'unsigned byte', bytes: 1 },
  0x09: { name: 'signed byte', bytes: 1 },
  0x0b: { name: 'short', bytes: 2 },
  0x0c: { name: 'int', bytes: 4 },
  0x0d: { name: 'float', bytes: 4 },
  0x0e: { name: 'double', bytes: 8 },
};

/** Reads an IDX file (gunzipped first when it starts with gzip's magic). */
export async function readIdx(path: string): Promise<IdxArray> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ENOENT') throw new InputError(`IDX file '${path}' does not exist.`, { cause: error });
    if (code === 'EISDIR') throw new InputError(`'${path}' is a folder, not an IDX file.`, { cause: error });
    throw new InputError(`Cannot read the IDX file '${path}': ${(error as Error).message}`, { cause: error });
  }
  return decodeIdx(bytes, path);
}

/** Decodes the bytes of an IDX file; `source` names it in errors. */
export function decodeIdx(raw: Uint8Array, source: string): IdxArray {
  let bytes = raw;
  if (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      bytes = gunzipSync(raw);
    } catch (error) {
      throw new InputError(`IDX file '${source}' is gzip-compressed but cannot be decompressed (${(error as Error).message}); the file is probably truncated.`, { cause: error });
    }
  }
  if (bytes.length < 4) throw new InputError(`IDX file '${source}' is truncated: expected a 4-byte header, found ${bytes.length} bytes.`);
  const type = TYPES[bytes[2]!];
  if (bytes[0] !== 0 || bytes[1] !== 0 || type === undefined || bytes[3] === 0) {
    const magic = [...bytes.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new InputError(`'${source}' is not an IDX file: expected the magic 00 00 <type 08|09|0b|0c|0d|0e> <dimensions ≥ 1>, found ${magic}.`);
  }
  const rank = bytes[3]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) {
    throw new InputError(`IDX file '${source}' is truncated: expected ${headerBytes} header bytes for ${rank} dimensions, found ${bytes.length}.`);
  }
  const dims: number[] = [];
  for (let k = 0; k < rank; k++) dims.push(view.getUint32(4 + 4 * k, false));
  const count = dims.reduce((a, b) => a * b, 1);
  const expected = headerBytes + count * type.bytes;
  if (bytes.length < expected) {
    throw new InputError(
      `IDX file '${source}' is truncated: its header says ${dims.join(' × ')} ${type.name} values (${expected} bytes), ` +
      `but the file has ${bytes.length} bytes.`,
    );
  }
  const at = headerBytes;
  let data: IdxArray['data'];
  switch (bytes[2]) {
    case 0x08: data = bytes.slice(at, at + count); break;
    // a copy of just these bytes: a Buffer's slice is a view, and its .buffer the whole (larger) allocation behind it
    case 0x09: data = new Int8Array(bytes.buffer, bytes.byteOffset + at, count).slice(); break;
    case 0x0b: data = Int16Array.from({ length: count }, (_, i) => view.getInt16(at + 2 * i, false)); break;
    case 0x0c: data = Int32Array.from({ length: count }, (_, i) => view.getInt32(at + 4 * i, false)); break;
    case 0x0d: data = Float32Array.from({ length: count }, (_, i) => view.getFloat32(at + 4 * i, false)); break;
    default: data = Float64Array.from({ length: count }, (_, i) => view.getFloat64(at + 8 * i, false)); break;
  }
  return { dims, data };
}

/**
 * An IDX image file as an image set: dimensions N × H × W (grayscale) or N × H × W × C (channels last in the file,
 * moved to NCHW). Unsigned bytes are scaled to [0, 1]; other types are taken as they are.
 */
export async function readIdxImages(path: string): Promise<ImageSet> {
  const { dims, data } = await readIdx(path);
  if (dims.length !== 3 && dims.length !== 4) {
    throw new InputError(`IDX file '${path}' holds an array of ${dims.length} dimensions (${dims.join(' × ')}); images need 3 (N × H × W) or 4 (N × H × W × C).`);
  }
  const [count, height, width] = dims as [number, number, number];
  const channels = dims[3] ?? 1;
  // Images of zero pixels hold no data, so the size check cannot bound N: 2^31 − 1 of them made the loops and names
  // below run for minutes (found by fuzzing).
  if (count > 0 && height * width * channels === 0) {
    throw new InputError(`IDX file '${path}' declares ${dims.join(' × ')}: ${count} images of no pixels. Height, width and channels must be at least 1.`);
  }
  const out = new Float32Array(count * channels * height * width);
  const scale = data instanceof Uint8Array ? 1 / 255 : 1;
  const plane = height * width;
  for (let n = 0; n < count; n++) {
    for (let p = 0; p < plane; p++) {
      for (let c = 0; c < channels; c++) out[(n * channels + c) * plane + p] = data[(n * plane + p) * channels + c]! * scale;
    }
  }
  const base = path.replace(/^.*[\\/]/, '');
  return { count, channels, height, width, data: out, names: Array.from({ length: count }, (_, i) => `${base}#${i}`) };
}

/** An IDX label file (N values) as integers. */
export async function readIdxLabels(path: string): Promise<Int32Array> {
  const { dims, data } = await readIdx(path);
  if (dims.length !== 1) throw new InputError(`IDX file '${path}' holds ${dims.join(' × ')} values; a label file has one dimension.`);
  return Int32Array.from(data as ArrayLike<number>);
}

/** Whether a path names an IDX file by its extension (…-idx3-ubyte, .idx, optionally .gz). */
export function looksLikeIdx(path: string): boolean {
  return /(idx\d?-ubyte|\.idx\d?)(\.gz)?$/i.test(path) || /-ubyte(\.gz)?$/i.test(path);
}
