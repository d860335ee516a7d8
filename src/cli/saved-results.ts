/**
 * Results read back from a file that `dad detect`, `dad score` or `dad ts detect` wrote (`--out`), as CSV or JSON:
 * score and 0/1 label per row, with the id, the time, the channel scores and the `--explain` top features when
 * present; the detector and threshold from JSON (CSV does not carry them). Every value is checked, and a bad one is
 * an InputError naming the file, the row and the column.
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { InputError } from '../core/errors.ts';
import { createMatrix, type Matrix } from '../core/matrix.ts';
import type { FeatureContribution } from '../explain/index.ts';
import { parseTimestamp } from '../timeseries/timestamps.ts';

export interface SavedResults {
  source: string;
  detector?: string | undefined;
  threshold?: number | undefined;
  scores: Float64Array;
  labels: Uint8Array;
  ids?: string[] | undefined;
  /** `dad ts detect` results: the time of each row (milliseconds, or numbers when `numericTime`) */
  times?: Float64Array | undefined;
  numericTime: boolean;
  channels?: string[] | undefined;
  channelScores?: Matrix | undefined;
  topFeatures?: (FeatureContribution[] | undefined)[] | undefined;
}

type Row = Record<string, unknown>;

export async function readSavedResults(path: string): Promise<SavedResults> {
  const text = await readFile(path, 'utf8');
  const json = path.toLowerCase().endsWith('.json') || /^\s*\{/.test(text);
  return json ? fromJson(path, text) : fromCsv(path, text);
}

function fromJson(path: string, text: string): SavedResults {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (cause) {
    throw new InputError(`${path}: not valid JSON (${(cause as Error).message}).`, { cause });
  }
  const d = doc as { detector?: unknown; threshold?: unknown; rows?: unknown };
  if (d === null || typeof d !== 'object' || !Array.isArray(d.rows)) {
    throw new InputError(`${path}: expected the JSON that dad detect / score / ts detect write: {"detector", "threshold", "rows": [{"score", "label", …}]}.`);
  }
  const rows = d.rows as Row[];
  const first = rows[0] ?? {};
  const channels = first['channels'] !== null && typeof first['channels'] === 'object' ? Object.keys(first['channels'] as object) : undefined;
  return collect(path, rows, {
    detector: typeof d.detector === 'string' ? d.detector : undefined,
    threshold: typeof d.threshold === 'number' ? d.threshold : undefined,
    channels,
    channel: (row, name) => (row['channels'] as Row | undefined)?.[name],
    topFeatures: (row, where) => {
      const top = row['top_features'];
      if (top === undefined) return undefined;
      if (!Array.isArray(top)) throw new InputError(`${where}: top_features must be a list of {"feature", "contribution"}.`);
      return top.map((t: { feature?: unknown; contribution?: unknown }) => ({ feature: String(t.feature), contribution: number(t.contribution, `${where}, top_features`) }));
    },
    rowName: (i) => `${path}, row ${i + 1} of "rows"`,
  });
}

function fromCsv(path: string, text: string): SavedResults {
  let rows: Row[];
  try {
    rows = parse(text, { columns: true, skip_empty_lines: true }) as Row[];
  } catch (cause) {
    throw new InputError(`${path}: not readable as CSV (${(cause as Error).message}).`, { cause });
  }
  const header = rows.length === 0 ? [] : Object.keys(rows[0]!);
  const channels = header.filter((h) => h.startsWith('score_')).map((h) => h.slice('score_'.length));
  return collect(path, rows, {
    detector: undefined,
    threshold: undefined,
    channels: channels.length > 0 ? channels : undefined,
    channel: (row, name) => row[`score_${name}`],
    topFeatures: (row, where) => {
      const cell = row['top_features'];
      if (cell === undefined || cell === '') return undefined;
      // 'feature:contribution;…' as results.ts writes it; a feature name may itself hold ':' (split at the last one)
      return String(cell).split(';').map((item) => {
        const at = item.lastIndexOf(':');
        if (at <= 0) throw new InputError(`${where}, column top_features: expected 'feature:contribution;…'. Got '${item}' instead.`);
        return { feature: item.slice(0, at), contribution: number(item.slice(at + 1), `${where}, column top_features`) };
      });
    },
    rowName: (i) => `${path}, line ${i + 2}`,
  });
}

interface Layout {
  detector: string | undefined;
  threshold: number | undefined;
  channels: string[] | undefined;
  channel: (row: Row, name: string) => unknown;
  topFeatures: (row: Row, where: string) => FeatureContribution[] | undefined;
  rowName: (i: number) => string;
}

function collect(path: string, rows: readonly Row[], layout: Layout): SavedResults {
  if (rows.length === 0) throw new InputError(`${path}: no result rows.`);
  const first = rows[0]!;
  for (const column of ['score', 'label']) {
    if (!(column in first)) throw new InputError(`${path}: no '${column}' column; expected the results of dad detect, dad score or dad ts detect (score and label per row).`);
  }
  const n = rows.length;
  const scores = new Float64Array(n);
  const labels = new Uint8Array(n);
  const hasId = 'id' in first;
  const hasTime = 'time' in first;
  const ids = hasId ? new Array<string>(n) : undefined;
  const times = hasTime ? new Float64Array(n) : undefined;
  let numericTime = true;
  const channels = layout.channels;
  const channelScores = channels === undefined ? undefined : createMatrix(n, channels.length);
  let topFeatures: (FeatureContribution[] | undefined)[] | undefined;
  rows.forEach((row, i) => {
    const where = layout.rowName(i);
    scores[i] = number(row['score'], `${where}, column score`);
    const label = number(row['label'], `${where}, column label`);
    if (label !== 0 && label !== 1) throw new InputError(`${where}, column label: expected 0 or 1. Got ${String(row['label'])} instead.`);
    labels[i] = label;
    if (ids !== undefined) ids[i] = String(row['id'] ?? '');
    if (times !== undefined) {
      const t = String(row['time'] ?? '');
      const plain = t.trim() !== '' && Number.isFinite(Number(t));
      if (i === 0) numericTime = plain;
      times[i] = numericTime ? number(t, `${where}, column time`) : parseTimestamp(t, `${where}, column time`);
    }
    if (channels !== undefined) {
      channels.forEach((name, c) => {
        channelScores!.data[i * channels.length + c] = number(layout.channel(row, name), `${where}, channel score '${name}'`);
      });
    }
    const top = layout.topFeatures(row, where);
    if (top !== undefined) {
      topFeatures ??= new Array<FeatureContribution[] | undefined>(n).fill(undefined);
      topFeatures[i] = top;
    }
  });
  return { source: path, detector: layout.detector, threshold: layout.threshold, scores, labels, ids, times, numericTime: times === undefined || numericTime, channels, channelScores, topFeatures };
}

function number(value: unknown, where: string): number {
  const v = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
  if (!Number.isFinite(v)) throw new InputError(`${where}: expected a finite number. Got ${JSON.stringify(value)} instead.`);
  return v;
}
