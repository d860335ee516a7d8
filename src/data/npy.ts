import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { InputError } from '../core/errors.ts';
import { fileOpenError, isGzip } from './lines.ts';

/**
 * NumPy .npy arrays (format versions 1, 2 and 3), plain or gzip (.npy.gz, as the NASA SMAP / MSL telemetry ships).
 * Numbers of any common dtype become float64; the result is always 2-D and C-ordered: a 1-D array is one column,
 * a Fortran-ordered array is transposed into row-major order, and arrays of more dimensions are refused unless
 * `flatten` is asked (then each first-axis entry becomes one row).
 * Spec: numpy/lib/format.py (NEP 1).
 */

export interface NpyArray {
  /** [rows, cols] of `data` */
  shape: [number, number];
  /** the shape stored in the file */
  storedShape: number[];
  /** the dtype string stored in the file, e.g. '<f8' */
  dtype: string;
  /** row-major values */
  data: Float64Array;
}

export interface NpyReadOptions {
  /** accept arrays of 3 or more dimensions, as shape[0] × (product of the rest) */
  flatten?: boolean;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

export async function readNpy(input: string | Uint8Array, options: NpyReadOptions = {}): Promise<NpyArray> {
  if (typeof input !== 'string') return parseNpy(input, 'the .npy buffer', options);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(input);
  } catch (error) {
    throw fileOpenError(input, error);
  }
  return parseNpy(bytes, input, options);
}

/** Parses .npy bytes (gunzipping first when they are gzip). `source` names them in messages. */
export function parseNpy(input: Uint8Array, source: string, options: NpyReadOptions = {}): NpyArray {
  let bytes = input;
  if (isGzip(bytes)) {
    try {
      bytes = gunzipSync(bytes);
    } catch (error) {
      throw new InputError(`${source} is not a valid gzip file (damaged or truncated): ${(error as Error).message}`, { cause: error });
    }
  }
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new InputError(`${source} is not a NumPy .npy file: it does not start with the bytes '\\x93NUMPY'.`);
  }
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLength: number;
  let headerStart: number;
  if (major === 1) {
    headerLength = view.getUint16(8, true);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw new InputError(`${source} is truncated: its .npy header is incomplete.`);
    headerLength = view.getUint32(8, true);
    headerStart = 12;
  } else {
    throw new InputError(`${source} is a .npy file of format version ${major}; versions 1, 2 and 3 are supported.`);
  }
  const dataStart = headerStart + headerLength;
  if (dataStart > bytes.length) throw new InputError(`${source} is truncated: its .npy header claims ${headerLength} bytes but the file ends before.`);
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, dataStart));

  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined) {
    const structured = /'descr'\s*:\s*\[/.test(header);
    throw new InputError(`${source}: ${structured ? 'structured (record) arrays are not supported; save a plain numeric array' : `the .npy header has no readable dtype: ${header.trim()}`}.`);
  }
  if (fortran === undefined || shapeText === undefined) throw new InputError(`${source}: the .npy header is damaged: ${header.trim()}`);
  const storedShape = shapeText.split(',').map((s) => s.trim()).filter((s) => s.length > 0).map(Number);
  if (storedShape.some((s) => !Number.isInteger(s) || s < 0)) throw new InputError(`${source}: the .npy header has a bad shape (${shapeText}).`);

  const type = dtypeReader(descr, source);
  const count = storedShape.reduce((a, b) => a * b, 1);
  const needed = count * type.size;
  const available = bytes.length - dataStart;
  if (available < needed) {
    throw new InputError(`${source} is truncated: shape (${storedShape.join(', ')}) of ${descr} needs ${needed} bytes of data; the file has ${available}.`);
  }

  let rows: number;
  let cols: number;
  if (storedShape.length === 0) throw new InputError(`${source} holds a single number (a 0-d array), not a table or a series.`);
  if (storedShape.length === 1) [rows, cols] = [storedShape[0]!, 1];
  else if (storedShape.length === 2) [rows, cols] = [storedShape[0]!, storedShape[1]!];
  else if (options.flatten) [rows, cols] = [storedShape[0]!, count / Math.max(1, storedShape[0]!)];
  else throw new InputError(`${source} is a ${storedShape.length}-D array of shape (${storedShape.join(', ')}); only 1-D and 2-D arrays are read (ask for flatten to read each first-axis entry as one row).`);
  if (storedShape[0] === 0) rows = 0;

  const values = new Float64Array(count);
  const dataView = new DataView(bytes.buffer, bytes.byteOffset + dataStart, needed);
  for (let i = 0; i < count; i++) values[i] = type.read(dataView, i * type.size);

  let data: Float64Array = values;
  if (fortran === 'True' && storedShape.length >= 2) data = fortranToC(values, storedShape);
  return { shape: [rows, cols], storedShape, dtype: descr, data };
}

/** Reorders a Fortran-ordered array (first index fastest) into C order (last index fastest). */
function fortranToC(values: Float64Array, shape: readonly number[]): Float64Array {
  const out = new Float64Array(values.length);
  const dims = shape.length;
  const fortranStride = new Array<number>(dims);
  for (let k = 0, s = 1; k < dims; k++) {
    fortranStride[k] = s;
    s *= shape[k]!;
  }
  const index = new Array<number>(dims).fill(0);
  let offset = 0;
  for (let p = 0; p < out.length; p++) {
    out[p] = values[offset]!;
    // advance the C-order multi-index (last axis fastest), keeping the Fortran offset in step
    for (let k = dims - 1; k >= 0; k--) {
      index[k]! += 1;
      offset += fortranStride[k]!;
      if (index[k]! < shape[k]!) break;
      offset -= fortranStride[k]! * shape[k]!;
      index[k] = 0;
    }
  }
  return out;
}

interface DtypeReader {
  size: number;
  read(view: DataView, offset: number): number;
}

function dtypeReader(descr: string, source: string): DtypeReader {
  const m = /^([<>|=]?)([fiub])(\d+)$/.exec(descr);
  const unsupported = (): InputError =>
    new InputError(`${source}: dtype '${descr}' is not supported; numbers of dtype float (f2, f4, f8), int (i1–i8), uint (u1–u8) or bool (b1) are.`);
  if (!m) throw unsupported();
  const order = m[1]!;
  const kind = m[2]!;
  const size = Number(m[3]);
  // '=' is the writer's native order; numpy writes '<' or '>' for multi-byte types on every platform we know of.
  const little = order !== '>';
  switch (`${kind}${size}`) {
    case 'f2': return { size, read: (v, o) => half(v.getUint16(o, little)) };
    case 'f4': return { size, read: (v, o) => v.getFloat32(o, little) };
    case 'f8': return { size, read: (v, o) => v.getFloat64(o, little) };
    case 'i1': return { size, read: (v, o) => v.getInt8(o) };
    case 'i2': return { size, read: (v, o) => v.getInt16(o, little) };
    case 'i4': return { size, read: (v, o) => v.getInt32(o, little) };
    case 'i8': return { size, read: (v, o) => Number(v.getBigInt64(o, little)) };
    case 'u1': return { size, read: (v, o) => v.getUint8(o) };
    case 'u2': return { size, read: (v, o) => v.getUint16(o, little) };
    case 'u4': return { size, read: (v, o) => v.getUint32(o, little) };
    case 'u8': return { size, read: (v, o) => Number(v.getBigUint64(o, little)) };
    case 'b1': return { size, read: (v, o) => (v.getUint8(o) === 0 ? 0 : 1) };
    default: throw unsupported();
  }
}

/** IEEE 754 half precision to a number. */
function half(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction === 0 ? sign * Infinity : Number.NaN;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}
