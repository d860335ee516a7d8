/**
 * The saved form of a model's or an optimiser's state: named flat arrays with their shapes, plus JSON-able metadata.
 * The model-file writer (src/model-io) lays the arrays out as safetensors and the rest as its manifest.
 */
import { ShapeError } from '../core/errors.ts';
import { formatShape, sameShape } from './shape.ts';
import type { Tensor } from './tensor.ts';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface StateDict {
  /** name → a copy of the values (row-major) */
  tensors: Record<string, Float32Array>;
  /** name → shape */
  shapes: Record<string, number[]>;
  /** JSON-able extras: optimiser step counts and hyper-parameters, layer settings */
  metadata: Record<string, JsonValue>;
}

export function emptyStateDict(): StateDict {
  return { tensors: {}, shapes: {}, metadata: {} };
}

export function putTensor(state: StateDict, name: string, t: Tensor): void {
  state.tensors[name] = t.data.slice();
  state.shapes[name] = [...t.shape];
}

/**
 * Checks that state.tensors[name] exists with t's shape, then (apply = true) copies it into t. `owner` names what is
 * being loaded (e.g. "Sequential", "Adam") for the error message. Loaders check every entry before applying any, so a
 * failed load leaves the model as it was.
 */
export function loadTensor(state: StateDict, name: string, t: Tensor, owner: string, apply = true): void {
  const values = state.tensors[name];
  if (values === undefined) throw new ShapeError(`${owner}.loadStateDict: '${name}' is missing from the state dict.`);
  const shape = state.shapes[name] ?? [values.length];
  if (!sameShape(shape, t.shape) || values.length !== t.size) {
    throw new ShapeError(`${owner}.loadStateDict: '${name}' has shape ${formatShape(t.shape)} in the model but ${formatShape(shape)} (${values.length} values) in the state dict.`);
  }
  if (apply) t.data.set(values);
}

/** Throws when the state dict names tensors the target does not have (a sign of loading into the wrong model). */
export function checkNoUnexpected(state: StateDict, expected: Iterable<string>, owner: string): void {
  const known = new Set(expected);
  const unexpected = Object.keys(state.tensors).filter((k) => !known.has(k));
  if (unexpected.length > 0) {
    throw new ShapeError(`${owner}.loadStateDict: unexpected entries ${unexpected.map((k) => `'${k}'`).join(', ')} in the state dict (the model has ${[...known].map((k) => `'${k}'`).join(', ') || 'none'}).`);
  }
}
