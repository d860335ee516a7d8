import type { CostProfile } from './profiles.ts';
import type { LabelledSeries } from './series.ts';
import { locateWindows, probationaryLength } from './windows.ts';

/** Window index of a row outside every window. */
export const OUTSIDE_WINDOWS = -1;
/** Window index of a row in the probationary period: NAB leaves it out of every count and score. */
export const PROBATIONARY = -2;

/**
 * NAB's scaled sigmoid of a relative position: 2/(1+e^{5x}) − 1, i.e. 0.9866 at the left edge of a window (x = −1),
 * 0 at its right edge (x = 0), −0.9866 one window width past it; NAB cuts it to −1 beyond three widths.
 */
export function scaledSigmoid(relativePosition: number): number {
  if (relativePosition > 3.0) return -1.0;
  return 2 * (1 / (1 + Math.exp(5 * relativePosition))) - 1.0;
}

/** What each row would add to the score if it were a detection, and the window it belongs to. */
export interface RowRewards {
  /** the row's weighted score as a detection: a true-positive reward inside a window, a false-positive cost outside */
  reward: Float64Array;
  /** index of the row's window in the file, OUTSIDE_WINDOWS, or PROBATIONARY */
  window: Int32Array;
}

/**
 * Port of numenta/NAB `Sweeper.calcSweepScore`. Inside a window of width w ending at row r, a detection at row i sits
 * at −(r − i + 1)/w and earns scaledSigmoid of it, scaled by tpWeight/scaledSigmoid(−1) so that a detection on the
 * window's first row earns exactly tpWeight (the "perfect" detector's reward). Outside windows, a detection costs
 * fpWeight times scaledSigmoid of its distance past the end of the preceding window in units of (w − 1) rows, or the
 * full fpWeight when no window precedes it. Rows of the probationary period get the PROBATIONARY mark.
 */
export function rowRewards(series: LabelledSeries, profile: CostProfile, probationaryFraction = 0.15): RowRewards {
  const n = series.timestamps.length;
  const windows = locateWindows(series.name, series.timestamps, series.windows);
  const probation = probationaryLength(n, probationaryFraction);
  const maxTruePositive = scaledSigmoid(-1.0);
  const reward = new Float64Array(n);
  const window = new Int32Array(n);

  let next = 0; // next window to enter
  let current = -1; // window the row is in, or -1
  let previousLast = -1; // last row of the preceding window, -1 before the first
  let previousWidth = 0;
  for (let i = 0; i < n; i++) {
    const upcoming = windows[next];
    if (upcoming !== undefined && i === upcoming.first) {
      current = next;
      next++;
    }
    const inside = current >= 0 ? windows[current]! : undefined;
    if (inside !== undefined) {
      const width = inside.last - inside.first + 1;
      reward[i] = (scaledSigmoid(-(inside.last - i + 1) / width) * profile.tpWeight) / maxTruePositive;
    } else if (previousLast < 0) {
      reward[i] = -1.0 * profile.fpWeight;
    } else {
      // A one-row window makes this 1/0 = Infinity: the sigmoid's cut-off gives the full cost, where NAB would stop
      // with ZeroDivisionError.
      reward[i] = scaledSigmoid(Math.abs(previousLast - i) / (previousWidth - 1)) * profile.fpWeight;
    }
    window[i] = i < probation ? PROBATIONARY : inside !== undefined ? current : OUTSIDE_WINDOWS;
    if (inside !== undefined && i === inside.last) {
      previousLast = i;
      previousWidth = inside.last - inside.first + 1;
      current = -1;
    }
  }
  return { reward, window };
}
