import { InputError } from '../core/errors.ts';

/** Labels and scores after checking: 0/1 labels as bytes, scores as float64, and the class counts. */
export interface BinaryInputs {
  labels: Uint8Array;
  scores: Float64Array;
  /** number of anomalies (label 1) */
  positives: number;
  /** number of normal rows (label 0) */
  negatives: number;
}

/**
 * Checks the (labels, scores) pair every ranking metric takes. `metric` names the caller in messages.
 * ±Infinity scores are accepted (they still rank); NaN is not, since it has no place in a ranking and would
 * otherwise turn into a silently wrong AUC.
 */
export function checkBinaryInputs(labels: ArrayLike<number>, scores: ArrayLike<number>, metric: string): BinaryInputs {
  const n = checkLabelsAndLength(labels, scores, metric);
  const s = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = scores[i];
    if (typeof v !== 'number' || Number.isNaN(v)) {
      throw new InputError(`${metric}: score ${i} is ${String(v)}; scores must be numbers, not NaN.`);
    }
    s[i] = v;
  }
  const y = toLabels(labels, n, metric);
  let positives = 0;
  for (let i = 0; i < n; i++) positives += y[i]!;
  return { labels: y, scores: s, positives, negatives: n - positives };
}

/** Checks labels against 0/1 predictions of the same length. */
export function checkPredictions(labels: ArrayLike<number>, predictions: ArrayLike<number>, metric: string): { labels: Uint8Array; predictions: Uint8Array } {
  const n = checkLabelsAndLength(labels, predictions, metric);
  const y = toLabels(labels, n, metric);
  const p = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const v = predictions[i];
    if (v !== 0 && v !== 1) throw new InputError(`${metric}: prediction ${i} is ${String(v)}; predictions must be 0 (normal) or 1 (anomaly).`);
    p[i] = v;
  }
  return { labels: y, predictions: p };
}

function checkLabelsAndLength(labels: ArrayLike<number>, other: ArrayLike<number>, metric: string): number {
  if (labels === null || typeof labels !== 'object' || typeof labels.length !== 'number') {
    throw new InputError(`${metric}: labels must be an array of 0/1 values. Got ${labels === null ? 'null' : typeof labels} instead.`);
  }
  if (other === null || typeof other !== 'object' || typeof other.length !== 'number') {
    throw new InputError(`${metric}: expected an array of numbers beside the labels. Got ${other === null ? 'null' : typeof other} instead.`);
  }
  if (labels.length !== other.length) {
    throw new InputError(`${metric}: got ${labels.length} labels and ${other.length} scores; they must have the same length.`);
  }
  if (labels.length === 0) throw new InputError(`${metric}: got no rows; needs at least one label and score.`);
  return labels.length;
}

function toLabels(labels: ArrayLike<number>, n: number, metric: string): Uint8Array {
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const v = labels[i];
    if (v !== 0 && v !== 1) throw new InputError(`${metric}: label ${i} is ${String(v)}; labels must be 0 (normal) or 1 (anomaly).`);
    y[i] = v;
  }
  return y;
}
