/**
 * GMM — Gaussian mixture model outlier score. Dempster, Laird & Rubin, "Maximum Likelihood from Incomplete Data via
 * the EM Algorithm", JRSS B 1977; as an outlier detector, e.g. Aggarwal, "Outlier Analysis" (2017), ch. 2.
 * Idea: fit a mixture of Gaussians by expectation–maximisation; a row the fitted density finds unlikely is anomalous,
 * so the score is −log p(x).
 *
 * As PyOD's GMM (scikit-learn's GaussianMixture): one component by default, full covariances with 1e-6 added to the
 * diagonal, responsibilities initialised from k-means, EM until the mean log-likelihood gains less than 1e-3 or after
 * 100 iterations.
 */
import { z } from 'zod';
import type { Matrix } from '../../core/matrix.ts';
import { choleskyWithJitter, logDeterminant, squaredMahalanobis } from '../components/cholesky.ts';
import { weightedMeanCovariance } from '../components/covariance.ts';
import { kMeans } from '../components/kmeans.ts';
import { baseOptionsSchema, Detector, type DetectorInfo, type DetectorState } from '../detector.ts';

const schema = baseOptionsSchema.extend({
  components: z.number().int().min(1).max(1000).default(1).describe('Number of Gaussian components (n_components).'),
  regularization: z.number().gte(0).default(1e-6)
    .describe('Added to the diagonal of every covariance, so each stays positive definite (reg_covar).'),
  maxIterations: z.number().int().min(1).default(100).describe('Most EM iterations (max_iter).'),
  tolerance: z.number().gt(0).default(1e-3).describe('EM stops when the mean log-likelihood gains less than this (tol).'),
}).strict();

const LOG_2PI = Math.log(2 * Math.PI);

export class GMM extends Detector<z.output<typeof schema>> {
  static readonly schema = schema;
  static readonly info: DetectorInfo = {
    name: 'gmm',
    title: 'Gaussian Mixture Model',
    modality: 'tabular',
    family: 'probabilistic',
    supervision: ['unsupervised'],
    paper: 'Dempster, Laird & Rubin, JRSS B 1977',
    summary: 'Negative log-likelihood under a Gaussian mixture fitted by expectation–maximisation.',
  };

  private logWeights: Float64Array = new Float64Array(0); // K
  private means: Float64Array = new Float64Array(0); // K × d
  private lowers: Float64Array = new Float64Array(0); // K × d × d Cholesky factors
  private logNormalisers: Float64Array = new Float64Array(0); // K: −½(d log 2π + log det Σ)

  constructor(options: z.input<typeof schema> = {}) {
    super(schema, options);
  }

  protected override minTrainingRows(): number {
    return Math.max(2, this.options.components);
  }

  protected fitModel(X: Matrix): Float64Array {
    const { components: K, maxIterations, tolerance } = this.options;
    const n = X.rows;
    const resp = new Float64Array(n * K);
    const labels = K === 1 ? new Int32Array(n) : kMeans(X, { clusters: K, starts: 1, maxIterations: 300, tolerance: 1e-4 }, this.rng()).labels;
    for (let i = 0; i < n; i++) resp[i * K + labels[i]!] = 1;
    this.maximize(X, resp);
    // One component: the first M-step already gives the maximum-likelihood Gaussian; EM would only confirm it.
    let previous = -Infinity;
    for (let iteration = 0; K > 1 && iteration < maxIterations; iteration++) {
      const meanLogLikelihood = this.expect(X, resp);
      if (Math.abs(meanLogLikelihood - previous) < tolerance) break;
      previous = meanLogLikelihood;
      this.maximize(X, resp);
    }
    return this.scoreModel(X);
  }

  /** M-step: weights, means and covariances from the responsibilities. */
  private maximize(X: Matrix, resp: Float64Array): void {
    const K = this.options.components;
    const n = X.rows;
    const d = X.cols;
    this.logWeights = new Float64Array(K);
    this.means = new Float64Array(K * d);
    this.lowers = new Float64Array(K * d * d);
    this.logNormalisers = new Float64Array(K);
    const weights = new Float64Array(n);
    for (let k = 0; k < K; k++) {
      let total = 0;
      for (let i = 0; i < n; i++) {
        // As scikit-learn: 10·eps added to every responsibility, so no component ever has zero weight.
        weights[i] = resp[i * K + k]! + 10 * Number.EPSILON;
        total += weights[i]!;
      }
      const { mean, covariance } = weightedMeanCovariance(X, weights);
      for (let j = 0; j < d; j++) covariance[j * d + j]! += this.options.regularization;
      const { lower } = choleskyWithJitter(covariance, d);
      this.logWeights[k] = Math.log(total / (n + n * K * 10 * Number.EPSILON));
      this.means.set(mean, k * d);
      this.lowers.set(lower, k * d * d);
      this.logNormalisers[k] = -0.5 * (d * LOG_2PI + logDeterminant(lower, d));
    }
  }

  /** E-step: responsibilities in place; returns the mean log-likelihood. */
  private expect(X: Matrix, resp: Float64Array): number {
    const K = this.options.components;
    const logJoint = new Float64Array(K);
    let total = 0;
    const work = new Float64Array(X.cols);
    for (let i = 0; i < X.rows; i++) {
      const logP = this.logJointRow(X, i, logJoint, work);
      for (let k = 0; k < K; k++) resp[i * K + k] = Math.exp(logJoint[k]! - logP);
      total += logP;
    }
    return total / X.rows;
  }

  /** log p(x_i) by log-sum-exp; logJoint[k] gets log π_k + log N(x_i | μ_k, Σ_k). */
  private logJointRow(X: Matrix, i: number, logJoint: Float64Array, work: Float64Array): number {
    const d = X.cols;
    const K = this.logWeights.length;
    let max = -Infinity;
    for (let k = 0; k < K; k++) {
      const lower = this.lowers.subarray(k * d * d, (k + 1) * d * d);
      const mean = this.means.subarray(k * d, (k + 1) * d);
      const m = squaredMahalanobis(lower, d, mean, X.data, i * d, work);
      const v = this.logWeights[k]! + this.logNormalisers[k]! - 0.5 * m;
      logJoint[k] = v;
      if (v > max) max = v;
    }
    let sum = 0;
    for (let k = 0; k < K; k++) sum += Math.exp(logJoint[k]! - max);
    return max + Math.log(sum);
  }

  protected scoreModel(X: Matrix): Float64Array {
    const out = new Float64Array(X.rows);
    const logJoint = new Float64Array(this.logWeights.length);
    const work = new Float64Array(X.cols);
    for (let i = 0; i < X.rows; i++) out[i] = -this.logJointRow(X, i, logJoint, work);
    return out;
  }

  protected saveModel(): DetectorState {
    return {
      params: {},
      arrays: { logWeights: this.logWeights, means: this.means, lowers: this.lowers, logNormalisers: this.logNormalisers },
    };
  }

  protected loadModel(state: DetectorState): void {
    this.logWeights = state.arrays.logWeights as Float64Array;
    this.means = state.arrays.means as Float64Array;
    this.lowers = state.arrays.lowers as Float64Array;
    this.logNormalisers = state.arrays.logNormalisers as Float64Array;
  }
}
