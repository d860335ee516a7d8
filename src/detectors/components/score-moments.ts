/**
 * Mean and population standard deviation of a detector's training scores: how composite detectors (the ensemble's
 * z-scores, the hybrid's encoder-score feature) put scores of different scales on one footing without labels.
 * A constant score gets a deviation of 1, so standardising it gives 0 instead of NaN.
 */
export interface ScoreMoments {
  mean: number;
  std: number;
}

export function scoreMoments(values: ArrayLike<number>): ScoreMoments {
  const n = Math.max(values.length, 1);
  let mean = 0;
  for (let i = 0; i < values.length; i++) mean += values[i]!;
  mean /= n;
  let ss = 0;
  for (let i = 0; i < values.length; i++) ss += (values[i]! - mean) ** 2;
  return { mean, std: Math.sqrt(ss / n) || 1 };
}
