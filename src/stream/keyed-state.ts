/**
 * Online detectors' state per message key. Every key gets its own copy of the saved model (decoded from the model
 * file's bytes, so it starts from the fitted state) that then scores and learns that key's messages only — one
 * sensor's drift never moves another sensor's model. At most `maxKeys` states are held; the least recently used one
 * is dropped beyond that (its key starts again from the saved model).
 *
 * Snapshots: all states in one file, written atomically (a crash mid-write leaves the previous snapshot), so a worker
 * restarted with the same `--state` file resumes every key where the snapshot left it. Each state is a complete model
 * file (encodeModel: checksummed), base64 in a JSON envelope that names the model version it belongs to; a snapshot
 * of another model version is not used (the worker says so and starts from the saved model).
 */
import { readFile } from 'node:fs/promises';
import { ModelFileError } from '../core/errors.ts';
import type { Detector } from '../detectors/detector.ts';
import type { StreamingDetector } from '../detectors/timeseries/series-detector.ts';
import { decodeModel, encodeModel, writeFileAtomic } from '../model-io/index.ts';

export type OnlineDetector = Detector & StreamingDetector;

const KIND = 'dadkit-worker-state';
const VERSION = 1;

interface SnapshotFile {
  kind: typeof KIND;
  version: number;
  model: { name: string; version: string };
  savedAt: string;
  keys: { key: string; state: string }[];
}

export class KeyedStates {
  private readonly states = new Map<string, OnlineDetector>();
  private changed = false;

  constructor(
    private readonly modelBytes: Uint8Array,
    private readonly model: { name: string; version: string },
    private readonly maxKeys = 10_000,
  ) {}

  get size(): number {
    return this.states.size;
  }

  /** The state of `key`, created from the saved model on first use; marks it most recently used. */
  get(key: string): OnlineDetector {
    let state = this.states.get(key);
    if (state !== undefined) {
      this.states.delete(key);
    } else {
      // a copy (not Buffer#slice, which is a view): decoded arrays are views of their bytes, and learning writes to them
      state = decodeModel(new Uint8Array(this.modelBytes), this.model.name).detector as OnlineDetector;
      if (this.states.size >= this.maxKeys) this.states.delete(this.states.keys().next().value!);
    }
    this.states.set(key, state);
    this.changed = true;
    return state;
  }

  /** Writes every key's state to `path` atomically; returns false when nothing changed since the last snapshot. */
  async save(path: string): Promise<boolean> {
    if (!this.changed) return false;
    this.changed = false;
    const file: SnapshotFile = {
      kind: KIND,
      version: VERSION,
      model: this.model,
      savedAt: new Date().toISOString(),
      keys: [...this.states].map(([key, d]) => ({ key, state: Buffer.from(encodeModel(d)).toString('base64') })),
    };
    await writeFileAtomic(path, JSON.stringify(file));
    return true;
  }

  /**
   * Reads a snapshot written by `save`. Returns the number of keys restored, or a reason it was not used (no file,
   * another model version). A damaged file is an error: resuming silently from nothing would hide it.
   */
  async load(path: string): Promise<{ restored: number } | { skipped: string }> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { skipped: `no state file '${path}' yet` };
      throw new ModelFileError(`State file '${path}' cannot be read: ${(error as Error).message}`, { cause: error });
    }
    let file: Partial<SnapshotFile>;
    try {
      file = JSON.parse(text) as Partial<SnapshotFile>;
    } catch (error) {
      throw new ModelFileError(`State file '${path}' is damaged: not valid JSON (${(error as Error).message}). Move it away to start from the saved model.`, { cause: error });
    }
    if (file.kind !== KIND || typeof file.version !== 'number' || !Array.isArray(file.keys)) {
      throw new ModelFileError(`'${path}' is not a dad worker state file (kind ${JSON.stringify(file.kind)}).`);
    }
    if (file.version > VERSION) throw new ModelFileError(`State file '${path}' was written by a newer dadkit (version ${file.version}; this one reads ${VERSION}).`);
    if (file.model?.version !== this.model.version) {
      return { skipped: `state file '${path}' belongs to model version ${String(file.model?.version)}, not ${this.model.version}` };
    }
    const restored = new Map<string, OnlineDetector>();
    for (const entry of file.keys) {
      const where = `${path} (key ${JSON.stringify(entry.key)})`;
      restored.set(String(entry.key), decodeModel(Buffer.from(String(entry.state), 'base64'), where).detector as OnlineDetector);
    }
    this.states.clear();
    for (const [key, state] of restored) this.states.set(key, state);
    this.changed = false;
    return { restored: restored.size };
  }
}
