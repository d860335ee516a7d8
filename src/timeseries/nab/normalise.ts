import { InputError } from '../../core/errors.ts';
import type { CostProfile } from './profiles.ts';
import { scoreNab } from './score.ts';
import type { LabelledSeries, ScoredSeries } from './series.ts';
import type { SweepOptions } from './sweep.ts';

/**
 * NAB's normalised score (numenta/NAB `Runner.normalize`): 100·(raw − null)/(perfect − null), so that the null
 * detector scores 0 and the perfect one 100.
 */
export function normalise(raw: number, nullScore: number, perfectScore: number): number {
  if (!(perfectScore > nullScore)) {
    throw new InputError(`NAB normalisation needs a perfect score above the null score. Got perfect ${perfectScore}, null ${nullScore} instead (are there no anomaly windows?).`);
  }
  return (100 * (raw - nullScore)) / (perfectScore - nullScore);
}

/**
 * The null detector's raw score: no detections at all, so −fnWeight for every window with a row after probation.
 * NAB reads it from the null detector's own results (constant 0.5 scores at a threshold above them): the same number.
 */
export function nullScore(series: readonly LabelledSeries[], profile: CostProfile, options: SweepOptions = {}): number {
  const silent: ScoredSeries[] = series.map((s) => ({ ...s, scores: new Float64Array(s.timestamps.length) }));
  return scoreNab(silent, profile, Infinity, options).score;
}

/**
 * The perfect detector's raw score: every window detected on its first row, which earns exactly tpWeight. NAB counts
 * every window of its label file here (`tpCount`), including any that probation hides; `windowCount` is that number,
 * the sum over the series by default.
 */
export function perfectScore(series: readonly LabelledSeries[] | number, profile: CostProfile): number {
  const windowCount = typeof series === 'number' ? series : series.reduce((n, s) => n + s.windows.length, 0);
  return windowCount * profile.tpWeight;
}
