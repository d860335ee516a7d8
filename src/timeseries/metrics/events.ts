import { InputError } from '../../core/errors.ts';
import { labelRanges, type Range } from './ranges.ts';

/**
 * Event-wise (range) precision, recall and F-beta as telemanom scores them (Hundman et al., KDD 2018,
 * `evaluate_sequences`): a labelled range is a true positive when any predicted range overlaps it (once, however many
 * overlap); a predicted range that overlaps no labelled range is a false positive; an unmatched labelled range is a
 * false negative. Telemanom reports F0.5, weighting precision: an operator's attention is the scarce resource.
 */
export interface EventScores {
  precision: number;
  recall: number;
  fBeta: number;
  beta: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
}

export function eventScores(truth: readonly Range[], predicted: readonly Range[], beta = 0.5): EventScores {
  if (!(beta > 0)) throw new InputError(`eventScores: beta must be positive. Got ${beta} instead.`);
  const matched = new Uint8Array(truth.length);
  let fp = 0;
  for (const [ps, pe] of predicted) {
    let valid = false;
    for (let i = 0; i < truth.length; i++) {
      const [ts, te] = truth[i]!;
      if (ps <= te && pe >= ts) {
        valid = true;
        matched[i] = 1;
      }
    }
    if (!valid) fp++;
  }
  let tp = 0;
  for (const m of matched) tp += m;
  return fromEventCounts(tp, fp, truth.length - tp, beta);
}

/** Event scores from 0/1 labels and 0/1 predictions of the same series. */
export function eventScoresOf(labels: ArrayLike<number>, predictions: ArrayLike<number>, beta = 0.5): EventScores {
  if (labels.length !== predictions.length) throw new InputError(`eventScoresOf: ${labels.length} labels and ${predictions.length} predictions.`);
  return eventScores(labelRanges(labels), labelRanges(predictions), beta);
}

/** Ratios from event counts (summed over channels, as telemanom totals them); 0 where a ratio is 0/0. */
export function fromEventCounts(tp: number, fp: number, fn: number, beta = 0.5): EventScores {
  const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
  const recall = tp + fn > 0 ? tp / (tp + fn) : 0;
  const b2 = beta * beta;
  const fBeta = precision + recall > 0 ? ((1 + b2) * precision * recall) / (b2 * precision + recall) : 0;
  return { precision, recall, fBeta, beta, truePositives: tp, falsePositives: fp, falseNegatives: fn };
}
