import { InputError } from '../../core/errors.ts';
import { labelRanges, type Range } from './ranges.ts';

/**
 * Range-AUC and the volume under the surface, VUS-ROC and VUS-PR (Paparrizos, Boniol, Palpanas, Tsay, Elmore &
 * Franklin, "Volume Under the Surface", PVLDB 2022; reference code TheDatumOrg/VUS `RangeAUC_volume_opt`).
 *
 * Each labelled range is widened by a buffer of ℓ/2 rows on both sides whose labels fall off as √(1 − d/ℓ); a flagged
 * buffer row counts as a partial true positive, so a detector that fires just before or after an event is not scored
 * as if it missed it. TPR is recall × the share of (widened) events touched; recall is taken over the mean of the
 * original and the widened positive mass. Range-AUC is the area at one ℓ; VUS averages it over ℓ = 0 … `window`.
 * Thresholds: `thresholds` scores evenly spaced in the sorted scores (250 in the reference), flagging score ≥ t.
 */
export interface VusOptions {
  /** largest buffer ℓ; default: the median length of the labelled ranges (VUS's `get_sliding_window`), at most 256 */
  window?: number;
  /** thresholds per curve; default 250 */
  thresholds?: number;
}

export interface VusScores {
  vusRoc: number;
  vusPr: number;
  /** range-AUC-ROC and -PR at ℓ = window (the largest buffer) */
  rangeRocAuc: number;
  rangePrAuc: number;
  window: number;
}

export function vus(labels: ArrayLike<number>, scores: ArrayLike<number>, options: VusOptions = {}): VusScores {
  if (labels.length !== scores.length) throw new InputError(`vus: ${labels.length} labels and ${scores.length} scores; they must match.`);
  const n = labels.length;
  const seq = labelRanges(labels);
  if (seq.length === 0) throw new InputError('vus: the labels hold no anomalies (label 1); VUS is undefined.');
  for (let i = 0; i < n; i++) if (Number.isNaN(scores[i]!)) throw new InputError(`vus: score ${i} is NaN.`);
  const lengths = seq.map(([s, e]) => e - s + 1).sort((a, b) => a - b);
  const window = options.window ?? Math.min(256, lengths[Math.floor(lengths.length / 2)]!);
  if (!Number.isInteger(window) || window < 0) throw new InputError(`vus: the window must be an integer >= 0. Got ${window} instead.`);
  const thre = options.thresholds ?? 250;
  let positives = 0;
  for (let i = 0; i < n; i++) positives += labels[i]!;

  const sorted = Float64Array.from(scores as ArrayLike<number>).sort().reverse();
  const cuts = new Float64Array(thre);
  const flagged = new Float64Array(thre);
  const anomalousFlagged = new Float64Array(thre);
  const anomalyScores = Float64Array.from(seq.flatMap(([s, e]) => Array.from({ length: e - s + 1 }, (_, k) => scores[s + k]!))).sort();
  for (let k = 0; k < thre; k++) {
    const t = sorted[Math.floor((k * (n - 1)) / (thre - 1 || 1))]!;
    cuts[k] = t;
    anomalousFlagged[k] = countAtLeast(anomalyScores, t);
  }
  const ascending = Float64Array.from(sorted).reverse();
  for (let k = 0; k < thre; k++) flagged[k] = countAtLeast(ascending, cuts[k]!);

  let sumRoc = 0;
  let sumPr = 0;
  let lastRoc = 0;
  let lastPr = 0;
  for (let w = 0; w <= window; w++) {
    const { roc, pr } = rangeAuc(seq, scores, n, w, positives, cuts, flagged, anomalousFlagged);
    sumRoc += roc;
    sumPr += pr;
    lastRoc = roc;
    lastPr = pr;
  }
  return { vusRoc: sumRoc / (window + 1), vusPr: sumPr / (window + 1), rangeRocAuc: lastRoc, rangePrAuc: lastPr, window };
}

function countAtLeast(ascending: Float64Array, t: number): number {
  let lo = 0;
  let hi = ascending.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ascending[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return ascending.length - lo;
}

/** The widened events at buffer ℓ: ranges grown by ℓ/2 each side and merged where they meet (VUS's `new_sequence`). */
function widened(seq: readonly Range[], n: number, half: number): Range[] {
  const out: Range[] = [];
  let a = Math.max(seq[0]![0] - half, 0);
  for (let i = 0; i < seq.length - 1; i++) {
    if (seq[i]![1] + half < seq[i + 1]![0] - half) {
      out.push([a, seq[i]![1] + half]);
      a = seq[i + 1]![0] - half;
    }
  }
  out.push([a, Math.min(seq[seq.length - 1]![1] + half, n - 1)]);
  return out;
}

function rangeAuc(
  seq: readonly Range[], scores: ArrayLike<number>, n: number, w: number, positives: number,
  cuts: Float64Array, flagged: Float64Array, anomalousFlagged: Float64Array,
): { roc: number; pr: number } {
  const half = Math.floor(w / 2);
  // buffer rows outside the labelled ranges, with their soft label (max over the events that reach them, capped at 1)
  const soft = new Map<number, number>();
  const inSeq = (i: number): boolean => seq.some(([s, e]) => i >= s && i <= e);
  for (const [s, e] of seq) {
    for (let x = e + 1; x < Math.min(e + half + 1, n); x++) if (!inSeq(x)) soft.set(x, Math.min(1, (soft.get(x) ?? 0) + Math.sqrt(1 - (x - e) / w)));
    for (let x = Math.max(s - half, 0); x < s; x++) if (!inSeq(x)) soft.set(x, Math.min(1, (soft.get(x) ?? 0) + Math.sqrt(1 - (s - x) / w)));
  }
  const bufferRows = [...soft.entries()];
  const events = widened(seq, n, half);
  const eventMax = events.map(([s, e]) => {
    let m = -Infinity;
    for (let i = s; i <= e; i++) m = Math.max(m, scores[i]!);
    return m;
  });
  const thre = cuts.length;
  const tpr = new Float64Array(thre + 2);
  const fpr = new Float64Array(thre + 2);
  const precision = new Float64Array(thre + 1).fill(1);
  for (let k = 0; k < thre; k++) {
    const t = cuts[k]!;
    let buffer = 0;
    for (const [i, l] of bufferRows) if (scores[i]! >= t) buffer += l;
    let existence = 0;
    for (const m of eventMax) if (m >= t) existence++;
    const tp = anomalousFlagged[k]! + buffer;
    const labelled = positives + buffer;
    const fp = flagged[k]! - tp;
    const pNew = (positives + labelled) / 2;
    tpr[k + 1] = Math.min(tp / pNew, 1) * (existence / events.length);
    fpr[k + 1] = fp / (n - pNew);
    precision[k + 1] = tp / flagged[k]!;
  }
  tpr[thre + 1] = 1;
  fpr[thre + 1] = 1;
  let roc = 0;
  for (let j = 1; j < thre + 2; j++) roc += (fpr[j]! - fpr[j - 1]!) * (tpr[j]! + tpr[j - 1]!) / 2;
  let pr = 0;
  for (let j = 1; j < thre + 1; j++) pr += (tpr[j]! - tpr[j - 1]!) * precision[j]!;
  return { roc, pr };
}
