import { InputError } from '../../core/errors.ts';

/** An anomalous range of rows, both ends included (as telemanom's labelled_anomalies.csv). */
export type Range = readonly [start: number, end: number];

/** The runs of 1s in 0/1 labels or predictions, as inclusive ranges. */
export function labelRanges(labels: ArrayLike<number>): Range[] {
  const out: Range[] = [];
  let start = -1;
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i];
    if (v !== 0 && v !== 1) throw new InputError(`labelRanges: value ${i} is ${String(v)}; expected 0 or 1.`);
    if (v === 1 && start < 0) start = i;
    if (v === 0 && start >= 0) {
      out.push([start, i - 1]);
      start = -1;
    }
  }
  if (start >= 0) out.push([start, labels.length - 1]);
  return out;
}

/** 0/1 labels of `length` rows with the given inclusive ranges set to 1 (clipped to the series). */
export function rangesToLabels(ranges: readonly Range[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (const [s, e] of ranges) {
    if (!Number.isInteger(s) || !Number.isInteger(e) || e < s) throw new InputError(`rangesToLabels: [${s}, ${e}] is not a range of row indices.`);
    for (let i = Math.max(0, s); i <= Math.min(e, length - 1); i++) out[i] = 1;
  }
  return out;
}

/** 0/1 predictions: 1 where score > threshold (the detectors' rule). */
export function predictionsAt(scores: ArrayLike<number>, threshold: number): Uint8Array {
  const out = new Uint8Array(scores.length);
  for (let i = 0; i < scores.length; i++) out[i] = scores[i]! > threshold ? 1 : 0;
  return out;
}

export function checkSameLength(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  if (a.length !== b.length) throw new InputError(`${what}: got ${a.length} labels and ${b.length} predictions or scores; they must have the same length.`);
  if (a.length === 0) throw new InputError(`${what}: got no rows.`);
}
