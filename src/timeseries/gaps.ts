import { InputError, OptionError } from '../core/errors.ts';
import { createMatrix } from '../core/matrix.ts';
import type { Series } from './series.ts';

/**
 * Irregular sampling and gaps. The regular step of a series is the (lower) median difference between consecutive
 * timestamps; a gap is a difference of more than 1.5 steps (at least one sample missing); an irregularity is a
 * difference that is not a whole number of steps (more than 10 % off). Timestamps must increase strictly: a
 * duplicate or a step back is an error naming the row, since no resampling rule can guess what it meant.
 */
export interface Gap {
  /** index of the last row before the gap */
  after: number;
  /** timestamps on both sides */
  from: number;
  to: number;
  /** samples missing at the regular step */
  missing: number;
}

export interface SamplingReport {
  /** the regular step (median difference); NaN for fewer than 2 timestamps */
  step: number;
  gaps: Gap[];
  /** rows whose distance from the previous row is not a whole number of steps */
  irregular: number[];
  /** total samples missing at the regular step */
  missing: number;
  /** true when there is nothing to report */
  regular: boolean;
}

export function inspectSampling(timestamps: Float64Array, where = 'series'): SamplingReport {
  const n = timestamps.length;
  if (n < 2) return { step: Number.NaN, gaps: [], irregular: [], missing: 0, regular: true };
  const diffs = new Float64Array(n - 1);
  for (let i = 1; i < n; i++) {
    const d = timestamps[i]! - timestamps[i - 1]!;
    if (!(d > 0)) {
      throw new InputError(`${where}: timestamps must increase; row ${i} (${timestamps[i]}) ${d === 0 ? 'repeats' : 'comes before'} row ${i - 1} (${timestamps[i - 1]}).`);
    }
    diffs[i - 1] = d;
  }
  // the lower median: gaps only ever lengthen differences
  const step = Float64Array.from(diffs).sort()[Math.floor((n - 2) / 2)]!;
  const gaps: Gap[] = [];
  const irregular: number[] = [];
  let missing = 0;
  for (let i = 0; i < diffs.length; i++) {
    const ratio = diffs[i]! / step;
    const whole = Math.round(ratio);
    if (Math.abs(ratio - whole) > 0.1 || whole === 0) irregular.push(i + 1);
    if (ratio > 1.5) {
      const m = Math.max(1, whole - 1);
      gaps.push({ after: i, from: timestamps[i]!, to: timestamps[i + 1]!, missing: m });
      missing += m;
    }
  }
  return { step, gaps, irregular, missing, regular: gaps.length === 0 && irregular.length === 0 };
}

export interface ResampleOptions {
  /** the grid step; default: the series' median step */
  step?: number;
  /** 'linear' interpolates between the neighbouring samples; 'previous' carries the last sample forward */
  method?: 'linear' | 'previous';
}

/**
 * The series on a regular grid from its first timestamp, at `step`: every channel interpolated (or carried
 * forward) at each grid time. Samples between grid times are not averaged: resample to a coarser step only after
 * smoothing when that matters.
 */
export function resampleSeries(series: Series, options: ResampleOptions = {}): Series {
  const t = series.timestamps;
  if (t === undefined) throw new OptionError('Resampling needs timestamps: name the time column.');
  const report = inspectSampling(t);
  const step = options.step ?? report.step;
  if (!(step > 0) || !Number.isFinite(step)) throw new OptionError(`The resampling step must be a positive number. Got ${step} instead.`);
  const method = options.method ?? 'linear';
  const { rows, cols, data } = series.values;
  const count = Math.floor((t[rows - 1]! - t[0]!) / step + 1e-9) + 1;
  const times = new Float64Array(count);
  const out = new Float64Array(count * cols);
  let j = 0;
  for (let k = 0; k < count; k++) {
    const time = t[0]! + k * step;
    times[k] = time;
    while (j + 1 < rows && t[j + 1]! <= time) j++;
    const next = Math.min(j + 1, rows - 1);
    const span = t[next]! - t[j]!;
    const w = method === 'previous' || span <= 0 || time <= t[j]! ? 0 : (time - t[j]!) / span;
    for (let c = 0; c < cols; c++) out[k * cols + c] = data[j * cols + c]! * (1 - w) + data[next * cols + c]! * w;
  }
  return { ...series, values: createMatrix(count, cols, out), timestamps: times };
}
