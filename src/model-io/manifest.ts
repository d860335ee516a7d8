import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ModelFileError } from '../core/errors.ts';
import { thresholdSchema } from '../thresholds/strategies.ts';
import { DTYPES } from './safetensors.ts';

/**
 * The manifest: everything about a model that is not a big array, as JSON in the safetensors `__metadata__` (whose
 * values must be strings, hence a JSON string inside JSON).
 *
 * Versioning: `formatVersion` goes up when a reader of the previous version could not use a new file correctly. Fields
 * a reader may safely ignore are added without a bump, so unknown fields are dropped here, not refused. A reader
 * checks the version before anything else about the manifest, since a newer format may change any of it.
 */
export const FORMAT = 'dadkit-model';
export const FORMAT_VERSION = 1;

const fitSummarySchema = z.object({
  rows: z.number().int().nonnegative(),
  features: z.number().int().positive(),
  seconds: z.number().nonnegative(),
  scoreMin: z.number(),
  scoreMax: z.number(),
  scoreMean: z.number(),
  scoreStd: z.number().nonnegative(),
});

export const manifestSchema = z.object({
  format: z.literal(FORMAT),
  formatVersion: z.number().int().positive(),
  /** 'dadkit 0.1.0': which build wrote the file, for bug reports */
  createdBy: z.string(),
  /** registry name of the detector */
  detector: z.string().min(1),
  /** the detector's options as its schema parsed them (defaults filled in) */
  options: z.record(z.string(), z.unknown()),
  nFeatures: z.number().int().positive(),
  threshold: z.number(),
  thresholdSpec: thresholdSchema,
  summary: fitSummarySchema,
  /** the detector's small learned values (DetectorState.params) */
  params: z.record(z.string(), z.unknown()),
  /** the caller's steps before the detector (table schema, transforms), opaque here */
  preprocessing: z.unknown().optional(),
  /** the caller's free-form notes (dataset, metrics, git commit), opaque here */
  meta: z.record(z.string(), z.unknown()).optional(),
  /** sha256 (hex) of the whole data section */
  weightsSha256: z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lower-case hex digits'),
  /**
   * Every array with its dtype and shape. The safetensors index says the same; keeping it in the checksummed manifest
   * as well means a damaged index (say F32 flipped to I32, same size, same bytes) cannot pass unnoticed.
   */
  arrays: z.array(z.object({ name: z.string(), dtype: z.enum(DTYPES), shape: z.array(z.number().int().nonnegative()) })),
});

export type Manifest = z.output<typeof manifestSchema>;

/** Keys in the safetensors `__metadata__`: the manifest JSON and its sha256, which guards the manifest itself. */
export const MANIFEST_KEY = 'dadkit';
export const MANIFEST_SHA256_KEY = 'dadkit_sha256';

let version: string | undefined;

/** This package's version, read once from package.json (for `createdBy`). */
export function packageVersion(): string {
  if (version === undefined) {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    version = typeof pkg.version === 'string' ? pkg.version : 'unknown';
  }
  return version;
}

/**
 * JSON.stringify that refuses what JSON would silently change: NaN and ±Infinity (they become null), undefined inside
 * arrays (null), functions, symbols, bigints, typed arrays (objects of indices). A model that saves must load as it was.
 */
export function strictJson(value: unknown, what: string): string {
  check(value, what);
  return JSON.stringify(value);
}

function check(value: unknown, path: string): void {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new ModelFileError(`Cannot save ${path} = ${value}: model files store JSON, which has no ${value}.`);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      if (v === undefined) throw new ModelFileError(`Cannot save ${path}[${i}] = undefined: model files store JSON.`);
      check(v, `${path}[${i}]`);
    });
    return;
  }
  if (typeof value === 'object') {
    if (ArrayBuffer.isView(value)) throw new ModelFileError(`Cannot save ${path}: it is a typed array; store it among the detector's arrays, not in JSON.`);
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      throw new ModelFileError(`Cannot save ${path}: it is a ${proto?.constructor?.name ?? 'non-plain'} object; model files store plain JSON objects.`);
    }
    for (const [k, v] of Object.entries(value)) if (v !== undefined) check(v, `${path}.${k}`);
    return;
  }
  throw new ModelFileError(`Cannot save ${path}: a ${typeof value} is not JSON.`);
}
