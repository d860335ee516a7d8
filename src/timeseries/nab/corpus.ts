import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { InputError } from '../../core/errors.ts';
import { parseProfiles, type CostProfile } from './profiles.ts';
import type { LabelledSeries, ScoredSeries } from './series.ts';
import type { NabWindow } from './windows.ts';

/**
 * Reader for the NAB corpus as numenta/NAB lays it out: `data/<category>/<file>.csv` (timestamp,value),
 * `labels/combined_windows.json`, `config/profiles.json`, `config/thresholds.json`.
 */

/** One NAB data file: its rows and its anomaly windows. */
export interface NabSeries extends LabelledSeries {
  timestamps: Float64Array;
  values: Float64Array;
}

/** Official thresholds (and the raw scores NAB's optimiser found with them), per detector and profile. */
export type NabThresholds = Record<string, Record<string, { threshold: number; score: number }>>;

export interface NabCorpus {
  root: string;
  /** the files named in the label file, sorted by name */
  series: NabSeries[];
  profiles: Record<string, CostProfile>;
  thresholds: NabThresholds;
  /** windows in the label file: NAB's `tpCount`, the perfect detector's count */
  windowCount: number;
}

export interface CorpusOptions {
  /** label file under `labels/`; default 'combined_windows.json' */
  labels?: string;
}

/** Reads the whole corpus under `root` (the folder holding data/, labels/, config/). */
export function readNabCorpus(root: string, options: CorpusOptions = {}): NabCorpus {
  const labelsPath = join(root, 'labels', options.labels ?? 'combined_windows.json');
  const windowsByFile = parseWindows(readJson(labelsPath), labelsPath);
  const series: NabSeries[] = [];
  let windowCount = 0;
  for (const name of Object.keys(windowsByFile).sort()) {
    const windows = windowsByFile[name]!;
    windowCount += windows.length;
    series.push({ name, windows, ...readSeriesCsv(join(root, 'data', name)) });
  }
  const profilesPath = join(root, 'config', 'profiles.json');
  const thresholdsPath = join(root, 'config', 'thresholds.json');
  return {
    root,
    series,
    profiles: parseProfiles(readJson(profilesPath), profilesPath),
    thresholds: existsSync(thresholdsPath) ? parseThresholds(readJson(thresholdsPath), thresholdsPath) : {},
    windowCount,
  };
}

/** A NAB data file: header `timestamp,value`, one row a line. */
export function readSeriesCsv(path: string): { timestamps: Float64Array; values: Float64Array } {
  const lines = readText(path).split(/\r?\n/);
  const header = lines[0]?.trim();
  if (header !== 'timestamp,value') {
    throw new InputError(`${path}:1: expected the header 'timestamp,value'. Got ${JSON.stringify(header)} instead.`);
  }
  const timestamps: number[] = [];
  const values: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const comma = line.indexOf(',');
    const where = `${path}:${i + 1}`;
    timestamps.push(parseNabTimestamp(line.slice(0, comma), where));
    const value = comma < 0 ? Number.NaN : Number(line.slice(comma + 1));
    if (!Number.isFinite(value)) throw new InputError(`${where}: the 'value' field must be a finite number. Got ${JSON.stringify(line.slice(comma + 1))} instead.`);
    values.push(value);
  }
  return { timestamps: Float64Array.from(timestamps), values: Float64Array.from(values) };
}

/**
 * A detector's outputs in one CSV (optionally gzip): columns `file,timestamp,anomaly_score`, as in
 * `published_scores/`. Returns each file's timestamps and scores in row order.
 */
export function readDetectorScores(path: string): Map<string, { timestamps: Float64Array; scores: Float64Array }> {
  const lines = readText(path).split(/\r?\n/);
  const header = lines[0]?.trim();
  if (header !== 'file,timestamp,anomaly_score') {
    throw new InputError(`${path}:1: expected the header 'file,timestamp,anomaly_score'. Got ${JSON.stringify(header)} instead.`);
  }
  const byFile = new Map<string, { timestamps: number[]; scores: number[] }>();
  let currentName = '';
  let entry: { timestamps: number[]; scores: number[] } | undefined;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    // indexOf rather than split: these files run to hundreds of thousands of rows
    const first = line.indexOf(',');
    const second = first < 0 ? -1 : line.indexOf(',', first + 1);
    const where = `${path}:${i + 1}`;
    if (second < 0 || line.indexOf(',', second + 1) >= 0) {
      throw new InputError(`${where}: expected 3 fields (file,timestamp,anomaly_score). Got ${line.split(',').length} instead.`);
    }
    const field = line.slice(second + 1);
    const score = Number(field);
    if (field.trim() === '' || Number.isNaN(score)) {
      throw new InputError(`${where}: the 'anomaly_score' field must be a number. Got ${JSON.stringify(field)} instead.`);
    }
    if (entry === undefined || line.slice(0, first) !== currentName) {
      currentName = line.slice(0, first);
      entry = byFile.get(currentName);
      if (entry === undefined) byFile.set(currentName, (entry = { timestamps: [], scores: [] }));
    }
    entry.timestamps.push(parseNabTimestamp(line.slice(first + 1, second), where));
    entry.scores.push(score);
  }
  const out = new Map<string, { timestamps: Float64Array; scores: Float64Array }>();
  for (const [name, e] of byFile) out.set(name, { timestamps: Float64Array.from(e.timestamps), scores: Float64Array.from(e.scores) });
  return out;
}

/**
 * Joins a detector's scores to the corpus files, row by row. NAB does this by position; we also check that the
 * timestamps agree, so that scores from another version of a file cannot be scored against the wrong windows.
 */
export function attachScores(
  series: readonly LabelledSeries[],
  scores: ReadonlyMap<string, { timestamps?: ArrayLike<number>; scores: ArrayLike<number> }>,
  source: string,
): ScoredSeries[] {
  return series.map((s) => {
    const entry = scores.get(s.name);
    if (entry === undefined) throw new InputError(`${source}: no anomaly scores for the corpus file '${s.name}'.`);
    if (entry.scores.length !== s.timestamps.length) {
      throw new InputError(`${source}: '${s.name}' has ${entry.scores.length} scores; the data file has ${s.timestamps.length} rows.`);
    }
    if (entry.timestamps !== undefined) {
      for (let i = 0; i < s.timestamps.length; i++) {
        if (entry.timestamps[i] !== s.timestamps[i]) {
          throw new InputError(`${source}: '${s.name}' row ${i}: timestamp ${new Date(entry.timestamps[i]!).toISOString()} differs from the data file's ${new Date(s.timestamps[i]!).toISOString()}.`);
        }
      }
    }
    return { name: s.name, timestamps: s.timestamps, windows: s.windows, scores: entry.scores };
  });
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/;

/** 'YYYY-MM-DD HH:MM:SS[.ffffff]' as NAB writes it (no zone: read as UTC) → milliseconds since the epoch. */
export function parseNabTimestamp(text: string, where: string): number {
  // The common 'YYYY-MM-DD HH:MM:SS' read digit by digit: the regular expression dominates reading the corpus otherwise.
  if (text.length === 19) {
    const fast = fixedTimestamp(text);
    if (!Number.isNaN(fast)) return fast;
  }
  const m = TIMESTAMP.exec(text.trim());
  if (m === null) throw new InputError(`${where}: expected a timestamp 'YYYY-MM-DD HH:MM:SS'. Got ${JSON.stringify(text)} instead.`);
  const [, y, mo, d, h, mi, s, frac] = m;
  const ms = frac === undefined ? 0 : Math.floor(Number(frac.padEnd(6, '0')) / 1000);
  return Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
}

function fixedTimestamp(t: string): number {
  const c = (i: number): number => t.charCodeAt(i) - 48;
  const d2 = (i: number): number => {
    const a = c(i);
    const b = c(i + 1);
    return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : Number.NaN;
  };
  if (t[4] !== '-' || t[7] !== '-' || (t[10] !== ' ' && t[10] !== 'T') || t[13] !== ':' || t[16] !== ':') return Number.NaN;
  const year = d2(0) * 100 + d2(2);
  const month = d2(5);
  const day = d2(8);
  const hour = d2(11);
  const minute = d2(14);
  const second = d2(17);
  return Date.UTC(year, month - 1, day, hour, minute, second);
}

function parseWindows(json: unknown, source: string): Record<string, NabWindow[]> {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new InputError(`${source}: expected an object mapping '<category>/<file>.csv' to [[start, end], …].`);
  }
  const out: Record<string, NabWindow[]> = {};
  for (const [name, list] of Object.entries(json as Record<string, unknown>)) {
    if (!Array.isArray(list)) throw new InputError(`${source}, '${name}': expected a list of [start, end] pairs. Got ${JSON.stringify(list)} instead.`);
    out[name] = list.map((pair: unknown, w) => {
      const where = `${source}, '${name}' window ${w}`;
      if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string' || typeof pair[1] !== 'string') {
        throw new InputError(`${where}: expected [start, end] timestamps. Got ${JSON.stringify(pair)} instead.`);
      }
      return { start: parseNabTimestamp(pair[0], where), end: parseNabTimestamp(pair[1], where) };
    });
  }
  return out;
}

function parseThresholds(json: unknown, source: string): NabThresholds {
  const out: NabThresholds = {};
  if (json === null || typeof json !== 'object') throw new InputError(`${source}: expected { detector: { profile: { threshold, score } } }.`);
  for (const [detector, byProfile] of Object.entries(json as Record<string, unknown>)) {
    const entry: Record<string, { threshold: number; score: number }> = {};
    for (const [profile, v] of Object.entries((byProfile ?? {}) as Record<string, unknown>)) {
      const { threshold, score } = (v ?? {}) as { threshold?: unknown; score?: unknown };
      if (typeof threshold !== 'number' || typeof score !== 'number') {
        throw new InputError(`${source}, ${detector}.${profile}: expected numbers 'threshold' and 'score'. Got ${JSON.stringify(v)} instead.`);
      }
      entry[profile] = { threshold, score };
    }
    out[detector] = entry;
  }
  return out;
}

function readJson(path: string): unknown {
  const text = readText(path);
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new InputError(`${path}: not valid JSON (${(cause as Error).message}).`, { cause });
  }
}

function readText(path: string): string {
  if (!existsSync(path)) throw new InputError(`${path}: no such file (is the NAB corpus at the expected place?).`);
  const bytes = readFileSync(path);
  return (path.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
}
