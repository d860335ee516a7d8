import { ModelFileError, UnknownNameError } from '../core/errors.ts';
import type { Detector, DetectorSnapshot } from '../detectors/detector.ts';
import { getDetectorClass, listDetectors } from '../detectors/registry.ts';
import { writeFileAtomic } from './atomic.ts';
import { readFileBytes } from './read-bytes.ts';
import { FORMAT, FORMAT_VERSION, MANIFEST_KEY, MANIFEST_SHA256_KEY, manifestSchema, packageVersion, strictJson, type Manifest } from './manifest.ts';
import { dataSha256, encodeSafetensors, layoutTensors, readHeader, readTensors, sha256Hex, type TensorArray } from './safetensors.ts';

/**
 * A model file (`.dad` by convention; any name is read) is ONE safetensors file: the detector's arrays as tensors,
 * and the manifest (kind, options, threshold, training summary, the caller's preprocessing, checksums) as JSON in
 * its `__metadata__`. One file rather than a folder of manifest + weights: it is copied, uploaded and renamed as a
 * unit, written atomically with one rename, and the two parts can never come from different saves.
 *
 * Integrity: the manifest carries the sha256 of the data section, and the manifest's own sha256 sits beside it, so a
 * change anywhere — weights, manifest, or the tensor index (checked against the manifest's list of arrays) — is
 * caught before anything is built from the file. Loading only parses JSON and copies numbers: nothing from the file
 * is executed, and the detector class comes from this process's registry, never from the file.
 */

export interface SavedModel {
  detector: Detector;
  preprocessing?: unknown;
  meta?: Record<string, unknown>;
  manifest: Manifest;
}

export interface ModelExtras {
  /** the caller's steps before the detector (table schema, transforms), stored as JSON and returned as is */
  preprocessing?: unknown;
  /** free-form notes, stored as JSON and returned as is */
  meta?: Record<string, unknown>;
}

/** The fields of a manifest a writer chooses; the checksums and the list of arrays are derived from the arrays. */
export type ManifestFields = Omit<Manifest, 'weightsSha256' | 'arrays'>;

/** Writes a fitted detector to `path` atomically: a crash mid-write leaves the previous file intact. */
export async function saveModel(path: string, detector: Detector, extra: ModelExtras = {}): Promise<void> {
  await writeFileAtomic(path, encodeModel(detector, extra));
}

/** Reads, checks and rebuilds a model written by `saveModel`. Every problem is a ModelFileError naming the file. */
export async function loadModel(path: string): Promise<SavedModel> {
  const bytes = await readFileBytes(path, 'Model');
  return decodeModel(bytes, path);
}

/** The model file's bytes for a fitted detector. Pure; deterministic except for the fit time in the summary. */
export function encodeModel(detector: Detector, extra: ModelExtras = {}): Uint8Array {
  const snap = detector.snapshot();
  const fields: ManifestFields = {
    format: FORMAT,
    formatVersion: FORMAT_VERSION,
    createdBy: `dadkit ${packageVersion()}`,
    detector: snap.detector,
    options: snap.options,
    nFeatures: snap.nFeatures,
    threshold: snap.threshold,
    thresholdSpec: snap.thresholdSpec,
    summary: snap.summary,
    params: snap.params,
  };
  if (extra.preprocessing !== undefined) fields.preprocessing = extra.preprocessing;
  if (extra.meta !== undefined) fields.meta = extra.meta;
  return encodeModelFile(fields, snap.arrays);
}

/**
 * The bytes of a model file from manifest fields and arrays, checksums computed here. `encodeModel` uses it; tests
 * use it to make well-formed files that are wrong in one chosen way (a newer format, an unknown detector).
 */
export function encodeModelFile(fields: ManifestFields, arrays: Record<string, TensorArray>): Uint8Array {
  const entries = layoutTensors(arrays);
  const manifest: Manifest = {
    ...fields,
    weightsSha256: dataSha256(entries),
    arrays: entries.map((e) => ({ name: e.name, dtype: e.dtype, shape: e.shape })),
  };
  const json = strictJson(manifest, 'model');
  return encodeSafetensors(entries, { [MANIFEST_KEY]: json, [MANIFEST_SHA256_KEY]: sha256Hex(json) });
}

/**
 * Checks and rebuilds a model from its bytes; `source` (a path, "upload 'x'") names it in errors. Pure. The restored
 * arrays are views of `bytes` where alignment allows (no copy of large weights): do not reuse the buffer afterwards.
 */
export function decodeModel(bytes: Uint8Array, source: string): SavedModel {
  const parsed = readHeader(bytes, source);
  const manifestJson = parsed.metadata?.[MANIFEST_KEY];
  if (typeof manifestJson !== 'string') {
    throw new ModelFileError(`'${source}' is a safetensors file but not a dadkit model: its __metadata__ has no '${MANIFEST_KEY}' manifest.`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(manifestJson);
  } catch (error) {
    throw new ModelFileError(`'${source}' is damaged: its manifest is not valid JSON (${(error as Error).message}).`, { cause: error });
  }
  const head = (raw !== null && typeof raw === 'object' ? raw : {}) as { format?: unknown; formatVersion?: unknown };
  if (head.format !== FORMAT) {
    throw new ModelFileError(`'${source}' is not a dadkit model: its manifest format is ${JSON.stringify(head.format)}, expected '${FORMAT}'.`);
  }
  if (typeof head.formatVersion === 'number' && head.formatVersion > FORMAT_VERSION) {
    throw new ModelFileError(
      `'${source}' was written by a newer dadkit (format ${head.formatVersion}; this version reads up to ${FORMAT_VERSION}). Upgrade dadkit to load it.`,
    );
  }
  if (parsed.metadata?.[MANIFEST_SHA256_KEY] !== sha256Hex(manifestJson)) {
    throw new ModelFileError(`'${source}': manifest checksum mismatch: the file was changed or damaged.`);
  }
  const checked = manifestSchema.safeParse(raw);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    const where = issue && issue.path.length > 0 ? `field '${issue.path.join('.')}'` : 'the manifest';
    throw new ModelFileError(`'${source}' has an invalid manifest: ${where}: ${issue?.message ?? 'invalid'}.`, { cause: checked.error });
  }
  const manifest = checked.data;

  const tensors = readTensors(parsed, source);
  const listed = new Map(manifest.arrays.map((a) => [a.name, a]));
  for (const t of tensors) {
    const expected = listed.get(t.name);
    if (expected === undefined) throw new ModelFileError(`'${source}' is damaged: tensor '${t.name}' is not in its manifest.`);
    if (expected.dtype !== t.dtype || expected.shape.join(',') !== t.shape.join(',')) {
      throw new ModelFileError(
        `'${source}' is damaged: tensor '${t.name}' is ${t.dtype} [${t.shape.join(', ')}] in the index but ${expected.dtype} [${expected.shape.join(', ')}] in the manifest.`,
      );
    }
    listed.delete(t.name);
  }
  if (listed.size > 0) {
    throw new ModelFileError(`'${source}' is damaged: the manifest lists array${listed.size > 1 ? 's' : ''} ${[...listed.keys()].map((n) => `'${n}'`).join(', ')} that the file does not hold.`);
  }
  const actual = sha256Hex(parsed.data);
  if (actual !== manifest.weightsSha256) {
    throw new ModelFileError(`'${source}': checksum mismatch: the file was changed or damaged (weights sha256 ${actual}, manifest says ${manifest.weightsSha256}).`);
  }

  const detector = rebuild(manifest, Object.fromEntries(tensors.map((t) => [t.name, t.array])), source);
  const out: SavedModel = { detector, manifest };
  if (manifest.preprocessing !== undefined) out.preprocessing = manifest.preprocessing;
  if (manifest.meta !== undefined) out.meta = manifest.meta;
  return out;
}

function rebuild(manifest: Manifest, arrays: Record<string, TensorArray>, source: string): Detector {
  let cls;
  try {
    cls = getDetectorClass(manifest.detector);
  } catch (error) {
    if (!(error instanceof UnknownNameError)) throw error;
    const known = listDetectors().map((d) => d.name);
    throw new ModelFileError(
      `'${source}' holds a '${manifest.detector}' model, a detector this dadkit does not know. Known detectors: ${known.join(', ') || '(none registered)'}. ` +
        'A plugin detector must be registered before its models are loaded.',
      { cause: error },
    );
  }
  const snapshot: DetectorSnapshot = {
    detector: manifest.detector,
    options: manifest.options,
    nFeatures: manifest.nFeatures,
    threshold: manifest.threshold,
    thresholdSpec: manifest.thresholdSpec,
    summary: manifest.summary,
    params: manifest.params,
    arrays,
  };
  try {
    return new cls(manifest.options).restore(snapshot);
  } catch (error) {
    throw new ModelFileError(
      `'${source}' holds a '${manifest.detector}' model this dadkit cannot rebuild: ${(error as Error).message}`,
      { cause: error },
    );
  }
}
