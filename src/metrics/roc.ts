import { InputError } from '../core/errors.ts';
import { thresholdOfCut, tieGroups } from './ranking.ts';
import { checkBinaryInputs, type BinaryInputs } from './validate.ts';

/**
 * Area under the ROC curve: the probability that a random anomaly scores higher than a random normal row, ties
 * counting one half. This is the Mann–Whitney statistic U₁ = R₁ − n₁(n₁ + 1)/2 with midranks, divided by n₁·n₀.
 *
 * Computed over tie groups instead of a rank vector: a normal row in a group contributes the anomalies strictly
 * above it plus half the anomalies tied with it, which is what midranks give. Summing twice that count keeps every
 * term an integer, so the result is exact up to the single final division (for n₁·n₀ < 2⁵²).
 */
export function rocAuc(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  const inputs = checkBinaryInputs(labels, scores, 'rocAuc');
  requireBothClasses(inputs, 'rocAuc');
  const { truePositives, falsePositives } = tieGroups(inputs);
  let twiceU = 0;
  let tpAbove = 0;
  let fpAbove = 0;
  for (let g = 0; g < truePositives.length; g++) {
    const tpGroup = truePositives[g]! - tpAbove;
    const fpGroup = falsePositives[g]! - fpAbove;
    twiceU += fpGroup * (2 * tpAbove + tpGroup);
    tpAbove = truePositives[g]!;
    fpAbove = falsePositives[g]!;
  }
  return twiceU / (2 * inputs.positives * inputs.negatives);
}

export interface RocPoint {
  /** false-positive rate: share of normal rows flagged */
  fpr: number;
  /** true-positive rate (recall): share of anomalies flagged */
  tpr: number;
  /** rows with score > threshold are flagged (the detectors' rule); −Infinity flags every row */
  threshold: number;
}

/**
 * The ROC curve, from (0, 0) — nothing flagged, threshold = the highest score — to (1, 1), one point per distinct
 * score. Tied scores move the curve diagonally, so the trapezoidal area under these points equals `rocAuc`.
 */
export function rocCurve(labels: ArrayLike<number>, scores: ArrayLike<number>): RocPoint[] {
  const inputs = checkBinaryInputs(labels, scores, 'rocCurve');
  requireBothClasses(inputs, 'rocCurve');
  const groups = tieGroups(inputs);
  const points: RocPoint[] = [{ fpr: 0, tpr: 0, threshold: groups.values[0]! }];
  for (let k = 0; k < groups.values.length; k++) {
    points.push({
      fpr: groups.falsePositives[k]! / inputs.negatives,
      tpr: groups.truePositives[k]! / inputs.positives,
      threshold: thresholdOfCut(groups, k),
    });
  }
  return points;
}

function requireBothClasses(inputs: BinaryInputs, metric: string): void {
  if (inputs.positives === 0 || inputs.negatives === 0) {
    const only = inputs.positives === 0 ? 'normal rows (label 0)' : 'anomalies (label 1)';
    throw new InputError(
      `${metric}: the labels hold only ${only}; ROC-AUC is undefined without both anomalies and normal rows.`,
    );
  }
}
