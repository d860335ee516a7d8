import { InputError } from '../core/errors.ts';
import { thresholdOfCut, tieGroups } from './ranking.ts';
import { checkBinaryInputs, type BinaryInputs } from './validate.ts';

/**
 * Area under the precision–recall curve as average precision, scikit-learn's definition:
 * AP = Σₙ (Rₙ − Rₙ₋₁) · Pₙ over the distinct score thresholds, highest first, with R₀ = 0.
 * Tied scores form one step, so the result does not depend on how ties are ordered. Unlike the trapezoidal area it
 * does not interpolate between points, which would overstate precision (Davis & Goadrich, ICML 2006).
 * A random score gives about the share of anomalies; a perfect one gives 1.
 */
export function averagePrecision(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  const inputs = checkBinaryInputs(labels, scores, 'averagePrecision');
  requireAnomalies(inputs, 'averagePrecision');
  const { truePositives, falsePositives } = tieGroups(inputs);
  let ap = 0;
  let previousRecall = 0;
  for (let k = 0; k < truePositives.length; k++) {
    const tp = truePositives[k]!;
    const recall = tp / inputs.positives;
    ap += (recall - previousRecall) * (tp / (tp + falsePositives[k]!));
    previousRecall = recall;
  }
  return ap;
}

/** PR-AUC, as ADBench and PyOD report it: average precision. */
export const prAuc = averagePrecision;

export interface PrPoint {
  recall: number;
  precision: number;
  /** rows with score > threshold are flagged (the detectors' rule); −Infinity flags every row */
  threshold: number;
}

/**
 * The precision–recall curve, recall rising: it starts at recall 0, precision 1 (nothing flagged, threshold = the
 * highest score, scikit-learn's convention for the undefined 0/0) and has one point per distinct score after that.
 */
export function prCurve(labels: ArrayLike<number>, scores: ArrayLike<number>): PrPoint[] {
  const inputs = checkBinaryInputs(labels, scores, 'prCurve');
  requireAnomalies(inputs, 'prCurve');
  const groups = tieGroups(inputs);
  const points: PrPoint[] = [{ recall: 0, precision: 1, threshold: groups.values[0]! }];
  for (let k = 0; k < groups.values.length; k++) {
    const tp = groups.truePositives[k]!;
    points.push({
      recall: tp / inputs.positives,
      precision: tp / (tp + groups.falsePositives[k]!),
      threshold: thresholdOfCut(groups, k),
    });
  }
  return points;
}

function requireAnomalies(inputs: BinaryInputs, metric: string): void {
  if (inputs.positives === 0) {
    throw new InputError(`${metric}: the labels hold no anomalies (label 1); recall, and so the precision–recall curve, is undefined.`);
  }
}
