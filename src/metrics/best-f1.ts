import { InputError } from '../core/errors.ts';
import { fromCounts, type ClassificationScores } from './classification.ts';
import { thresholdOfCut, tieGroups } from './ranking.ts';
import { checkBinaryInputs } from './validate.ts';

export interface BestF1 extends ClassificationScores {
  /** rows with score > threshold are flagged (the detectors' rule); −Infinity flags every row */
  threshold: number;
}

/**
 * The highest F1 over every threshold (every distinct score), with the threshold that reaches it — an oracle
 * number: it looks at the test labels, so report it as such, beside a metric that does not. On equal F1 the
 * highest threshold (fewest rows flagged) wins.
 */
export function bestF1(labels: ArrayLike<number>, scores: ArrayLike<number>): BestF1 {
  const inputs = checkBinaryInputs(labels, scores, 'bestF1');
  if (inputs.positives === 0) throw new InputError('bestF1: the labels hold no anomalies (label 1); F1 is 0 at every threshold.');
  const groups = tieGroups(inputs);
  let best = -1;
  let bestK = 0;
  for (let k = 0; k < groups.values.length; k++) {
    const tp = groups.truePositives[k]!;
    const f1 = (2 * tp) / (tp + groups.falsePositives[k]! + inputs.positives);
    if (f1 > best) {
      best = f1;
      bestK = k;
    }
  }
  const tp = groups.truePositives[bestK]!;
  const fp = groups.falsePositives[bestK]!;
  return {
    ...fromCounts(tp, fp, inputs.positives - tp, inputs.negatives - fp),
    threshold: thresholdOfCut(groups, bestK),
  };
}
