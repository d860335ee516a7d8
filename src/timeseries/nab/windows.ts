import { InputError } from '../../core/errors.ts';

/** A labelled anomaly window: inclusive first and last timestamps (milliseconds since the epoch, UTC). */
export interface NabWindow {
  start: number;
  end: number;
}

/** A window as row positions in its file: inclusive first and last row. */
export interface WindowRows {
  first: number;
  last: number;
}

/**
 * Row positions of each window. NAB enters a window on the row whose timestamp equals the window's start and leaves it
 * on the row equal to its end (`timestamps.index(...)`, the first such row), so both limits must be timestamps of the
 * file; NAB would silently skip a window whose start is missing and crash on a missing end, and we refuse both. Windows
 * must be in time order and must not overlap, as NAB's labeller guarantees.
 */
export function locateWindows(name: string, timestamps: ArrayLike<number>, windows: readonly NabWindow[]): WindowRows[] {
  const firstRow = new Map<number, number>();
  for (let i = 0; i < timestamps.length; i++) {
    const t = timestamps[i]!;
    if (!firstRow.has(t)) firstRow.set(t, i);
  }
  const out: WindowRows[] = [];
  for (let w = 0; w < windows.length; w++) {
    const { start, end } = windows[w]!;
    const first = firstRow.get(start);
    const last = firstRow.get(end);
    const label = `${name}: anomaly window ${w} [${formatTimestamp(start)}, ${formatTimestamp(end)}]`;
    if (first === undefined) throw new InputError(`${label}: its start is not a timestamp of the file's rows.`);
    if (last === undefined) throw new InputError(`${label}: its end is not a timestamp of the file's rows.`);
    if (last < first) throw new InputError(`${label}: it ends (row ${last}) before it starts (row ${first}).`);
    const previous = out[w - 1];
    if (previous !== undefined && first <= previous.last) {
      throw new InputError(`${label}: it starts at row ${first}, inside or before window ${w - 1} (rows ${previous.first}–${previous.last}); windows must be sorted and disjoint.`);
    }
    out.push({ first, last });
  }
  return out;
}

/**
 * Per-row 0/1 labels from anomaly windows: 1 where start <= timestamp <= end for some window, as NAB's
 * `CorpusLabel.getLabels` does (by timestamp, not by row, so it also works for windows whose limits are not rows).
 */
export function windowsToLabels(timestamps: ArrayLike<number>, windows: readonly NabWindow[]): Uint8Array {
  const labels = new Uint8Array(timestamps.length);
  for (const { start, end } of windows) {
    for (let i = 0; i < timestamps.length; i++) {
      const t = timestamps[i]!;
      if (t >= start && t <= end) labels[i] = 1;
    }
  }
  return labels;
}

/**
 * Rows at the start of a file that NAB does not score, while a detector learns: min(⌊fraction·n⌋, fraction·5000),
 * i.e. 15 % of the rows but at most 750 (numenta/NAB `Sweeper._getProbationaryLength`).
 */
export function probationaryLength(rows: number, fraction = 0.15): number {
  return Math.min(Math.floor(fraction * rows), fraction * 5000);
}

/** 'YYYY-MM-DD HH:MM:SS' (UTC), the way NAB's files write timestamps. */
export function formatTimestamp(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.000Z$/, '').replace(/Z$/, '');
}
