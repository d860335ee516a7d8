/**
 * Shared by the data-layer tests: fixture files written to a fresh temporary folder (never into the repository),
 * removed when the process ends.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

let folder: string | undefined;

function fixtureFolder(): string {
  if (folder === undefined) {
    folder = mkdtempSync(join(tmpdir(), 'dadkit-data-'));
    const made = folder;
    process.once('exit', () => rmSync(made, { recursive: true, force: true }));
  }
  return folder;
}

/** Writes `content` to a file of that name in the fixture folder (gzipped when `gzip`) and returns its path. */
export function writeFixture(name: string, content: string | Uint8Array, options: { gzip?: boolean } = {}): string {
  const path = join(fixtureFolder(), name);
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  writeFileSync(path, options.gzip ? gzipSync(bytes) : bytes);
  return path;
}

/** The bytes of a .npy file (format version 1 unless `version` says otherwise) holding `values` as `descr`. */
export function npyBytes(descr: string, shape: number[], values: ArrayLike<number> | Uint8Array, options: { version?: 1 | 2 | 3; fortran?: boolean } = {}): Uint8Array {
  const version = options.version ?? 1;
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': ${options.fortran ? 'True' : 'False'}, 'shape': ${shapeText}, }`;
  const prefix = version === 1 ? 10 : 12;
  const total = Math.ceil((prefix + header.length + 1) / 64) * 64;
  header = header.padEnd(total - prefix - 1, ' ') + '\n';
  const body = values instanceof Uint8Array ? values : encodeValues(descr, values);
  const out = new Uint8Array(prefix + header.length + body.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  out.set(Buffer.from(header, 'latin1'), prefix);
  out.set(body, prefix + header.length);
  return out;
}

function encodeValues(descr: string, values: ArrayLike<number>): Uint8Array {
  const little = !descr.startsWith('>');
  const code = descr.replace(/^[<>|=]/, '');
  const size = Number(code.slice(1));
  const bytes = new Uint8Array(values.length * size);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    const o = i * size;
    switch (code) {
      case 'f8': view.setFloat64(o, v, little); break;
      case 'f4': view.setFloat32(o, v, little); break;
      case 'i8': view.setBigInt64(o, BigInt(v), little); break;
      case 'i4': view.setInt32(o, v, little); break;
      case 'i2': view.setInt16(o, v, little); break;
      case 'u1': view.setUint8(o, v); break;
      case 'b1': view.setUint8(o, v ? 1 : 0); break;
      default: throw new Error(`npyBytes: no encoder for ${descr}`);
    }
  }
  return bytes;
}
