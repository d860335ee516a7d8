/**
 * The IDX reader (src/images/idx.ts: MNIST's format) as a fuzz target; loaded by targets.ts only when that reader
 * exists. Inputs: arbitrary bytes, headers of every element type with random and huge dimensions, and valid small
 * image and label files mutated.
 */
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { decodeIdx, readIdxImages, readIdxLabels } from '../../src/images/idx.ts';
import { generatedBytes, inputMix, malformed, mutatedFrom, randomBytes, type FuzzTarget } from './harness.ts';

const folder = mkdtempSync(join(tmpdir(), 'dadkit-fuzz-idx-'));
process.once('exit', () => rmSync(folder, { recursive: true, force: true }));

const TYPES = [0x08, 0x09, 0x0b, 0x0c, 0x0d, 0x0e];
const SIZE: Record<number, number> = { 0x08: 1, 0x09: 1, 0x0b: 2, 0x0c: 4, 0x0d: 4, 0x0e: 8 };

function idxBytes(type: number, dims: number[], data: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  out.set([0, 0, type, dims.length]);
  const view = new DataView(out.buffer);
  dims.forEach((d, k) => view.setUint32(4 + 4 * k, d >>> 0, false));
  out.set(data, 4 + 4 * dims.length);
  return out;
}

const header = fc.record({
  type: fc.oneof(fc.constantFrom(...TYPES), fc.nat(255)),
  dims: fc.array(fc.oneof({ arbitrary: fc.nat(5), weight: 4 }, { arbitrary: fc.constantFrom(60000, 0x7fffffff, 0xffffffff, 1 << 20), weight: 1 }), { maxLength: 5 }),
  data: fc.uint8Array({ maxLength: 256 }),
}).map(({ type, dims, data }) => idxBytes(type, dims, data));

function seeds(): Uint8Array[] {
  const images = idxBytes(0x08, [3, 4, 4], Uint8Array.from({ length: 48 }, (_, i) => (i * 17) % 256));
  const color = idxBytes(0x0d, [2, 2, 2, 3], new Uint8Array(24 * SIZE[0x0d]!).fill(0x3f));
  const labels = idxBytes(0x08, [5], Uint8Array.from([0, 1, 2, 3, 4]));
  return [images, color, labels, gzipSync(images)];
}

export const idxTarget: FuzzTarget = {
  name: 'idx',
  reads: 'IDX files, plain or gzip (src/images decodeIdx, readIdxImages, readIdxLabels)',
  async inputs() {
    return inputMix(randomBytes([new Uint8Array(0), new Uint8Array([0, 0, 8, 3]), new Uint8Array([0x1f, 0x8b])]), generatedBytes(header), mutatedFrom(seeds()));
  },
  async read(input) {
    const array = decodeIdx(input.bytes, 'input.idx');
    malformed(array.data.length === array.dims.reduce((a, b) => a * b, 1), `IDX data holds ${array.data.length} values for ${array.dims.join(' × ')}`);
    const path = join(folder, 'input-idx3-ubyte');
    writeFileSync(path, input.bytes);
    if (array.dims.length === 1) {
      const labels = await readIdxLabels(path);
      malformed(labels.length === array.dims[0], 'labels and the declared count differ');
    } else {
      const set = await readIdxImages(path);
      malformed(set.data.length === set.count * set.channels * set.height * set.width, 'image data does not fit count × channels × height × width');
    }
  },
};
