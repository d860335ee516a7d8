import { createHash } from 'node:crypto';
import { ModelFileError } from '../core/errors.ts';

/**
 * The safetensors layout (huggingface/safetensors, format docs): an 8-byte little-endian header length N, N bytes of
 * JSON header {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {string: string}}, then the raw
 * little-endian tensor bytes, offsets relative to the start of that data section. Any safetensors reader opens the
 * arrays of a dadkit model; nothing in the file is ever executed, only parsed and bounds-checked.
 *
 * Alignment: the header is padded with spaces to a multiple of 8 and tensors are laid out widest element first
 * (as the reference writer does), so every tensor starts at a multiple of its element size and the reader can hand out
 * typed-array views of the file's bytes instead of copies — a 100 MB model costs 100 MB once loaded, not 200.
 */

export type TensorArray = Float64Array | Float32Array | Int32Array | Uint8Array;
export const DTYPES = ['F64', 'F32', 'I32', 'U8'] as const;
export type DType = (typeof DTYPES)[number];

const ELEMENT_SIZE: Record<DType, number> = { F64: 8, F32: 4, I32: 4, U8: 1 };
/** The reference implementation refuses headers above 100 MB too; it bounds what a hostile file can make us parse. */
export const MAX_HEADER_BYTES = 100_000_000;
const METADATA_KEY = '__metadata__';

// Typed arrays use the platform's byte order; the format is little-endian. Every platform Node supports today is.
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export interface TensorEntry {
  name: string;
  dtype: DType;
  shape: number[];
  array: TensorArray;
}

export function dtypeOf(array: TensorArray): DType {
  if (array instanceof Float64Array) return 'F64';
  if (array instanceof Float32Array) return 'F32';
  if (array instanceof Int32Array) return 'I32';
  if (array instanceof Uint8Array) return 'U8';
  throw new ModelFileError(`Cannot store an array of type ${Object.prototype.toString.call(array)}: model files hold Float64Array, Float32Array, Int32Array or Uint8Array.`);
}

/** The arrays in file order (widest element first, then by name) with their dtypes and 1-D shapes. */
export function layoutTensors(arrays: Record<string, TensorArray>): TensorEntry[] {
  const entries = Object.entries(arrays).map(([name, array]) => {
    if (name === METADATA_KEY) throw new ModelFileError(`Cannot store an array named '${METADATA_KEY}': the name is reserved by the safetensors format.`);
    const dtype = dtypeOf(array);
    return { name, dtype, shape: [array.length], array };
  });
  return entries.sort((a, b) => ELEMENT_SIZE[b.dtype] - ELEMENT_SIZE[a.dtype] || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** sha256 (hex) of the data section the entries make, hashed straight from the arrays' memory. */
export function dataSha256(entries: readonly TensorEntry[]): string {
  requireLittleEndian();
  const hash = createHash('sha256');
  for (const e of entries) hash.update(bytesOf(e.array));
  return hash.digest('hex');
}

/**
 * The whole file as one buffer. One allocation and one copy of each array, made synchronously: the arrays cannot
 * change between the checksum and the bytes (an online detector may learn between two awaits of a slow write).
 */
export function encodeSafetensors(entries: readonly TensorEntry[], metadata: Record<string, string>): Uint8Array {
  requireLittleEndian();
  const header: Record<string, unknown> = { [METADATA_KEY]: metadata };
  let offset = 0;
  for (const e of entries) {
    const end = offset + e.array.byteLength;
    header[e.name] = { dtype: e.dtype, shape: e.shape, data_offsets: [offset, end] };
    offset = end;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + padded + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(padded), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + padded);
  let p = 8 + padded;
  for (const e of entries) {
    out.set(bytesOf(e.array), p);
    p += e.array.byteLength;
  }
  return out;
}

export interface SafetensorsHeader {
  /** the parsed header object (tensor entries and metadata), not yet checked beyond being an object */
  header: Record<string, unknown>;
  metadata: Record<string, unknown> | undefined;
  /** the bytes after the header */
  data: Uint8Array;
}

/** Reads the length prefix and the header JSON; says whether a failure looks like truncation or a foreign file. */
export function readHeader(bytes: Uint8Array, source: string): SafetensorsHeader {
  const notModel = `'${source}' is not a dadkit model file: it does not start with a safetensors header`;
  if (bytes.length < 10) throw new ModelFileError(`${notModel} (it has only ${bytes.length} bytes).`);
  const length = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  const startsLikeJson = bytes[8] === 0x7b; // '{'
  if (!startsLikeJson || length < 2n || length > BigInt(MAX_HEADER_BYTES)) throw new ModelFileError(`${notModel}.`);
  const n = Number(length);
  if (8 + n > bytes.length) {
    throw new ModelFileError(`'${source}' is truncated: its header is ${n} bytes long but only ${bytes.length - 8} bytes follow the length field.`);
  }
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n)));
  } catch (error) {
    throw new ModelFileError(`'${source}' is damaged: its header is not valid JSON (${(error as Error).message}).`, { cause: error });
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) {
    throw new ModelFileError(`'${source}' is damaged: its header is JSON but not an object.`);
  }
  const record = header as Record<string, unknown>;
  const metadata = record[METADATA_KEY];
  return {
    header: record,
    metadata: metadata !== null && typeof metadata === 'object' && !Array.isArray(metadata) ? (metadata as Record<string, unknown>) : undefined,
    data: bytes.subarray(8 + n),
  };
}

/**
 * Checks every tensor entry — known dtype, integer shape, offsets inside the data section, byte length = shape
 * product × element size, no overlaps, no bytes unaccounted for — and returns the arrays, as views where aligned.
 */
export function readTensors(parsed: SafetensorsHeader, source: string): TensorEntry[] {
  requireLittleEndian();
  const { header, data } = parsed;
  const damaged = (what: string): never => {
    throw new ModelFileError(`'${source}' is damaged: ${what}.`);
  };
  const spans: { name: string; begin: number; end: number; dtype: DType; shape: number[] }[] = [];
  for (const [name, value] of Object.entries(header)) {
    if (name === METADATA_KEY) continue;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) damaged(`tensor '${name}' has no {dtype, shape, data_offsets} entry`);
    const entry = value as Record<string, unknown>;
    const extra = Object.keys(entry).filter((k) => k !== 'dtype' && k !== 'shape' && k !== 'data_offsets');
    if (extra.length > 0) damaged(`tensor '${name}' has unexpected field${extra.length > 1 ? 's' : ''} ${extra.map((k) => `'${k}'`).join(', ')}`);
    const dtype = entry.dtype;
    if (typeof dtype !== 'string' || !(DTYPES as readonly string[]).includes(dtype)) {
      damaged(`tensor '${name}' has dtype ${JSON.stringify(dtype)}; dadkit reads ${DTYPES.join(', ')}`);
    }
    const shape = entry.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      damaged(`tensor '${name}' has shape ${JSON.stringify(shape)}; expected a list of non-negative integers`);
    }
    const offsets = entry.data_offsets;
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) || offsets[0] > offsets[1]) {
      damaged(`tensor '${name}' has data_offsets ${JSON.stringify(offsets)}; expected [begin, end] with 0 ≤ begin ≤ end`);
    }
    const [begin, end] = offsets as [number, number];
    const size = ELEMENT_SIZE[dtype as DType];
    const count = (shape as number[]).reduce((a, b) => a * b, 1);
    if (count * size !== end - begin) {
      damaged(`tensor '${name}' of shape [${(shape as number[]).join(', ')}] and dtype ${dtype} needs ${count * size} bytes, but its offsets span ${end - begin}`);
    }
    spans.push({ name, begin, end, dtype: dtype as DType, shape: shape as number[] });
  }
  spans.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  for (const s of spans) {
    if (s.end > data.length) {
      throw new ModelFileError(`'${source}' is truncated: tensor '${s.name}' ends at byte ${s.end} of the data section, which holds only ${data.length} bytes.`);
    }
    if (s.begin < covered) damaged(`tensor '${s.name}' overlaps the tensor before it`);
    if (s.begin > covered) damaged(`${s.begin - covered} bytes before tensor '${s.name}' belong to no tensor`);
    covered = s.end;
  }
  if (covered !== data.length) damaged(`${data.length - covered} bytes after the last tensor belong to no tensor`);
  return spans.map((s) => ({ name: s.name, dtype: s.dtype, shape: s.shape, array: arrayAt(data, s.begin, s.end, s.dtype) }));
}

export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function arrayAt(data: Uint8Array, begin: number, end: number, dtype: DType): TensorArray {
  const at = data.byteOffset + begin;
  const count = (end - begin) / ELEMENT_SIZE[dtype];
  // A view when aligned (files we write always are, if the buffer itself starts aligned); otherwise one copy.
  const aligned = at % ELEMENT_SIZE[dtype] === 0;
  const buffer = aligned ? data.buffer : data.slice(begin, end).buffer;
  const offset = aligned ? at : 0;
  switch (dtype) {
    case 'F64':
      return new Float64Array(buffer, offset, count);
    case 'F32':
      return new Float32Array(buffer, offset, count);
    case 'I32':
      return new Int32Array(buffer, offset, count);
    case 'U8':
      return new Uint8Array(buffer, offset, count);
  }
}

function bytesOf(array: TensorArray): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

function requireLittleEndian(): void {
  if (!LITTLE_ENDIAN) throw new ModelFileError('Model files are little-endian and this platform is big-endian; dadkit does not support it yet.');
}
