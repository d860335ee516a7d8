/**
 * Nothing in a model file is executed: the detector class comes from this process's registry (a Map, so names such
 * as '__proto__' or 'constructor' find nothing), a module path in the file is only a name, and '__proto__' keys in the
 * manifest's JSON stay data (JSON.parse makes them own properties; nothing is polluted). The files here carry valid
 * checksums, so every check past them is reached.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ModelFileError } from '../core/errors.ts';
import { createMatrix } from '../core/matrix.ts';
import '../detectors/builtins.ts';
import { HBOS } from '../detectors/tabular/hbos.ts';
import { decodeModel, encodeModelFile, type ManifestFields } from './index.ts';

const X = createMatrix(60, 2, Float64Array.from({ length: 120 }, (_, i) => Math.sin(i) + (i % 7)));
const snap = new HBOS({}).fit(X).snapshot();
const fields = (over: Partial<ManifestFields>): ManifestFields => ({
  format: 'dadkit-model', formatVersion: 1, createdBy: 'test', detector: snap.detector, options: snap.options, nFeatures: snap.nFeatures,
  threshold: snap.threshold, thresholdSpec: snap.thresholdSpec, summary: snap.summary, params: snap.params, ...over,
});

test('detector names that are object keys or module paths are unknown detectors, not code', () => {
  for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'node:child_process', '../../../tmp/evil.js', 'data:text/javascript,process.exit(9)']) {
    assert.throws(() => decodeModel(encodeModelFile(fields({ detector: name }), snap.arrays), 'hostile.dad'),
      (e: unknown) => e instanceof ModelFileError && e.message.includes('a detector this dadkit does not know'), name);
  }
});

test("'__proto__' keys in the manifest stay data: nothing is polluted", () => {
  const polluted = JSON.parse('{"__proto__": {"polluted": true}, "note": "x"}') as Record<string, unknown>;
  const model = decodeModel(encodeModelFile(fields({ meta: polluted, preprocessing: polluted }), snap.arrays), 'hostile.dad');
  assert.equal(({} as { polluted?: boolean }).polluted, undefined);
  assert.equal(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted'), false);
  assert.equal(model.detector.name, 'hbos');
});
