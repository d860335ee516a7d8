/**
 * OCSVM — One-Class Support Vector Machine. Schölkopf, Platt, Shawe-Taylor, Smola & Williamson, "Estimating the
 * Support of a High-Dimensional Distribution", Neural Computation 2001.
 * Idea: in the RBF feature space, separate the training rows from the origin with maximum margin, allowing a share ν
 * of them on the wrong side; rows far outside that region (low Σ αᵢ K(xᵢ, x) − ρ) are anomalies.
 *
 * Solved by SMO as LIBSVM (see components/one-class-smo.ts); the score is −decision_function, as PyOD.
 */
import { z } from 'zod';
import { createMatrix, type Matrix } from '../../core/matrix.ts';
import { squaredDistance } from '../components/neighbors/distance.ts';
import { solveOneClass } from '../components/one-class-smo.ts';
import { RbfKernelRows } from '../components/rbf-kernel-rows.ts';
import { baseOptionsSchema, Detector, type DetectorInfo, type DetectorState } from '../detector.ts';

const schema = baseOptionsSchema.extend({
  nu: z.number().gt(0).lte(1).default(0.5)
    .describe('Upper bound on the share of training rows outside the boundary and lower bound on the share of support vectors (PyOD default 0.5).'),
  gamma: z.union([z.enum(['auto', 'scale']), z.number().gt(0)]).default('auto')
    .describe("RBF width γ in exp(−γ‖x − y‖²): 'auto' = 1 / features (PyOD's default), 'scale' = 1 / (features × variance of X) (scikit-learn's), or a number."),
  tol: z.number().gt(0).default(1e-3).describe('Stopping tolerance on the optimality gap (LIBSVM / PyOD default 1e-3).'),
  cacheSize: z.number().gt(0).default(200).describe('Kernel-row cache in MB (PyOD default 200).'),
  maxIter: z.number().int().min(1).optional().describe('Cap on solver steps; default max(10⁷, 100 × rows), LIBSVM’s own.'),
}).strict();

export class OCSVM extends Detector<z.output<typeof schema>> {
  static readonly schema = schema;
  static readonly info: DetectorInfo = {
    name: 'ocsvm',
    title: 'One-Class Support Vector Machine',
    modality: 'tabular',
    family: 'one-class',
    supervision: ['unsupervised'],
    paper: 'Schölkopf, Platt, Shawe-Taylor, Smola & Williamson, Neural Computation 2001',
    summary: 'ρ minus the RBF-kernel expansion over the support vectors: how far a row lies outside the learned support.',
  };

  /** support vectors (rows with α > 0), row-major */
  private supportVectors: Float64Array = new Float64Array(0);
  private coefficients: Float64Array = new Float64Array(0);
  private rho = 0;
  private gammaValue = 0;
  /** solver steps and whether the tolerance was met, for diagnostics */
  solverIterations = 0;
  solverConverged = true;

  constructor(options: z.input<typeof schema> = {}) {
    super(schema, options);
  }

  protected fitModel(X: Matrix): Float64Array {
    this.gammaValue = resolveGamma(this.options.gamma, X);
    const kernel = new RbfKernelRows(X, this.gammaValue, this.options.cacheSize);
    const solution = solveOneClass(kernel, this.options.nu, this.options.tol, this.options.maxIter);
    this.solverIterations = solution.iterations;
    this.solverConverged = solution.converged;
    const support: number[] = [];
    for (let i = 0; i < X.rows; i++) if (solution.alpha[i]! > 0) support.push(i);
    const d = X.cols;
    this.supportVectors = new Float64Array(support.length * d);
    this.coefficients = new Float64Array(support.length);
    support.forEach((i, s) => {
      this.supportVectors.set(X.data.subarray(i * d, (i + 1) * d), s * d);
      this.coefficients[s] = solution.alpha[i]!;
    });
    this.rho = solution.rho;
    // Training rows are scored like any row (PyOD calls decision_function on X), in float64 throughout.
    return this.scoreModel(X);
  }

  protected scoreModel(X: Matrix): Float64Array {
    const d = X.cols;
    const m = this.coefficients.length;
    const out = new Float64Array(X.rows);
    for (let i = 0; i < X.rows; i++) {
      let s = 0;
      for (let v = 0; v < m; v++) s += this.coefficients[v]! * Math.exp(-this.gammaValue * squaredDistance(X.data, i * d, this.supportVectors, v * d, d));
      out[i] = this.rho - s;
    }
    return out;
  }

  /** The support vectors as a matrix, with their dual coefficients (scikit-learn's support_vectors_, dual_coef_). */
  get support(): { vectors: Matrix; coefficients: Float64Array; rho: number; gamma: number } {
    this.checkFitted();
    return { vectors: createMatrix(this.coefficients.length, this.nFeatures, this.supportVectors), coefficients: this.coefficients, rho: this.rho, gamma: this.gammaValue };
  }

  protected saveModel(): DetectorState {
    return {
      params: { rho: this.rho, gamma: this.gammaValue, solverIterations: this.solverIterations, solverConverged: this.solverConverged },
      arrays: { supportVectors: this.supportVectors, coefficients: this.coefficients },
    };
  }

  protected loadModel(state: DetectorState): void {
    this.supportVectors = state.arrays.supportVectors as Float64Array;
    this.coefficients = state.arrays.coefficients as Float64Array;
    this.rho = state.params.rho as number;
    this.gammaValue = state.params.gamma as number;
    this.solverIterations = state.params.solverIterations as number;
    this.solverConverged = state.params.solverConverged as boolean;
  }
}

/** scikit-learn's rule: 'scale' uses the variance of all values of X together; a constant X falls back to γ = 1. */
function resolveGamma(gamma: 'auto' | 'scale' | number, X: Matrix): number {
  if (typeof gamma === 'number') return gamma;
  if (gamma === 'auto') return 1 / X.cols;
  let mean = 0;
  for (const v of X.data) mean += v;
  mean /= X.data.length;
  let variance = 0;
  for (const v of X.data) variance += (v - mean) * (v - mean);
  variance /= X.data.length;
  return variance > 0 ? 1 / (X.cols * variance) : 1;
}
