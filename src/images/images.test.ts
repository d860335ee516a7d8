/** Image input: IDX files (plain, gzipped, damaged), folders of PNG / JPEG, resizing, contrast normalisation. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, describe, it } from 'node:test';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { InputError } from '../core/errors.ts';
import { globalContrastNormalize, minMaxScale, normalizeImages, readIdxImages, readIdxLabels, readImageFolder, readImages, resizePlane, valueRange } from './index.ts';

const dir = mkdtempSync(join(tmpdir(), 'dadkit-images-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** An IDX file of unsigned bytes with the given dimensions. */
function idxBytes(dims: number[], values: number[]): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header[2] = 0x08;
  header[3] = dims.length;
  dims.forEach((d, k) => header.writeUInt32BE(d, 4 + 4 * k));
  return Buffer.concat([header, Buffer.from(values)]);
}

function pngBytes(width: number, height: number, pixel: (x: number, y: number) => [number, number, number]): Buffer {
  const png = new PNG({ width, height });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b] = pixel(x, y);
      const i = 4 * (y * width + x);
      png.data[i] = r; png.data[i + 1] = g; png.data[i + 2] = b; png.data[i + 3] = 255;
    }
  }
  return PNG.sync.write(png);
}

describe('IDX reader', () => {
  const values = Array.from({ length: 2 * 3 * 4 }, (_, i) => i * 10);
  it('reads N × H × W unsigned bytes, plain or gzipped, scaled to [0, 1] in NCHW order', async () => {
    writeFileSync(join(dir, 'a-idx3-ubyte'), idxBytes([2, 3, 4], values));
    writeFileSync(join(dir, 'a-idx3-ubyte.gz'), gzipSync(idxBytes([2, 3, 4], values)));
    for (const name of ['a-idx3-ubyte', 'a-idx3-ubyte.gz']) {
      const set = await readIdxImages(join(dir, name));
      assert.deepEqual([set.count, set.channels, set.height, set.width], [2, 1, 3, 4]);
      assert.ok(Math.abs(set.data[5]! - 50 / 255) < 1e-7);
      assert.equal(set.names[1], `${name}#1`);
    }
  });
  it('reads labels', async () => {
    writeFileSync(join(dir, 'l-idx1-ubyte'), idxBytes([3], [7, 0, 9]));
    assert.deepEqual([...await readIdxLabels(join(dir, 'l-idx1-ubyte'))], [7, 0, 9]);
  });
  it('rejects a bad magic, naming the file, the expectation and the bytes found', async () => {
    writeFileSync(join(dir, 'bad.idx'), Buffer.from([0x50, 0x4b, 3, 4, 0, 0, 0, 1]));
    await assert.rejects(readIdxImages(join(dir, 'bad.idx')), (e: Error) => e instanceof InputError && /bad\.idx' is not an IDX file: expected the magic 00 00 .* found 50 4b 03 04/.test(e.message));
  });
  it('rejects a truncated file with the expected and actual sizes', async () => {
    const full = idxBytes([2, 3, 4], values);
    writeFileSync(join(dir, 'cut-idx3-ubyte'), full.subarray(0, full.length - 5));
    await assert.rejects(readIdxImages(join(dir, 'cut-idx3-ubyte')), (e: Error) => e instanceof InputError && /cut-idx3-ubyte' is truncated: its header says 2 × 3 × 4 unsigned byte values \(40 bytes\), but the file has 35 bytes/.test(e.message));
    writeFileSync(join(dir, 'cut2.gz'), gzipSync(full).subarray(0, 20));
    await assert.rejects(readIdxImages(join(dir, 'cut2.gz')), /cut2\.gz' is gzip-compressed but cannot be decompressed/);
    writeFileSync(join(dir, 'hdr.idx'), full.subarray(0, 9));
    await assert.rejects(readIdxImages(join(dir, 'hdr.idx')), /truncated: expected 16 header bytes for 3 dimensions, found 9/);
  });
  it('names a missing file', async () => {
    await assert.rejects(readIdxImages(join(dir, 'nope.idx')), /nope\.idx' does not exist/);
  });
});

describe('folder reader', () => {
  const folder = join(dir, 'mixed');
  mkdirSync(folder);
  writeFileSync(join(folder, 'a.png'), pngBytes(4, 4, (x) => [x * 60, x * 60, x * 60]));
  const rgba = new Uint8Array(4 * 4 * 4).fill(255);
  writeFileSync(join(folder, 'b.jpg'), jpeg.encode({ data: rgba, width: 4, height: 4 }, 95).data);
  writeFileSync(join(folder, 'notes.txt'), 'not an image');

  it('reads PNG and JPEG files in name order, ignoring other files; gray images give one channel', async () => {
    const set = await readImageFolder(folder);
    assert.deepEqual([set.count, set.channels, set.height, set.width], [2, 1, 4, 4]);
    assert.deepEqual(set.names.map((n) => n.replace(/^.*[\\/]/, '')), ['a.png', 'b.jpg']);
    assert.ok(Math.abs(set.data[3]! - 180 / 255) < 0.01);
    assert.ok(set.data[16]! > 0.97, 'the white JPEG reads as ≈ 1');
  });
  it('resizes to --size and reads RGB when asked', async () => {
    const set = await readImageFolder(folder, { size: 2, grayscale: false });
    assert.deepEqual([set.count, set.channels, set.height, set.width], [2, 3, 2, 2]);
  });
  it('explains a size mismatch, a folder without images, an undecodable image and a missing folder', async () => {
    const odd = join(dir, 'odd');
    mkdirSync(odd);
    writeFileSync(join(odd, 'a.png'), pngBytes(4, 4, () => [0, 0, 0]));
    writeFileSync(join(odd, 'b.png'), pngBytes(6, 5, () => [0, 0, 0]));
    await assert.rejects(readImageFolder(odd), /Images differ in size: '.*a\.png' is 4×4 but '.*b\.png' is 6×5\. Give a size/);
    assert.equal((await readImageFolder(odd, { size: 4 })).count, 2);
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    writeFileSync(join(empty, 'x.csv'), '1,2');
    await assert.rejects(readImageFolder(empty), (e: Error) => e instanceof InputError && /holds no images/.test(e.message));
    const broken = join(dir, 'broken');
    mkdirSync(broken);
    writeFileSync(join(broken, 'c.png'), Buffer.from('hello'));
    await assert.rejects(readImageFolder(broken), /Image '.*c\.png' cannot be decoded/);
    writeFileSync(join(broken, 'c.png'), pngBytes(4, 4, () => [1, 2, 3]).subarray(0, 40));
    await assert.rejects(readImageFolder(broken), /Image '.*c\.png' cannot be decoded as PNG/);
    await assert.rejects(readImages(join(dir, 'absent')), /does not exist/);
  });
});

describe('resize and normalisation', () => {
  it('area-averages when shrinking and interpolates when enlarging', () => {
    assert.deepEqual([...resizePlane([1, 3, 5, 7], 2, 2, 1, 1)], [4]);
    const row = resizePlane([0, 1], 1, 2, 1, 4);
    assert.deepEqual([...row].map((v) => Math.round(v * 100) / 100), [0, 0.25, 0.75, 1]);
    assert.deepEqual([...resizePlane([2, 2, 4, 4, 6, 6], 1, 6, 1, 3)], [2, 4, 6]);
  });
  it('global contrast normalisation (l1): zero mean, unit mean absolute deviation per image; flat images stay finite', () => {
    const g = globalContrastNormalize(Float32Array.from([1, 2, 3, 6, 5, 5, 5, 5]), 4, 'l1');
    const first = [...g.subarray(0, 4)];
    assert.ok(Math.abs(first.reduce((a, b) => a + b, 0)) < 1e-6);
    assert.ok(Math.abs(first.reduce((a, b) => a + Math.abs(b), 0) / 4 - 1) < 1e-6);
    assert.deepEqual([...g.subarray(4)], [0, 0, 0, 0]);
    const { min, max } = valueRange(g);
    const s = minMaxScale(g, min, max);
    assert.equal(valueRange(s).min, 0);
    assert.ok(Math.abs(valueRange(s).max - 1) < 1e-6);
  });
  it('normalizeImages: GCN then min-max over the set', () => {
    const set = normalizeImages({ count: 2, channels: 1, height: 1, width: 3, data: Float32Array.from([0, 1, 2, 5, 5, 9]), names: ['a', 'b'] });
    assert.equal(valueRange(set.data).min, 0);
    assert.ok(Math.abs(valueRange(set.data).max - 1) < 1e-6);
  });
});
