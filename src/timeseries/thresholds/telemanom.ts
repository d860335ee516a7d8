import { InputError, OptionError } from '../../core/errors.ts';
import { quantileSorted } from '../../thresholds/strategies.ts';
import type { Range } from '../metrics/ranges.ts';

/**
 * Telemanom's non-parametric dynamic threshold (Hundman, Constantinou, Laporte, Colwell & Söderström, "Detecting
 * Spacecraft Anomalies Using LSTMs and Nonparametric Dynamic Thresholding", KDD 2018; code khundman/telemanom
 * `telemanom/errors.py`), as a pure function of a series of errors (or any anomaly scores, higher = worse).
 *
 * 1. Smoothing: an exponentially weighted moving average (span = batchSize · windowSize · smoothingPercent), the
 *    first `sequenceLength` values replaced by the mean of the first 2 · sequenceLength (too little history).
 * 2. Threshold, per window of h = batchSize · windowSize past errors sliding by batchSize: ε = μ + zσ with z in
 *    {2.5, 3, …, 11.5} maximising (Δμ/μ + Δσ/σ) / (|E_seq|² + |e_a|): how much removing the errors above ε shrinks
 *    mean and deviation, against the number of anomalous points and sequences (at most 5 sequences, under half the
 *    window). Errors above ε (and errorBuffer rows either side) form anomalous sequences; only the newest batch of
 *    each window is judged after the first window. The same is done on errors mirrored about their mean (dips).
 * 3. Pruning: the sequences' maxima, sorted and followed by the largest error not flagged, are kept only down to the
 *    last one that stands more than p (13 %) above the next: small bumps next to a big one are not separate events.
 *
 * Divergences from the reference, each a bug fix: the window shrinks consistently when the series is short; indices
 * below 0 are never flagged; the sequence score is (max smoothed error − μ) / σ over the series.
 */
export interface DynamicThresholdOptions {
  /** rows judged per step (telemanom: 70) */
  batchSize?: number;
  /** batches of history per window (telemanom: 30, so h = 2100) */
  windowSize?: number;
  /** EWMA span as a share of h (telemanom: 0.05 → span 105); 0 turns smoothing off */
  smoothingPercent?: number;
  /** rows added on each side of an error above ε (telemanom: 100) */
  errorBuffer?: number;
  /** minimum relative separation kept by pruning (telemanom: 0.13) */
  p?: number;
  /** the forecaster's input length (telemanom l_s: 250): early rows with less history are smoothed flat and ignored */
  sequenceLength?: number;
  /** also look for anomalously low errors (telemanom: true) */
  inverse?: boolean;
  /**
   * smallest error that can be anomalous, in the units of the errors (telemanom: 0.05 on values scaled to [−1, 1]);
   * 0 turns the check off, for scores of another scale
   */
  minError?: number;
}

export interface DynamicThresholdResult {
  /** the smoothed errors the threshold was applied to */
  smoothed: Float64Array;
  /** 1 for rows inside an anomalous sequence */
  labels: Uint8Array;
  /** anomalous sequences, both ends included */
  sequences: Range[];
  /** per sequence: (max smoothed error − μ) / σ */
  sequenceScores: number[];
}

const DEFAULTS = { batchSize: 70, windowSize: 30, smoothingPercent: 0.05, errorBuffer: 100, p: 0.13, sequenceLength: 250, inverse: true, minError: 0.05 };

/**
 * `errors`: one per row, higher = worse. `values` (optional, same length): the series the errors are about; with it,
 * windows whose errors are tiny next to the spread of the values are skipped, as telemanom does.
 */
export function dynamicThreshold(errors: ArrayLike<number>, values?: ArrayLike<number>, options: DynamicThresholdOptions = {}): DynamicThresholdResult {
  const o = { ...DEFAULTS, ...options };
  for (const key of ['batchSize', 'windowSize', 'errorBuffer'] as const) {
    if (!Number.isInteger(o[key]) || o[key] < 1) throw new OptionError(`dynamicThreshold: '${key}' must be an integer >= 1. Got ${o[key]} instead.`);
  }
  const n = errors.length;
  if (n === 0) throw new InputError('dynamicThreshold: no errors given.');
  if (values !== undefined && values.length !== n) throw new InputError(`dynamicThreshold: ${n} errors and ${values.length} values; they must match.`);
  for (let i = 0; i < n; i++) if (!Number.isFinite(errors[i]!)) throw new InputError(`dynamicThreshold: error ${i} is ${errors[i]}; errors must be finite.`);
  const span = Math.trunc(o.batchSize * o.windowSize * o.smoothingPercent);
  const smoothed = span >= 1 ? smoothErrors(errors, span, o.sequenceLength) : Float64Array.from(errors);

  let windowSize = o.windowSize;
  let windows = Math.trunc((n - o.batchSize * windowSize) / o.batchSize);
  while (windows < 0 && windowSize > 1) {
    windowSize--;
    windows = Math.trunc((n - o.batchSize * windowSize) / o.batchSize);
  }
  windows = Math.max(windows, 0);
  const flagged = new Uint8Array(n);
  for (let w = 0; w <= windows; w++) {
    const from = w * o.batchSize;
    const to = w === windows ? n : Math.min(n, windowSize * o.batchSize + w * o.batchSize);
    if (to - from < 2) continue;
    const e = smoothed.subarray(from, to);
    const local = windowAnomalies(e, values === undefined ? undefined : sliceOf(values, from, to), w, flagged, from, n, o);
    for (const i of local) flagged[from + i] = 1;
  }
  const sequences = runs(flagged).filter(([s, e]) => e > s);
  const labels = new Uint8Array(n);
  for (const [s, e] of sequences) labels.fill(1, s, e + 1);
  const mean = meanOf(smoothed);
  const sd = stdOf(smoothed, mean) || 1;
  const sequenceScores = sequences.map(([s, e]) => {
    let m = -Infinity;
    for (let i = s; i <= e; i++) m = Math.max(m, smoothed[i]!);
    return (m - mean) / sd;
  });
  return { smoothed, labels, sequences, sequenceScores };
}

/** pandas `ewm(span).mean()` (adjusted weights), then the first `head` values set to the mean of the first 2·head. */
export function smoothErrors(errors: ArrayLike<number>, span: number, head = 0): Float64Array {
  const alpha = 2 / (span + 1);
  const out = new Float64Array(errors.length);
  let num = 0;
  let den = 0;
  for (let i = 0; i < errors.length; i++) {
    num = errors[i]! + (1 - alpha) * num;
    den = 1 + (1 - alpha) * den;
    out[i] = num / den;
  }
  if (head > 0 && errors.length > 0) {
    const m = meanOf(out.subarray(0, Math.min(2 * head, out.length)));
    out.fill(m, 0, Math.min(head, out.length));
  }
  return out;
}

/**
 * The z (threshold in deviations above the mean) that best separates the errors, telemanom's `find_epsilon`;
 * `sdLimit` (12) when no z flags anything acceptable.
 */
export function findEpsilon(e: ArrayLike<number>, errorBuffer: number, sdLimit = 12): number {
  const n = e.length;
  const mean = meanOf(e);
  const sd = stdOf(e, mean);
  let best = 0;
  let zBest = sdLimit;
  const cover = new Int32Array(n + 1);
  for (let z = 2.5; z < sdLimit; z += 0.5) {
    const epsilon = mean + sd * z;
    cover.fill(0);
    let below = 0;
    let belowSum = 0;
    let belowSq = 0;
    let any = false;
    for (let i = 0; i < n; i++) {
      const v = e[i]!;
      if (v < epsilon) {
        below++;
        belowSum += v;
        belowSq += v * v;
      }
      if (v > epsilon) {
        any = true;
        cover[Math.max(0, i - errorBuffer + 1)]!++;
        cover[Math.min(n, i + errorBuffer)]!--;
      }
    }
    if (!any) continue;
    let anomalous = 0;
    let sequences = 0;
    let runLength = 0;
    for (let i = 0, c = 0; i < n; i++) {
      c += cover[i]!;
      if (c > 0) {
        anomalous++;
        runLength++;
      } else {
        if (runLength > 1) sequences++;
        runLength = 0;
      }
    }
    if (runLength > 1) sequences++;
    const prunedMean = below > 0 ? belowSum / below : Number.NaN;
    const prunedSd = below > 0 ? Math.sqrt(Math.max(0, belowSq / below - prunedMean * prunedMean)) : Number.NaN;
    const s = ((mean - prunedMean) / mean + (sd - prunedSd) / sd) / (sequences * sequences + anomalous);
    if (s >= best && sequences <= 5 && anomalous < n * 0.5) {
      zBest = z;
      best = s;
    }
  }
  return zBest;
}

type Resolved = typeof DEFAULTS;

function windowAnomalies(
  e: Float64Array, y: Float64Array | undefined, window: number, flaggedSoFar: Uint8Array, offset: number, total: number, o: Resolved,
): number[] {
  const mean = meanOf(e);
  const sd = stdOf(e, mean);
  const z = findEpsilon(e, o.errorBuffer);
  const epsilon = mean + z * sd;
  let interRange = 0;
  let channelSd = 0;
  if (y !== undefined) {
    const sorted = Float64Array.from(y).sort();
    interRange = quantileSorted(sorted, 0.95) - quantileSorted(sorted, 0.05);
    channelSd = stdOf(y, meanOf(y));
  }
  const found = compareToEpsilon(e, epsilon, y !== undefined, interRange, channelSd, sd, window, flaggedSoFar, offset, total, o);
  let anomalies = found.sequences.length > 0 ? prune(found.sequences, e, found.nonAnomalousMax, found.indices, o.p) : found.indices;
  if (o.inverse) {
    const inverted = Float64Array.from(e, (v) => mean + (mean - v));
    const zInverse = findEpsilon(inverted, o.errorBuffer);
    const inv = compareToEpsilon(inverted, mean + zInverse * sd, y !== undefined, interRange, channelSd, sd, window, flaggedSoFar, offset, total, o);
    const invAnomalies = inv.sequences.length > 0 ? prune(inv.sequences, inverted, inv.nonAnomalousMax, inv.indices, o.p) : inv.indices;
    anomalies = [...new Set([...anomalies, ...invAnomalies])];
  }
  return anomalies;
}

function compareToEpsilon(
  e: Float64Array, epsilon: number, scaled: boolean, interRange: number, channelSd: number, sd: number,
  window: number, flaggedSoFar: Uint8Array, offset: number, total: number, o: Resolved,
): { sequences: Range[]; indices: number[]; nonAnomalousMax: number } {
  const n = e.length;
  let max = -Infinity;
  for (const v of e) max = Math.max(max, v);
  const none = { sequences: [], indices: [], nonAnomalousMax: 0 };
  // errors too small next to the values' spread are noise, not anomalies
  if (scaled && !(sd > 0.05 * channelSd || max > 0.05 * interRange)) return none;
  if (!(max > o.minError)) return none;
  let ignore = o.sequenceLength * 2;
  if (total < 2500) ignore = o.sequenceLength;
  if (total < 1800) ignore = 0;
  const mark = new Uint8Array(n);
  for (let x = 0; x < n; x++) {
    if (!(e[x]! > epsilon) || (scaled && !(e[x]! > 0.05 * interRange))) continue;
    for (let b = 0; b < o.errorBuffer; b++) {
      for (const i of [x + b, x - b]) {
        if (i < 0 || i >= n) continue;
        if (!(i >= n - o.batchSize || window === 0)) continue;
        if (window === 0 && i < ignore) continue;
        mark[i] = 1;
      }
    }
  }
  let nonAnomalousMax = 0;
  for (let x = 0; x < n; x++) if (e[x]! > nonAnomalousMax && flaggedSoFar[offset + x] !== 1 && mark[x] !== 1) nonAnomalousMax = e[x]!;
  const indices: number[] = [];
  for (let x = 0; x < n; x++) if (mark[x] === 1) indices.push(x);
  return { sequences: runs(mark).filter(([s, t]) => t > s), indices, nonAnomalousMax };
}

function prune(sequences: Range[], e: Float64Array, nonAnomalousMax: number, indices: number[], p: number): number[] {
  // as the reference: a sequence's maximum over [start, end) (its last row left out)
  const maxima = sequences.map(([s, t]) => {
    let m = -Infinity;
    for (let i = s; i < t; i++) m = Math.max(m, e[i]!);
    return m;
  });
  const order = maxima.map((m, i) => ({ m, i })).sort((a, b) => b.m - a.m);
  const chain = order.map((x) => x.m);
  if (nonAnomalousMax > 0) chain.push(nonAnomalousMax);
  let remove: number[] = [];
  for (let k = 0; k + 1 < chain.length; k++) {
    if ((chain[k]! - chain[k + 1]!) / chain[k]! < p) remove.push(order[k]!.i);
    else remove = [];
  }
  const kept = sequences.filter((_, i) => !remove.includes(i));
  return indices.filter((i) => kept.some(([s, t]) => i >= s && i <= t));
}

function runs(mask: Uint8Array): Range[] {
  const out: Range[] = [];
  let start = -1;
  for (let i = 0; i < mask.length; i++) {
    if (mask[i] === 1 && start < 0) start = i;
    if (mask[i] !== 1 && start >= 0) {
      out.push([start, i - 1]);
      start = -1;
    }
  }
  if (start >= 0) out.push([start, mask.length - 1]);
  return out;
}

function sliceOf(values: ArrayLike<number>, from: number, to: number): Float64Array {
  const out = new Float64Array(to - from);
  for (let i = from; i < to; i++) out[i - from] = values[i]!;
  return out;
}

function meanOf(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  return s / a.length;
}

function stdOf(a: ArrayLike<number>, mean: number): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - mean) ** 2;
  return Math.sqrt(s / a.length);
}
