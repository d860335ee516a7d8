/**
 * COPOD — Copula-Based Outlier Detection. Li, Zhao, Botta, Ionescu & Hu, "COPOD: Copula-Based Outlier Detection",
 * ICDM 2020.
 * Idea: estimate the empirical copula of the data; a row's tail probability under it, taken per feature as −log of
 * the left, right and skewness-chosen tails, sums into how unlikely the row is.
 *
 * As PyOD: O_j = max(U_skew, (U_left + U_right) / 2), summed over features, where U_skew is the left tail for
 * negative skew, the right tail for positive skew and their sum for zero skew. Parameter-free; tails of new rows are
 * computed against the training data (see components/empirical-tails.ts).
 */
import type { z } from 'zod';
import type { Matrix } from '../../core/matrix.ts';
import { type EmpiricalTails, fitEmpiricalTails, scoreByTails, tailsFromState, tailsToState } from '../components/empirical-tails.ts';
import { baseOptionsSchema, Detector, type DetectorInfo, type DetectorState } from '../detector.ts';

const schema = baseOptionsSchema.extend({}).strict();

export class COPOD extends Detector<z.output<typeof schema>> {
  static readonly schema = schema;
  static readonly info: DetectorInfo = {
    name: 'copod',
    title: 'Copula-Based Outlier Detection',
    modality: 'tabular',
    family: 'probabilistic',
    supervision: ['unsupervised'],
    paper: 'Li et al., ICDM 2020',
    summary: 'Sum over features of −log empirical-copula tail probabilities, the skewed tail against the mean of both.',
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

const combine = (left: number, right: number, skewed: number): number => Math.max(skewed, (left + right) / 2);
