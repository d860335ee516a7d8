import { InputError } from '../../core/errors.ts';
import type { NabWindow } from './windows.ts';

/** One NAB data file as the scorer sees it: its row timestamps and its labelled anomaly windows. */
export interface LabelledSeries {
  /** `<category>/<file>.csv`, as in `labels/combined_windows.json`; names the file in errors and results */
  name: string;
  /** row timestamps, milliseconds since the epoch (UTC), in file order */
  timestamps: ArrayLike<number>;
  /** anomaly windows, sorted and disjoint; their limits are row timestamps */
  windows: readonly NabWindow[];
}

/** A labelled series with a detector's anomaly score for every row (NAB's `anomaly_score` column). */
export interface ScoredSeries extends LabelledSeries {
  scores: ArrayLike<number>;
}

/** Refuses scores that NAB's sort-based sweep could not order: a length other than the rows', or NaN. */
export function checkScores(series: ScoredSeries): void {
  const { name, timestamps, scores } = series;
  if (scores.length !== timestamps.length) {
    throw new InputError(`${name}: got ${scores.length} anomaly scores for ${timestamps.length} rows; there must be one per row.`);
  }
  for (let i = 0; i < scores.length; i++) {
    if (Number.isNaN(scores[i]!)) throw new InputError(`${name}: the anomaly score of row ${i} is NaN; every row needs a number.`);
  }
}
