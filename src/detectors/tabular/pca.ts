/**
 * PCA — principal-component outlier score. Shyu, Chen, Sarinnapakorn & Chang, "A Novel Anomaly Detection Scheme
 * Based on Principal Component Classifier", ICDM Foundations and New Directions of Data Mining workshop, 2003.
 * Idea: normal rows lie along the directions of large variance; a row far from the data's principal structure,
 * measured on the low-variance components weighted by the inverse of their variance, is anomalous.
 *
 * The score is PyOD's, which ADBench measured: standardise each feature, find the eigenvectors v_k of the
 * correlation matrix, and sum over the selected components ‖x − v_k‖ / r_k, where r_k is component k's share of the
 * variance (explained_variance_ratio_), so low-variance components weigh most. Note that PyOD takes the Euclidean
 * distance from the row to the eigenvector as a point (scipy cdist), not the squared projection of the paper; we keep
 * PyOD's form because it is what the published numbers measure. Eigenvector signs follow scikit-learn's svd_flip as
 * of ADBench (the training row with the largest |projection| projects positively), since the sign changes ‖x − v_k‖.
 */
import { z } from 'zod';
import type { Matrix } from '../../core/matrix.ts';
import { columnMeans, columnStds, covarianceMatrix } from '../components/covariance.ts';
import { symmetricEigen } from '../components/symmetric-eigen.ts';
import { baseOptionsSchema, Detector, type DetectorInfo, type DetectorState } from '../detector.ts';

const schema = baseOptionsSchema.extend({
  components: z.number().int().min(1).optional()
    .describe('Principal components kept (n_components); default all, min(rows, features).'),
  selectedComponents: z.number().int().min(1).optional()
    .describe('How many of the kept components, the lowest-variance ones, make the score; default all kept.'),
  weighted: z.boolean().default(true).describe('Divide each component’s distance by its share of the variance.'),
  standardize: z.boolean().default(true).describe('Scale each feature to zero mean and unit variance first.'),
}).strict();

// A component whose variance is below this share of the largest is numerical noise (a constant column, fewer rows
// than features): its weight 1 / r_k would be ~1e16 and drown every real direction, so it is left out.
const NOISE_RATIO = 1e-12;

export class PCA extends Detector<z.output<typeof schema>> {
  static readonly schema = schema;
  static readonly info: DetectorInfo = {
    name: 'pca',
    title: 'Principal Component Analysis',
    modality: 'tabular',
    family: 'linear',
    supervision: ['unsupervised'],
    paper: 'Shyu et al., ICDM workshop 2003',
    summary: 'Distance to the principal components, each weighted by the inverse of its share of the variance.',
  };

  private center: Float64Array = new Float64Array(0);
  private scale: Float64Array = new Float64Array(0);
  /** selected components as rows (k × d), lowest variance last as in scikit-learn */
  private vectors: Float64Array = new Float64Array(0);
  private weights: Float64Array = new Float64Array(0);

  constructor(options: z.input<typeof schema> = {}) {
    super(schema, options);
  }

  protected fitModel(X: Matrix): Float64Array {
    const d = X.cols;
    const mean = columnMeans(X);
    const std = columnStds(X, mean);
    this.center = this.options.standardize ? mean : new Float64Array(d);
    // As scikit-learn's StandardScaler: a constant feature keeps scale 1.
    this.scale = this.options.standardize ? std.map((s) => (s > 0 ? s : 1)) : new Float64Array(d).fill(1);
    const Z = this.transform(X);
    const cov = covarianceMatrix(Z, columnMeans(Z));
    const { values, vectors } = symmetricEigen(cov, d);
    let total = 0;
    for (const v of values) total += Math.max(v, 0);
    const available = Math.min(this.options.components ?? Math.min(X.rows, d), X.rows, d);
    let kept = 0;
    while (kept < available && total > 0 && values[kept]! > NOISE_RATIO * values[0]!) kept++;
    if (kept === 0) kept = 1; // all features constant: one component, scores all equal
    const selected = Math.min(this.options.selectedComponents ?? kept, kept);
    this.vectors = new Float64Array(selected * d);
    this.weights = new Float64Array(selected);
    const zMean = columnMeans(Z);
    for (let s = 0; s < selected; s++) {
      const k = kept - selected + s;
      const v = vectors.subarray(k * d, (k + 1) * d);
      this.vectors.set(flipSign(Z, zMean, v), s * d);
      this.weights[s] = this.options.weighted && total > 0 ? values[k]! / total : 1;
    }
    return this.scoreStandardized(Z);
  }

  protected scoreModel(X: Matrix): Float64Array {
    return this.scoreStandardized(this.transform(X));
  }

  private transform(X: Matrix): Matrix {
    const d = X.cols;
    const data = new Float64Array(X.data.length);
    for (let i = 0; i < X.rows; i++) {
      for (let j = 0; j < d; j++) data[i * d + j] = (X.data[i * d + j]! - this.center[j]!) / this.scale[j]!;
    }
    return { rows: X.rows, cols: d, data };
  }

  private scoreStandardized(Z: Matrix): Float64Array {
    const d = Z.cols;
    const k = this.weights.length;
    const out = new Float64Array(Z.rows);
    for (let i = 0; i < Z.rows; i++) {
      const base = i * d;
      let norm = 0;
      for (let j = 0; j < d; j++) norm += Z.data[base + j]! * Z.data[base + j]!;
      let s = 0;
      for (let c = 0; c < k; c++) {
        let dot = 0;
        const vb = c * d;
        for (let j = 0; j < d; j++) dot += Z.data[base + j]! * this.vectors[vb + j]!;
        // ‖x − v‖² = ‖x‖² − 2 x·v + 1 for a unit vector v; clamped at 0 against rounding.
        s += Math.sqrt(Math.max(0, norm - 2 * dot + 1)) / this.weights[c]!;
      }
      out[i] = s;
    }
    return out;
  }

  protected saveModel(): DetectorState {
    return { params: {}, arrays: { center: this.center, scale: this.scale, vectors: this.vectors, weights: this.weights } };
  }

  protected loadModel(state: DetectorState): void {
    this.center = state.arrays.center as Float64Array;
    this.scale = state.arrays.scale as Float64Array;
    this.vectors = state.arrays.vectors as Float64Array;
    this.weights = state.arrays.weights as Float64Array;
  }
}

/** v or −v: the sign for which the training row with the largest |projection| projects positively (svd_flip). */
function flipSign(Z: Matrix, mean: Float64Array, v: Float64Array): Float64Array {
  const d = Z.cols;
  let best = 0;
  for (let i = 0; i < Z.rows; i++) {
    let dot = 0;
    for (let j = 0; j < d; j++) dot += (Z.data[i * d + j]! - mean[j]!) * v[j]!;
    if (Math.abs(dot) > Math.abs(best)) best = dot;
  }
  return best < 0 ? v.map((x) => -x) : Float64Array.from(v);
}
