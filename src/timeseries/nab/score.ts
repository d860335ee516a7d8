import { OptionError } from '../../core/errors.ts';
import { checkProfile, type CostProfile } from './profiles.ts';
import { OUTSIDE_WINDOWS, PROBATIONARY, rowRewards } from './reward.ts';
import { checkScores, type ScoredSeries } from './series.ts';
import { checkFraction, type SweepOptions, type ThresholdScore } from './sweep.ts';

/** One file's NAB result at a threshold. */
export interface FileScore extends ThresholdScore {
  name: string;
}

/** The corpus result at a threshold: per-file rows and their totals (the "Totals" row of NAB's `*_scores.csv`). */
export interface NabScore extends ThresholdScore {
  files: FileScore[];
}

/**
 * NAB's raw score of one file at a threshold (numenta/NAB `scorer.scoreDataSet` → `Sweeper.scoreDataSet`): rows after
 * the probationary period whose anomaly score is >= threshold are detections; each window earns the reward of its
 * earliest detection or costs fnWeight when it has none; every detection outside windows costs its false-positive
 * weight. NAB reads this off its sweep; scoring the detections directly gives the same number (the tests check that)
 * and also answers when the threshold is below every score of the file, where NAB's lookup finds no row.
 */
export function scoreNabFile(series: ScoredSeries, profile: CostProfile, threshold: number, options: SweepOptions = {}): FileScore {
  checkProfile(profile, `NAB scorer, file ${series.name}`);
  checkThreshold(threshold);
  checkScores(series);
  const { reward, window } = rowRewards(series, profile, checkFraction(options.probationaryFraction));
  const windowCount = series.windows.length;
  const best = new Float64Array(windowCount).fill(Number.NaN);
  const scorable = new Uint8Array(windowCount);
  let tp = 0;
  let tn = 0;
  let fp = 0;
  let fn = 0;
  let falsePositiveSum = 0;
  for (let i = 0; i < reward.length; i++) {
    const w = window[i]!;
    if (w === PROBATIONARY) continue;
    const detected = series.scores[i]! >= threshold;
    if (w === OUTSIDE_WINDOWS) {
      if (detected) {
        fp++;
        falsePositiveSum += reward[i]!;
      } else tn++;
      continue;
    }
    scorable[w] = 1;
    if (detected) {
      tp++;
      // rewards fall across a window, so the first detection is the best one
      if (Number.isNaN(best[w]!)) best[w] = reward[i]!;
    } else fn++;
  }
  // A window wholly inside the probationary period counts neither way, as in NAB.
  let score = falsePositiveSum;
  for (let w = 0; w < windowCount; w++) {
    // NAB keeps max(−fnWeight, reward); with non-negative weights a detection always beats a miss, but say it as NAB does
    if (scorable[w] === 1) score += Number.isNaN(best[w]!) ? -profile.fnWeight : Math.max(-profile.fnWeight, best[w]!);
  }
  return { name: series.name, threshold, score, tp, tn, fp, fn, total: tp + tn + fp + fn };
}

/** NAB's raw score of a corpus at one threshold: every file scored, totals summed (numenta/NAB `scorer.scoreCorpus`). */
export function scoreNab(series: readonly ScoredSeries[], profile: CostProfile, threshold: number, options: SweepOptions = {}): NabScore {
  const files = series.map((s) => scoreNabFile(s, profile, threshold, options));
  const totals: NabScore = { threshold, score: 0, tp: 0, tn: 0, fp: 0, fn: 0, total: 0, files };
  for (const f of files) {
    totals.score += f.score;
    totals.tp += f.tp;
    totals.tn += f.tn;
    totals.fp += f.fp;
    totals.fn += f.fn;
    totals.total += f.total;
  }
  return totals;
}

function checkThreshold(threshold: number): void {
  if (typeof threshold !== 'number' || Number.isNaN(threshold)) {
    throw new OptionError(`The NAB scorer's threshold must be a number (Infinity: no detections). Got ${JSON.stringify(threshold)} instead.`);
  }
}
