import { OptionError } from '../../core/errors.ts';
import { checkProfile, type CostProfile } from './profiles.ts';
import { OUTSIDE_WINDOWS, PROBATIONARY, rowRewards } from './reward.ts';
import { checkScores, type ScoredSeries } from './series.ts';

/** The corpus score and row counts at one threshold: rows scoring >= threshold are detections. */
export interface ThresholdScore {
  threshold: number;
  /** raw NAB score: window rewards (or −fnWeight for missed windows) plus false-positive costs */
  score: number;
  /** rows (after probation) counted as NAB counts them: tp = detections in windows, fn = rows of windows not detected… */
  tp: number;
  tn: number;
  fp: number;
  fn: number;
  total: number;
}

export interface SweepOptions {
  /** share of each file's rows ignored at its start (capped at fraction·5000 rows); NAB uses 0.15 */
  probationaryFraction?: number;
}

/**
 * NAB's score at every threshold the data allow, highest first: a port of numenta/NAB `Sweeper.calcScoreByThreshold`
 * run over all files together, as its optimiser does. Rows after probation are sorted by anomaly score, highest first,
 * and made detections one by one; each time the score changes value the current total is recorded under the previous
 * threshold. A window counts once, with the best reward among its detections, which is its earliest one since rewards
 * fall across a window; false positives add up.
 *
 * Kept exact where it can matter for the choice of threshold: ties keep file then row order (Python's stable sort),
 * and each total is summed as Python's `sum(scoreParts.values())` sums it (false positives first, then windows in the
 * order they were first detected). The first entry, "no detections", carries NAB's threshold 1.1 (its scores lie in
 * [0, 1]); Infinity when some score reaches 1.1.
 */
export function scoresByThreshold(series: readonly ScoredSeries[], profile: CostProfile, options: SweepOptions = {}): ThresholdScore[] {
  checkProfile(profile, 'NAB threshold sweep');
  const fraction = checkFraction(options.probationaryFraction);
  let rows = 0;
  for (const s of series) {
    checkScores(s);
    rows += s.timestamps.length;
  }
  // The rows that count, flattened over the corpus; window ids are made unique across files.
  const scores = new Float64Array(rows);
  const rewards = new Float64Array(rows);
  const windowIds = new Int32Array(rows);
  let m = 0;
  let windowCount = 0;
  for (const s of series) {
    const { reward, window } = rowRewards(s, profile, fraction);
    for (let i = 0; i < reward.length; i++) {
      const w = window[i]!;
      if (w === PROBATIONARY) continue;
      scores[m] = s.scores[i]!;
      rewards[m] = reward[i]!;
      windowIds[m] = w === OUTSIDE_WINDOWS ? -1 : windowCount + w;
      m++;
    }
    windowCount += s.windows.length;
  }

  const order = new Uint32Array(m);
  for (let i = 0; i < m; i++) order[i] = i;
  order.sort((a, b) => scores[b]! - scores[a]! || a - b);

  // Every window with a scorable row starts as a miss; `parts` is the order Python's dict holds them in.
  const best = new Float64Array(windowCount).fill(Number.NaN);
  const parts: number[] = [];
  let tn = 0;
  let fn = 0;
  let maxScore = -Infinity;
  for (const i of order) {
    const w = windowIds[i]!;
    if (w < 0) tn++;
    else {
      fn++;
      if (Number.isNaN(best[w]!)) {
        best[w] = -profile.fnWeight;
        parts.push(w);
      }
    }
    if (scores[i]! > maxScore) maxScore = scores[i]!;
  }

  let tp = 0;
  let fp = 0;
  let falsePositiveSum = 0;
  const total = (): number => {
    let sum = 0 + falsePositiveSum;
    for (const w of parts) sum += best[w]!;
    return sum;
  };
  const out: ThresholdScore[] = [];
  let threshold = maxScore < 1.1 ? 1.1 : Infinity;
  for (const i of order) {
    const score = scores[i]!;
    if (score !== threshold) {
      out.push({ threshold, score: total(), tp, tn, fp, fn, total: tp + tn + fp + fn });
      threshold = score;
    }
    const w = windowIds[i]!;
    if (w >= 0) {
      tp++;
      fn--;
      if (rewards[i]! > best[w]!) best[w] = rewards[i]!;
    } else {
      fp++;
      tn--;
      falsePositiveSum += rewards[i]!;
    }
  }
  out.push({ threshold, score: total(), tp, tn, fp, fn, total: tp + tn + fp + fn });
  return out;
}

/**
 * NAB's optimiser (numenta/NAB `optimizer.optimizeThreshold`): the threshold with the highest corpus score over all
 * thresholds of the sweep; among equal scores, the highest threshold (the first in sweep order, as Python's stable
 * sort keeps it).
 */
export function sweepThreshold(series: readonly ScoredSeries[], profile: CostProfile, options: SweepOptions = {}): ThresholdScore {
  const sweep = scoresByThreshold(series, profile, options);
  let best = sweep[0]!;
  for (const row of sweep) if (row.score > best.score) best = row;
  return best;
}

export function checkFraction(fraction: number | undefined): number {
  if (fraction === undefined) return 0.15;
  if (!Number.isFinite(fraction) || fraction < 0 || fraction >= 1) {
    throw new OptionError(`The 'probationaryFraction' option of the NAB scorer must be a number in [0, 1). Got ${fraction} instead.`);
  }
  return fraction;
}
