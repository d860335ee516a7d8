import { InputError } from '../core/errors.ts';
import { checkBinaryInputs, checkPredictions } from './validate.ts';

export interface ClassificationScores {
  precision: number;
  recall: number;
  f1: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  trueNegatives: number;
}

/**
 * Precision, recall and F1 of 0/1 predictions (1 = anomaly). Where a ratio is 0/0 — nothing predicted anomalous,
 * or no anomalies in the labels — it is 0, as scikit-learn's `zero_division=0`; the counts are returned beside the
 * ratios so a caller can tell that case from a real 0.
 */
export function precisionRecallF1(labels: ArrayLike<number>, predictions: ArrayLike<number>): ClassificationScores {
  const checked = checkPredictions(labels, predictions, 'precisionRecallF1');
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  for (let i = 0; i < checked.labels.length; i++) {
    const y = checked.labels[i]!;
    const p = checked.predictions[i]!;
    if (p === 1 && y === 1) tp++;
    else if (p === 1) fp++;
    else if (y === 1) fn++;
    else tn++;
  }
  return fromCounts(tp, fp, fn, tn);
}

/** Precision, recall and F1 when rows with score > threshold are called anomalies (the detectors' `predict` rule). */
export function precisionRecallF1At(labels: ArrayLike<number>, scores: ArrayLike<number>, threshold: number): ClassificationScores {
  if (typeof threshold !== 'number' || Number.isNaN(threshold)) {
    throw new InputError(`precisionRecallF1At: the threshold must be a number. Got ${String(threshold)} instead.`);
  }
  const inputs = checkBinaryInputs(labels, scores, 'precisionRecallF1At');
  const predictions = new Uint8Array(inputs.scores.length);
  for (let i = 0; i < predictions.length; i++) predictions[i] = inputs.scores[i]! > threshold ? 1 : 0;
  return precisionRecallF1(inputs.labels, predictions);
}

/** Ratios from confusion counts, 0 where a ratio is 0/0. Shared with the best-F1 search. */
export function fromCounts(tp: number, fp: number, fn: number, tn: number): ClassificationScores {
  const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
  const recall = tp + fn > 0 ? tp / (tp + fn) : 0;
  // 2tp / (2tp + fp + fn) equals the harmonic mean of precision and recall, without its 0/0 at tp = 0.
  const f1 = tp > 0 ? (2 * tp) / (2 * tp + fp + fn) : 0;
  return { precision, recall, f1, truePositives: tp, falsePositives: fp, falseNegatives: fn, trueNegatives: tn };
}
