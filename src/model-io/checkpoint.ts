/**
 * Training checkpoints: the state dicts of a network and its optimiser (weights, Adam moments, step counts, learning
 * rate) in the same safetensors layout as model files, so training can stop and resume exactly. Tensors are stored as
 * `<part>/<name>` with their real shapes (any safetensors reader sees them as such); shapes and JSON metadata of each
 * part, and the sha256 of the data section, go in `__metadata__`. Written atomically; loading checks everything and
 * executes nothing, like model files.
 */
import { ModelFileError } from '../core/errors.ts';
import type { StateDict } from '../engine/state.ts';
import { writeFileAtomic } from './atomic.ts';
import { readFileBytes } from './read-bytes.ts';
import { dataSha256, encodeSafetensors, layoutTensors, readHeader, readTensors } from './safetensors.ts';

const KIND = 'dadkit-checkpoint';
const VERSION = 1;

export async function saveCheckpoint(path: string, parts: Record<string, StateDict>): Promise<void> {
  await writeFileAtomic(path, encodeCheckpoint(parts));
}

export async function loadCheckpoint(path: string): Promise<Record<string, StateDict>> {
  return decodeCheckpoint(await readFileBytes(path, 'Checkpoint'), path);
}

export function encodeCheckpoint(parts: Record<string, StateDict>): Uint8Array {
  const arrays: Record<string, Float32Array> = {};
  const shapes: Record<string, number[]> = {};
  const metadata: Record<string, unknown> = {};
  for (const [part, state] of Object.entries(parts)) {
    if (part.includes('/')) throw new ModelFileError(`Checkpoint part names cannot contain '/'. Got '${part}'.`);
    metadata[part] = state.metadata;
    for (const [name, values] of Object.entries(state.tensors)) {
      arrays[`${part}/${name}`] = values;
      shapes[`${part}/${name}`] = state.shapes[name] ?? [values.length];
    }
  }
  const entries = layoutTensors(arrays).map((e) => ({ ...e, shape: shapes[e.name]! }));
  for (const e of entries) {
    if (e.shape.reduce((a, b) => a * b, 1) !== e.array.length) {
      throw new ModelFileError(`Tensor '${e.name}' has ${e.array.length} values but shape [${e.shape.join(', ')}].`);
    }
  }
  const header = { kind: KIND, version: VERSION, parts: metadata, sha256: dataSha256(entries) };
  return encodeSafetensors(entries, { dadkit_checkpoint: JSON.stringify(header) });
}

export function decodeCheckpoint(bytes: Uint8Array, source: string): Record<string, StateDict> {
  const parsed = readHeader(bytes, source);
  const raw = parsed.metadata?.['dadkit_checkpoint'];
  if (typeof raw !== 'string') throw new ModelFileError(`'${source}' is not a dadkit checkpoint (no 'dadkit_checkpoint' metadata).`);
  let header: { kind?: unknown; version?: unknown; parts?: unknown; sha256?: unknown };
  try {
    header = JSON.parse(raw);
  } catch (error) {
    throw new ModelFileError(`'${source}' is damaged: its checkpoint metadata is not valid JSON.`, { cause: error });
  }
  if (header.kind !== KIND) throw new ModelFileError(`'${source}' is not a dadkit checkpoint (kind ${JSON.stringify(header.kind)}).`);
  if (typeof header.version !== 'number' || header.version > VERSION) {
    throw new ModelFileError(`'${source}' was written by a newer dadkit (checkpoint format ${String(header.version)}; this version reads up to ${VERSION}).`);
  }
  if (header.parts === null || typeof header.parts !== 'object') throw new ModelFileError(`'${source}' is damaged: its checkpoint lists no parts.`);
  const entries = readTensors(parsed, source);
  if (dataSha256(entries) !== header.sha256) throw new ModelFileError(`'${source}': checksum mismatch — the file was changed or damaged.`);
  const out: Record<string, StateDict> = {};
  for (const [part, meta] of Object.entries(header.parts as Record<string, unknown>)) {
    out[part] = { tensors: {}, shapes: {}, metadata: (meta ?? {}) as StateDict['metadata'] };
  }
  for (const e of entries) {
    const slash = e.name.indexOf('/');
    const part = out[e.name.slice(0, slash)];
    if (slash < 0 || part === undefined) throw new ModelFileError(`'${source}' is damaged: tensor '${e.name}' belongs to no listed part.`);
    if (!(e.array instanceof Float32Array)) throw new ModelFileError(`'${source}' is damaged: tensor '${e.name}' is ${e.dtype}, not F32.`);
    const name = e.name.slice(slash + 1);
    part.tensors[name] = e.array;
    part.shapes[name] = e.shape;
  }
  return out;
}
