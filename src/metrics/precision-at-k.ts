import { InputError, OptionError } from '../core/errors.ts';
import { tieGroups } from './ranking.ts';
import { checkBinaryInputs } from './validate.ts';

/**
 * Precision among the k highest scores. k defaults to the number of true anomalies, as PyOD's
 * `precision_n_scores` (then precision@k equals recall@k, the "R-precision").
 *
 * When the k-th and (k+1)-th scores tie, "the k highest" is ambiguous; PyOD then flags the whole tied group and
 * divides by more than k. Here the tied group at the cut contributes its share of anomalies pro rata — the expected
 * precision when ties are broken at random — so the result never depends on the order of tied rows and the
 * denominator is always k. Without a tie at the cut this is exactly PyOD's value.
 */
export function precisionAtK(labels: ArrayLike<number>, scores: ArrayLike<number>, k?: number): number {
  const inputs = checkBinaryInputs(labels, scores, 'precisionAtK');
  const n = inputs.scores.length;
  let cut: number;
  if (k === undefined) {
    if (inputs.positives === 0) {
      throw new InputError('precisionAtK: the labels hold no anomalies (label 1), so k cannot default to their number; pass k.');
    }
    cut = inputs.positives;
  } else {
    if (!Number.isInteger(k) || k < 1 || k > n) {
      throw new OptionError(`precisionAtK: the 'k' option must be an integer in [1, ${n}] (the number of rows). Got ${String(k)} instead.`);
    }
    cut = k;
  }
  const groups = tieGroups(inputs);
  let tpAbove = 0;
  let rowsAbove = 0;
  for (let g = 0; g < groups.values.length; g++) {
    const tp = groups.truePositives[g]!;
    const rows = tp + groups.falsePositives[g]!;
    if (rows >= cut) {
      const taken = cut - rowsAbove;
      const groupShare = (tp - tpAbove) / (rows - rowsAbove);
      return (tpAbove + taken * groupShare) / cut;
    }
    tpAbove = tp;
    rowsAbove = rows;
  }
  // Unreachable: the last group holds all n ≥ cut rows.
  throw new Error(`precisionAtK: k = ${cut} exceeds the ${n} rows.`);
}
