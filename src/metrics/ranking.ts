import type { BinaryInputs } from './validate.ts';

/**
 * The scores cut at every distinct value, from the highest down (scikit-learn's `_binary_clf_curve`): cut k flags
 * every row whose score is ≥ `values[k]`, i.e. the tied group at that value goes in as a whole, so no metric ever
 * depends on how ties happen to be ordered. Every curve and threshold metric is built from these counts.
 */
export interface TieGroups {
  /** the distinct scores, descending */
  values: Float64Array;
  /** anomalies with score ≥ values[k] (cumulative true positives) */
  truePositives: Float64Array;
  /** normal rows with score ≥ values[k] (cumulative false positives) */
  falsePositives: Float64Array;
}

export function tieGroups(inputs: BinaryInputs): TieGroups {
  const { labels, scores } = inputs;
  const n = scores.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  // Explicit comparisons rather than a subtraction: Infinity − Infinity is NaN.
  order.sort((a, b) => {
    const sa = scores[a]!;
    const sb = scores[b]!;
    return sa > sb ? -1 : sa < sb ? 1 : 0;
  });
  const values: number[] = [];
  const tps: number[] = [];
  const fps: number[] = [];
  let tp = 0;
  let fp = 0;
  for (let k = 0; k < n; k++) {
    const i = order[k]!;
    if (labels[i] === 1) tp++;
    else fp++;
    const next = order[k + 1];
    if (next === undefined || scores[next]! !== scores[i]!) {
      values.push(scores[i]!);
      tps.push(tp);
      fps.push(fp);
    }
  }
  return { values: Float64Array.from(values), truePositives: Float64Array.from(tps), falsePositives: Float64Array.from(fps) };
}

/**
 * The threshold that reproduces cut k under the detectors' rule "anomaly when score > threshold": the next lower
 * distinct score, or −Infinity when the cut takes every row. So a threshold read off a curve can be handed to
 * `detector.setThreshold({ method: 'fixed', value })` and flags exactly the rows the curve counted.
 */
export function thresholdOfCut(groups: TieGroups, k: number): number {
  return groups.values[k + 1] ?? Number.NEGATIVE_INFINITY;
}
