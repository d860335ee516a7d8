/**
 * KDE — kernel density estimation outlier score. Parzen, "On Estimation of a Probability Density Function and Mode",
 * Annals of Mathematical Statistics 1962; as an outlier detector, Latecki, Lazarevic & Pokrajac, MLDM 2007.
 * Idea: a row in a region of low estimated density is anomalous; the score is −log of the Gaussian-kernel density.
 *
 * As PyOD's KDE (scikit-learn's KernelDensity): Gaussian kernel, bandwidth 1.0 by default, and score_samples'
 * normalisation, log p(x) = logsumexp_i(−‖x − xᵢ‖² / 2h²) − log n − (d/2) log(2πh²). Scott's and Silverman's rules are
 * offered as scikit-learn defines them (no per-feature scaling: n^(−1/(d+4)) and (n(d+2)/4)^(−1/(d+4))).
 * Exact, not tree-approximated: each scored row walks all training rows through one reusable buffer, so memory stays
 * O(n) however many rows are scored (time is O(n · m · d)).
 */
import { z } from 'zod';
import type { Matrix } from '../../core/matrix.ts';
import { squaredDistance } from '../components/neighbors/distance.ts';
import { baseOptionsSchema, Detector, type DetectorInfo, type DetectorState } from '../detector.ts';

const schema = baseOptionsSchema.extend({
  bandwidth: z.union([z.number().gt(0), z.enum(['scott', 'silverman'])]).default(1)
    .describe("Kernel bandwidth h, or 'scott' / 'silverman' for scikit-learn's rules of thumb."),
}).strict();

export class KDE extends Detector<z.output<typeof schema>> {
  static readonly schema = schema;
  static readonly info: DetectorInfo = {
    name: 'kde',
    title: 'Kernel Density Estimation',
    modality: 'tabular',
    family: 'probabilistic',
    supervision: ['unsupervised'],
    paper: 'Parzen, Annals of Mathematical Statistics 1962',
    summary: 'Negative log of a Gaussian kernel density estimate over the training rows.',
  };

  private training: Float64Array = new Float64Array(0);
  private width = 1;

  constructor(options: z.input<typeof schema> = {}) {
    super(schema, options);
  }

  protected fitModel(X: Matrix): Float64Array {
    const { bandwidth } = this.options;
    const n = X.rows;
    const d = X.cols;
    this.width =
      bandwidth === 'scott' ? n ** (-1 / (d + 4)) : bandwidth === 'silverman' ? ((n * (d + 2)) / 4) ** (-1 / (d + 4)) : bandwidth;
    this.training = Float64Array.from(X.data);
    return this.scoreModel(X);
  }

  protected scoreModel(X: Matrix): Float64Array {
    const d = X.cols;
    const n = this.training.length / d;
    const train = this.training;
    const scale = -1 / (2 * this.width * this.width);
    const logNormaliser = Math.log(n) + (d / 2) * Math.log(2 * Math.PI * this.width * this.width);
    const exponents = new Float64Array(n);
    const out = new Float64Array(X.rows);
    for (let i = 0; i < X.rows; i++) {
      const base = i * d;
      let max = -Infinity;
      for (let t = 0; t < n; t++) {
        const e = squaredDistance(X.data, base, train, t * d, d) * scale;
        exponents[t] = e;
        if (e > max) max = e;
      }
      let sum = 0;
      for (let t = 0; t < n; t++) sum += Math.exp(exponents[t]! - max);
      // −log p(x); log-sum-exp keeps it finite however far x is from every training row.
      out[i] = -(max + Math.log(sum)) + logNormaliser;
    }
    return out;
  }

  protected saveModel(): DetectorState {
    return { params: { width: this.width }, arrays: { training: this.training } };
  }

  protected loadModel(state: DetectorState): void {
    this.width = state.params.width as number;
    this.training = state.arrays.training as Float64Array;
  }
}
