/**
 * CBLOF — Cluster-Based Local Outlier Factor. He, Xu & Deng, "Discovering cluster-based local outliers", Pattern
 * Recognition Letters 2003.
 * Idea: cluster the data (k-means), split the clusters into large and small by size, and score a row by its distance to
 * its own centre if its cluster is large, or to the nearest large-cluster centre if it is small.
 *
 * The large/small split follows PyOD: the smallest number of largest clusters that hold alpha of the rows and (if
 * possible at the same cut) end at a size drop of beta times. use_weights = false by default, as PyOD, because
 * multiplying by cluster size (the paper's formula) ranks rows of big clusters above isolated ones. Where no cut
 * qualifies (clusters of even size) PyOD raises; here all clusters count as large.
 */
import { z } from 'zod';
import type { Matrix } from '../../core/matrix.ts';
import { kMeans, nearestCenter } from '../components/kmeans.ts';
import { squaredDistance } from '../components/neighbors/distance.ts';
import { baseOptionsSchema, Detector, type DetectorInfo, type DetectorState } from '../detector.ts';

const schema = baseOptionsSchema.extend({
  nClusters: z.number().int().min(2).default(8).describe('Clusters k of k-means (PyOD default 8).'),
  alpha: z.number().gt(0.5).lt(1).default(0.9).describe('Share of rows the large clusters must hold together (PyOD default 0.9).'),
  beta: z.number().gte(1).default(5).describe('Size ratio between the last large and first small cluster that marks the cut (PyOD default 5).'),
  useWeights: z.boolean().default(false).describe('Multiply scores by the size of the row’s cluster, as the paper (PyOD default false).'),
  nInit: z.number().int().min(1).default(10).describe('Seeded k-means++ starts; the lowest inertia wins (scikit-learn’s n_init = 10 of PyOD’s era).'),
  maxIter: z.number().int().min(1).default(300).describe('Lloyd iterations per start at most (scikit-learn default 300).'),
  tol: z.number().gt(0).default(1e-4).describe('Convergence: squared centre shift below tol × mean feature variance (scikit-learn default 1e-4).'),
}).strict();

export class CBLOF extends Detector<z.output<typeof schema>> {
  static readonly schema = schema;
  static readonly info: DetectorInfo = {
    name: 'cblof',
    title: 'Cluster-Based Local Outlier Factor',
    modality: 'tabular',
    family: 'proximity',
    supervision: ['unsupervised'],
    paper: 'He, Xu & Deng, Pattern Recognition Letters 2003',
    summary: 'Distance to the row’s own centre in a large k-means cluster, or to the nearest large-cluster centre.',
  };

  private centers: Float64Array = new Float64Array(0);
  /** 1 for a large cluster */
  private large: Uint8Array = new Uint8Array(0);
  private sizes: Float64Array = new Float64Array(0);

  constructor(options: z.input<typeof schema> = {}) {
    super(schema, options);
  }

  protected override minTrainingRows(): number {
    return this.options.nClusters;
  }

  protected fitModel(X: Matrix): Float64Array {
    const k = this.options.nClusters;
    const { centers, labels } = kMeans(X, { clusters: k, starts: this.options.nInit, maxIterations: this.options.maxIter, tolerance: this.options.tol }, this.rng());
    this.centers = centers;
    this.sizes = new Float64Array(k);
    for (let i = 0; i < labels.length; i++) this.sizes[labels[i]!]! += 1;
    this.large = splitLargeSmall(this.sizes, X.rows, this.options.alpha, this.options.beta);
    return this.scoreWithLabels(X, labels);
  }

  protected scoreModel(X: Matrix): Float64Array {
    const d = X.cols;
    const labels = new Int32Array(X.rows);
    for (let i = 0; i < X.rows; i++) labels[i] = nearestCenter(X.data, i * d, this.centers, d).label;
    return this.scoreWithLabels(X, labels);
  }

  private scoreWithLabels(X: Matrix, labels: Int32Array): Float64Array {
    const d = X.cols;
    const k = this.large.length;
    const out = new Float64Array(X.rows);
    for (let i = 0; i < X.rows; i++) {
      const c = labels[i]!;
      let s: number;
      if (this.large[c] === 1) {
        s = squaredDistance(X.data, i * d, this.centers, c * d, d);
      } else {
        s = Infinity;
        for (let l = 0; l < k; l++) if (this.large[l] === 1) s = Math.min(s, squaredDistance(X.data, i * d, this.centers, l * d, d));
      }
      out[i] = Math.sqrt(s) * (this.options.useWeights ? this.sizes[c]! : 1);
    }
    return out;
  }

  protected saveModel(): DetectorState {
    return { params: {}, arrays: { centers: this.centers, large: this.large, sizes: this.sizes } };
  }

  protected loadModel(state: DetectorState): void {
    this.centers = state.arrays.centers as Float64Array;
    this.large = state.arrays.large as Uint8Array;
    this.sizes = state.arrays.sizes as Float64Array;
  }
}

/**
 * PyOD's cut: with clusters sorted by size (largest first), cut i qualifies by alpha when the i largest hold at least
 * alpha · n rows, and by beta when cluster i−1 is at least beta times cluster i. The first cut that qualifies by both
 * wins, else the first by alpha, else the first by beta.
 */
function splitLargeSmall(sizes: Float64Array, n: number, alpha: number, beta: number): Uint8Array {
  const k = sizes.length;
  const order = Array.from({ length: k }, (_, c) => c).sort((a, b) => sizes[b]! - sizes[a]! || a - b);
  let byAlpha = -1;
  let byBeta = -1;
  let byBoth = -1;
  let held = 0;
  for (let i = 1; i < k; i++) {
    held += sizes[order[i - 1]!]!;
    const alphaOk = held >= n * alpha;
    // An empty next cluster makes the ratio infinite, which qualifies (as numpy's division does).
    const betaOk = sizes[order[i - 1]!]! / sizes[order[i]!]! >= beta;
    if (alphaOk && byAlpha < 0) byAlpha = i;
    if (betaOk && byBeta < 0) byBeta = i;
    if (alphaOk && betaOk && byBoth < 0) byBoth = i;
  }
  // No cut qualifies when clusters are of even size (evenly spread data): PyOD raises there; here every cluster counts
  // as large, so each row is scored by the distance to its own centre and the detector works on any data.
  const cut = byBoth > 0 ? byBoth : byAlpha > 0 ? byAlpha : byBeta > 0 ? byBeta : k;
  const large = new Uint8Array(k);
  for (let i = 0; i < cut; i++) large[order[i]!] = 1;
  return large;
}
