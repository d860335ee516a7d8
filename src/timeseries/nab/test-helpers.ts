import type { ScoredSeries } from './series.ts';

const MINUTE = 60_000;

/** A series of `rows` rows one minute apart, with windows given as inclusive row ranges. */
export function makeSeries(name: string, rows: number, windowRows: readonly (readonly [number, number])[], scores?: ArrayLike<number>): ScoredSeries {
  const timestamps = Float64Array.from({ length: rows }, (_, i) => i * MINUTE);
  return {
    name,
    timestamps,
    windows: windowRows.map(([a, b]) => ({ start: a * MINUTE, end: b * MINUTE })),
    scores: scores ?? new Float64Array(rows),
  };
}

/** Scores that are 1 on the given rows and 0 elsewhere. */
export function detectionsAt(rows: number, at: readonly number[]): Float64Array {
  const scores = new Float64Array(rows);
  for (const i of at) scores[i] = 1;
  return scores;
}
