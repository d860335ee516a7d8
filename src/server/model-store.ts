/**
 * The models of a folder, kept loaded and current. Every non-hidden regular file in the folder is read as a model
 * file; its name without a `.dad` extension is the model's name. Files that fail to load are listed with the reason.
 *
 * Currency without timers: a request for a model stats its file first (microseconds) and reloads it when the file
 * changed (size, mtime, ctime or inode — an atomic replace by rename always changes the inode); listing the models
 * rescans the folder. So the next request after a write sees the new model, deterministically.
 *
 * Atomicity: a model is decoded and checked completely (checksums included) into a new, never-mutated entry before it
 * replaces the old one in the map, and a request works on the entry it got, so it never sees half a model. If the new
 * file is damaged or half-written (a writer that does not rename), the previous version keeps serving and the error
 * is reported beside it. Concurrent requests for a changed model share one reload.
 *
 * Names from requests never become paths: a name must look like a file name (no separators, no leading dot) and be
 * one the folder listing produced; only listed files are ever opened.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DadError } from '../core/errors.ts';
import { decodeModel, type Manifest } from '../model-io/index.ts';
import { Pipeline } from '../pipeline/pipeline.ts';

export interface LoadedModel {
  readonly name: string;
  /** file name inside the folder */
  readonly file: string;
  /** sha256 of the model file's bytes, first 16 hex digits: changes whenever the model does */
  readonly version: string;
  readonly pipeline: Pipeline;
  readonly manifest: Manifest;
  readonly loadedAt: string;
  readonly bytes: number;
}

export interface ModelProblem {
  name: string;
  file: string;
  /** why the file (or its newest version, when an older one is still served) could not be loaded */
  error: string;
  at: string;
}

interface FileStamp {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
}

interface Slot {
  file: string;
  stamp: FileStamp | undefined;
  model: LoadedModel | undefined;
  problem: ModelProblem | undefined;
  pending: Promise<void> | undefined;
}

export type ModelEvent =
  | { kind: 'loaded'; name: string; version: string; reload: boolean }
  | { kind: 'failed'; name: string; error: string }
  | { kind: 'removed'; name: string };

const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,199}$/;

export function isValidModelName(name: string): boolean {
  return NAME.test(name) && !name.includes('..');
}

export function modelNameOf(file: string): string {
  return file.endsWith('.dad') && file.length > 4 ? file.slice(0, -4) : file;
}

export class ModelStore {
  readonly folder: string;
  private readonly listeners = new Set<(event: ModelEvent) => void>();
  private readonly slots = new Map<string, Slot>();
  private scanning: Promise<void> | undefined;

  constructor(folder: string) {
    this.folder = resolve(folder);
  }

  /** Calls `listener` on every load, reload, failure and removal; returns the function that stops it. */
  listen(listener: (event: ModelEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: ModelEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  /** Reads the folder; fails when it cannot be listed (a missing folder is a user error at start). */
  async start(): Promise<this> {
    try {
      const s = await stat(this.folder);
      if (!s.isDirectory()) throw new DadError(`The models folder '${this.folder}' is a file, not a folder.`);
    } catch (error) {
      if (error instanceof DadError) throw error;
      throw new DadError(`The models folder '${this.folder}' cannot be read: ${(error as Error).message}`, { cause: error });
    }
    await this.scan();
    return this;
  }

  /** Rescans the folder: new files load, changed ones reload, removed ones go. Concurrent calls share one scan. */
  scan(): Promise<void> {
    this.scanning ??= this.scanOnce().finally(() => { this.scanning = undefined; });
    return this.scanning;
  }

  /** The current version of a model, reloaded first if its file changed; undefined when there is none by that name. */
  async get(name: string): Promise<LoadedModel | undefined> {
    if (!isValidModelName(name)) return undefined;
    let slot = this.slots.get(name);
    if (slot === undefined) {
      await this.scan(); // perhaps a file added since the last listing
      slot = this.slots.get(name);
      if (slot === undefined) return undefined;
    }
    await this.refresh(name, slot);
    return this.slots.get(name)?.model;
  }

  /** Loaded models, by name. */
  models(): LoadedModel[] {
    return [...this.slots.values()].flatMap((s) => (s.model ? [s.model] : [])).sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Files that failed to load (or whose newest version did), by name. */
  problems(): ModelProblem[] {
    return [...this.slots.values()].flatMap((s) => (s.problem ? [s.problem] : [])).sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The problem of one model, if any. */
  problem(name: string): ModelProblem | undefined {
    return this.slots.get(name)?.problem;
  }

  private async scanOnce(): Promise<void> {
    const entries = await readdir(this.folder, { withFileTypes: true });
    const seen = new Set<string>();
    const work: Promise<void>[] = [];
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      // symbolic links are followed (stat), other non-files skipped; hidden files include atomic writers' temporaries
      if (entry.name.startsWith('.') || !(entry.isFile() || entry.isSymbolicLink())) continue;
      const name = modelNameOf(entry.name);
      if (!isValidModelName(name) || seen.has(name)) continue; // 'a' and 'a.dad': the first in order wins
      seen.add(name);
      let slot = this.slots.get(name);
      if (slot === undefined || slot.file !== entry.name) {
        slot = { file: entry.name, stamp: undefined, model: undefined, problem: undefined, pending: undefined };
        this.slots.set(name, slot);
      }
      work.push(this.refresh(name, slot));
    }
    await Promise.all(work);
    for (const name of [...this.slots.keys()]) {
      if (!seen.has(name)) {
        this.slots.delete(name);
        this.emit({ kind: 'removed', name });
      }
    }
  }

  /** Stats the slot's file and reloads it when it changed; removes the slot when the file is gone. */
  private async refresh(name: string, slot: Slot): Promise<void> {
    if (slot.pending !== undefined) return slot.pending;
    const path = join(this.folder, slot.file);
    let stamp: FileStamp;
    try {
      const s = await stat(path);
      if (!s.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'ENOENT' });
      stamp = { size: s.size, mtimeMs: s.mtimeMs, ctimeMs: s.ctimeMs, ino: s.ino };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && this.slots.get(name) === slot) {
        this.slots.delete(name);
        this.emit({ kind: 'removed', name });
      }
      return;
    }
    if (slot.stamp !== undefined && sameStamp(slot.stamp, stamp)) return;
    slot.pending = this.load(name, slot, path, stamp).finally(() => { slot.pending = undefined; });
    return slot.pending;
  }

  private async load(name: string, slot: Slot, path: string, stamp: FileStamp): Promise<void> {
    const at = new Date().toISOString();
    try {
      const bytes = await readFile(path);
      const version = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
      if (slot.model?.version === version) {
        slot.stamp = stamp; // touched, not changed
        return;
      }
      const saved = decodeModel(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), slot.file);
      const pipeline = Pipeline.fromParts(saved.detector, saved.preprocessing, `'${slot.file}'`);
      const reload = slot.model !== undefined;
      slot.model = Object.freeze({ name, file: slot.file, version, pipeline, manifest: saved.manifest, loadedAt: at, bytes: bytes.byteLength });
      slot.problem = undefined;
      slot.stamp = stamp;
      this.emit({ kind: 'loaded', name, version, reload });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      slot.problem = { name, file: slot.file, error: message, at };
      slot.stamp = stamp; // not retried until the file changes again
      this.emit({ kind: 'failed', name, error: message });
    }
  }
}

function sameStamp(a: FileStamp, b: FileStamp): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs && a.ino === b.ino;
}
