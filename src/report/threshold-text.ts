/** How a threshold was chosen, in words, from the strategy that produced it (see src/thresholds/strategies.ts). */
import type { ThresholdSpec } from '../thresholds/strategies.ts';

export function describeThreshold(spec: ThresholdSpec | undefined): string {
  if (spec === undefined) return 'how it was chosen is not recorded with the scores';
  switch (spec.method) {
    case 'contamination':
      return `contamination ${spec.contamination}: the ${percent(1 - spec.contamination)} quantile of the training scores, so about ${percent(spec.contamination)} of the training rows are flagged`;
    case 'fixed':
      return `fixed at ${spec.value} by the user`;
    case 'mad':
      return `median + ${spec.k} × 1.4826 × MAD of the training scores (robust; needs no contamination)`;
    case 'gaussian-tail':
      return `Gaussian tail: mean + z · std of the training scores, z the normal quantile of 1 − ${spec.p}`;
    case 'pot':
      return `peaks over threshold (Siffer et al., KDD 2017): a generalised Pareto tail fitted above the ${percent(spec.level)} quantile, cut at risk ${spec.q}`;
  }
}

function percent(share: number): string {
  return `${Number((share * 100).toPrecision(4))} %`;
}
