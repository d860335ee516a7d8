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
import { type EmpiricalTails, fitEmpiricalTails, negativeLogTails } from '../components/empirical-tails.ts';
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
    return this.scoreRows(X, true);
  }

  protected scoreModel(X: Matrix): Float64Array {
    return this.scoreRows(X, false);
  }

  private scoreRows(X: Matrix, isTraining: boolean): Float64Array {
    const d = X.cols;
    const out = new Float64Array(X.rows);
    const u = new Float64Array(2);
    const skewSign = this.tails.skewSign;
    for (let i = 0; i < X.rows; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) {
        negativeLogTails(this.tails, j, X.data[i * d + j]!, isTraining, u);
        const left = u[0]!;
        const right = u[1]!;
        const sign = skewSign[j]!;
        const skewed = sign < 0 ? left : sign > 0 ? right : left + right;
        s += Math.max(left, right, skewed);
      }
      out[i] = s;
    }
    return out;
  }

  protected saveModel(): DetectorState {
    return { params: { rows: this.tails.rows }, arrays: { sorted: this.tails.sorted, skewSign: this.tails.skewSign } };
  }

  protected loadModel(state: DetectorState): void {
    const sorted = state.arrays.sorted as Float64Array;
    const skewSign = state.arrays.skewSign as Float64Array;
    this.tails = { rows: state.params.rows as number, cols: skewSign.length, sorted, skewSign };
  }
}
