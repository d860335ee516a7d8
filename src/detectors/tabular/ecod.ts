/**
 * ECOD — Empirical-Cumulative-distribution-based Outlier Detection. Li, Zhao, Hu, Botta, Ionescu & Chen, "ECOD:
 * Unsupervised Outlier Detection Using Empirical Cumulative Distribution Functions", IEEE TKDE 2022.
 * Idea: an outlier sits in a tail of some feature's distribution; per feature take −log of the left tail, the right
 * tail and the tail the feature's skewness points to, keep the largest, and sum over features.
 *
 * As PyOD: O_j = max(U_left, U_right, U_skew) with U_skew = U_left for negative skew, U_right for positive skew and
 * U_left + U_right for zero skew. Parameter-free; the tails of a new row are computed against the training data
 * (see components/empirical-tails.ts for how that differs from PyOD's batch recomputation).
 */
import type { z } from 'zod';
import type { Matrix } from '../../core/matrix.ts';
import { type EmpiricalTails, fitEmpiricalTails, scoreByTails, tailsFromState, tailsToState } from '../components/empirical-tails.ts';
import { baseOptionsSchema, Detector, type DetectorInfo, type DetectorState } from '../detector.ts';

const schema = baseOptionsSchema.extend({}).strict();

export class ECOD extends Detector<z.output<typeof schema>> {
  static readonly schema = schema;
  static readonly info: DetectorInfo = {
    name: 'ecod',
    title: 'Empirical-CDF-based Outlier Detection',
    modality: 'tabular',
    family: 'probabilistic',
    supervision: ['unsupervised'],
    paper: 'Li et al., IEEE TKDE 2022',
    summary: 'Sum over features of the largest −log empirical tail probability (left, right or the skewed side).',
  };

  private tails: EmpiricalTails = { rows: 0, cols: 0, sorted: new Float64Array(0), skewSign: new Float64Array(0) };

  constructor(options: z.input<typeof schema> = {}) {
    super(schema, options);
  }

  protected fitModel(X: Matrix): Float64Array {
    this.tails = fitEmpiricalTails(X);
    return scoreByTails(this.tails, X, true, combine);
  }

  protected scoreModel(X: Matrix): Float64Array {
    return scoreByTails(this.tails, X, false, combine);
  }

  protected saveModel(): DetectorState {
    return tailsToState(this.tails);
  }

  protected loadModel(state: DetectorState): void {
    this.tails = tailsFromState(state);
  }
}

const combine = (left: number, right: number, skewed: number): number => Math.max(left, right, skewed);
