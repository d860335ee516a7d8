import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ModelFileError } from '../core/errors.ts';
import { createMatrix, type Matrix } from '../core/matrix.ts';
import { Rng } from '../core/rng.ts';
import '../detectors/builtins.ts';
import { HBOS } from '../detectors/tabular/hbos.ts';
import { decodeModel, encodeModel, encodeModelFile, FORMAT_VERSION, loadModel, saveModel, type ManifestFields } from './index.ts';

const folder = await mkdtemp(join(tmpdir(), 'dadkit-model-io-'));
after(() => rm(folder, { recursive: true, force: true }));

function gaussian(rows: number, cols: number, seed: number): Matrix {
  const rng = new Rng(seed);
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = rng.normal();
  return createMatrix(rows, cols, data);
}

const train = gaussian(300, 5, 1);
const test_ = gaussian(50, 5, 2);
const fitted = new HBOS({ bins: 12, contamination: 0.05 }).fit(train);
const good = encodeModel(fitted, { preprocessing: { scale: 'minmax', columns: ['a', 'b'] }, meta: { dataset: 'gaussian' } });

const fails = (pattern: RegExp) => (error: unknown) => {
  assert.ok(error instanceof ModelFileError, `expected a ModelFileError, got ${String(error)}`);
  assert.match(error.message, pattern);
  return true;
};

/** The byte offset where the header JSON ends and the data section starts. */
function dataStart(bytes: Uint8Array): number {
  return 8 + Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
}

test('save → load gives the same detector: scores, labels, threshold, extras', async () => {
  const path = join(folder, 'hbos.dad');
  await saveModel(path, fitted, { preprocessing: { scale: 'minmax' }, meta: { note: 'round trip' } });
  const loaded = await loadModel(path);
  assert.ok(loaded.detector instanceof HBOS);
  assert.deepEqual(loaded.detector.score(test_), fitted.score(test_));
  assert.deepEqual(loaded.detector.predict(test_), fitted.predict(test_));
  assert.equal(loaded.detector.threshold, fitted.threshold);
  assert.deepEqual(loaded.detector.options, fitted.options);
  assert.deepEqual(loaded.detector.trainingScores, fitted.trainingScores);
  assert.deepEqual(loaded.preprocessing, { scale: 'minmax' });
  assert.deepEqual(loaded.meta, { note: 'round trip' });
  assert.equal(loaded.manifest.formatVersion, FORMAT_VERSION);
  assert.equal(loaded.manifest.detector, 'hbos');
  assert.match(loaded.manifest.createdBy, /^dadkit \d+\.\d+\.\d+/);
  // Saving the loaded model again gives the same bytes: nothing is lost or reinterpreted on the way.
  assert.deepEqual(encodeModel(loaded.detector, { preprocessing: { scale: 'minmax' }, meta: { note: 'round trip' } }), new Uint8Array(await readFile(path)));
});

test('the file is plain safetensors: length prefix, aligned JSON header, arrays in dtype order', () => {
  const start = dataStart(good);
  assert.equal((start - 8) % 8, 0);
  const header = JSON.parse(new TextDecoder().decode(good.subarray(8, start))) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  assert.deepEqual(header.logDensity, { dtype: 'F64', shape: [5 * 12], data_offsets: header.logDensity!.data_offsets });
  const logDensity = header.logDensity!.data_offsets;
  assert.deepEqual(new Float64Array(good.slice(start + logDensity[0], start + logDensity[1]).buffer), (fitted as unknown as { logDensity: Float64Array }).logDensity);
  assert.equal(typeof (header.__metadata__ as unknown as Record<string, string>).dadkit, 'string');
});

test('a truncated file is a ModelFileError that says so', () => {
  assert.throws(() => decodeModel(good.subarray(0, good.length - 7), 'm.dad'), fails(/^'m\.dad' is truncated: tensor '.+' ends at byte \d+ of the data section, which holds only \d+ bytes\.$/));
  assert.throws(() => decodeModel(good.subarray(0, 40), 'm.dad'), fails(/^'m\.dad' is truncated: its header is \d+ bytes long but only 32 bytes follow/));
  assert.throws(() => decodeModel(good.subarray(0, 0), 'm.dad'), fails(/not a dadkit model file.*only 0 bytes/));
});

test('a flipped byte in the data is a checksum mismatch', () => {
  const bytes = good.slice();
  bytes[dataStart(bytes) + 17]! ^= 0x04;
  assert.throws(() => decodeModel(bytes, 'm.dad'), fails(/^'m\.dad': checksum mismatch: the file was changed or damaged/));
});

test('a flipped byte in the header JSON: a JSON error, or a manifest checksum mismatch when the JSON stays valid', () => {
  const text = new TextDecoder().decode(good.subarray(8, dataStart(good)));
  const bytes = good.slice();
  bytes[8 + text.indexOf('{')]! ^= 0x01; // '{' → 'z'
  assert.throws(() => decodeModel(bytes, 'm.dad'), fails(/not a dadkit model file|header is not valid JSON/));
  // A digit of the threshold inside the manifest: still valid JSON, a different threshold; the checksum catches it.
  const digits = `${fitted.threshold}`;
  const at = text.indexOf(`threshold\\":${digits}`) + `threshold\\":`.length + 2;
  const tampered = good.slice();
  tampered[8 + at]! ^= 0x01;
  assert.notEqual(tampered[8 + at], good[8 + at]);
  assert.throws(() => decodeModel(tampered, 'm.dad'), fails(/^'m\.dad': manifest checksum mismatch: the file was changed or damaged\.$/));
});

test('every single-bit flip of header or data is caught (none loads silently)', () => {
  const start = dataStart(good);
  // Every byte of the length prefix and the header, bit 0 (digits stay digits, letters stay letters: the subtle case);
  // every 5th byte of the data, bit 6.
  const positions: [number, number][] = [];
  for (let p = 0; p < start; p++) positions.push([p, 0x01]);
  for (let p = start; p < good.length; p += 5) positions.push([p, 0x40]);
  for (const [p, mask] of positions) {
    const bytes = good.slice();
    bytes[p]! ^= mask;
    assert.throws(() => decodeModel(bytes, 'm.dad'), ModelFileError, `flipping byte ${p} went unnoticed`);
  }
});

test('a header length pointing past the end of the file', () => {
  const bytes = good.slice();
  new DataView(bytes.buffer).setBigUint64(0, BigInt(good.length), true);
  assert.throws(() => decodeModel(bytes, 'm.dad'), fails(/^'m\.dad' is truncated: its header is \d+ bytes long but only \d+ bytes follow the length field\.$/));
  new DataView(bytes.buffer).setBigUint64(0, 2n ** 62n, true);
  assert.throws(() => decodeModel(bytes, 'm.dad'), fails(/^'m\.dad' is not a dadkit model file: it does not start with a safetensors header\.$/));
});

const snap = fitted.snapshot();
const fields: ManifestFields = {
  format: 'dadkit-model',
  formatVersion: FORMAT_VERSION,
  createdBy: 'dadkit test',
  detector: snap.detector,
  options: snap.options,
  nFeatures: snap.nFeatures,
  threshold: snap.threshold,
  thresholdSpec: snap.thresholdSpec,
  summary: snap.summary,
  params: snap.params,
};

test('a newer format version is refused before anything else is read', () => {
  const newer = encodeModelFile({ ...fields, formatVersion: FORMAT_VERSION + 1, createdBy: 'dadkit 9.0.0' }, snap.arrays);
  assert.throws(
    () => decodeModel(newer, 'future.dad'),
    fails(new RegExp(`^'future\\.dad' was written by a newer dadkit \\(format ${FORMAT_VERSION + 1}; this version reads up to ${FORMAT_VERSION}\\)\\. Upgrade dadkit to load it\\.$`)),
  );
});

test('an unknown detector lists the known ones', () => {
  const alien = encodeModelFile({ ...fields, detector: 'no-such-detector' }, snap.arrays);
  assert.throws(() => decodeModel(alien, 'alien.dad'), fails(/^'alien\.dad' holds a 'no-such-detector' model, a detector this dadkit does not know\. Known detectors: .*\bhbos\b.*must be registered before/));
});

test('options the detector refuses are a ModelFileError naming the option', () => {
  const badOptions = encodeModelFile({ ...fields, options: { ...fields.options, bins: 1 } }, snap.arrays);
  assert.throws(() => decodeModel(badOptions, 'm.dad'), fails(/holds a 'hbos' model this dadkit cannot rebuild: The 'bins' option of detector 'hbos' is invalid/));
});

test('a file that is not a model: a CSV, an empty file, a missing path, a folder, plain safetensors', async () => {
  const csv = join(folder, 'data.csv');
  await writeFile(csv, 'a,b,c\n1,2,3\n4,5,6\n');
  await assert.rejects(loadModel(csv), fails(/^'.*data\.csv' is not a dadkit model file: it does not start with a safetensors header\.$/));
  const empty = join(folder, 'empty.dad');
  await writeFile(empty, '');
  await assert.rejects(loadModel(empty), fails(/is not a dadkit model file.*only 0 bytes/));
  await assert.rejects(loadModel(join(folder, 'nope.dad')), fails(/^Model file '.*nope\.dad' does not exist\.$/));
  await assert.rejects(loadModel(folder), fails(/is a folder, not a model file/));
  const header = new TextEncoder().encode('{"x":{"dtype":"U8","shape":[2],"data_offsets":[0,2]}}  ');
  const plain = new Uint8Array(8 + header.length + 2);
  new DataView(plain.buffer).setBigUint64(0, BigInt(header.length), true);
  plain.set(header, 8);
  assert.throws(() => decodeModel(plain, 'x.safetensors'), fails(/^'x\.safetensors' is a safetensors file but not a dadkit model/));
});

test('values JSON cannot carry are refused at save time, not lost', () => {
  assert.throws(() => encodeModel(fitted, { meta: { best: Number.POSITIVE_INFINITY } }), fails(/Cannot save model\.meta\.best = Infinity/));
  assert.throws(() => encodeModel(fitted, { preprocessing: { weights: new Float64Array(2) } }), fails(/model\.preprocessing\.weights: it is a typed array/));
});

test('large weights: 100 MB of float32 round-trip as views of the file, with no copy per array', () => {
  // 25 M float32 = 100 MB in one array plus a few small ones; encode is one buffer, decode makes views into it.
  const big = new Float32Array(25_000_000);
  for (let i = 0; i < big.length; i += 4099) big[i] = i;
  const bytes = encodeModelFile(fields, { ...snap.arrays, 'encoder.weight': big, 'encoder.bias': new Float32Array(3).fill(0.5) });
  assert.equal(bytes.length > 100_000_000, true);
  const loaded = decodeModel(bytes, 'big.dad');
  assert.deepEqual(loaded.detector.score(test_), fitted.score(test_));
  // The restored arrays are views of the file's bytes, not copies.
  assert.equal(loaded.detector.trainingScores.buffer, bytes.buffer);
  assert.equal(loaded.manifest.arrays.find((a) => a.name === 'encoder.weight')?.shape[0], 25_000_000);
});
