/**
 * LOF — Local Outlier Factor. Breunig, Kriegel, Ng & Sander, "LOF: Identifying Density-Based Local Outliers",
 * SIGMOD 2000.
 * Idea: compare a row's local density (inverse mean reachability distance to its k neighbours) with its neighbours'
 * densities; a row much sparser than its neighbourhood has a factor well above 1.
 *
 * New rows are scored against the training rows, never against each other (scikit-learn's novelty=True, which PyOD
 * uses for decision_function); training rows get the classic LOF with themselves left out of their neighbourhoods.
 */
import { z } from 'zod';
import type { Matrix } from '../../core/matrix.ts';
import { neighborAlgorithmOption, ReferenceRows } from '../components/neighbors/index.ts';
import { baseOptionsSchema, Detector, type DetectorInfo, type DetectorState } from '../detector.ts';

const schema = baseOptionsSchema.extend({
  nNeighbors: z.number().int().min(1).default(20)
    .describe('Neighbours k (PyOD default 20). Capped at the number of training rows minus one.'),
  algorithm: neighborAlgorithmOption,
}).strict();

/**
 * Added to the mean reachability distance before inverting it, as scikit-learn does, so that a row with k exact
 * duplicates gets a huge but finite density instead of a division by zero.
 */
const DENSITY_GUARD = 1e-10;

export class LOF extends Detector<z.output<typeof schema>> {
  static readonly schema = schema;
  static readonly info: DetectorInfo = {
    name: 'lof',
    title: 'Local Outlier Factor',
    modality: 'tabular',
    family: 'proximity',
    supervision: ['unsupervised'],
    paper: 'Breunig, Kriegel, Ng & Sander, SIGMOD 2000',
    summary: 'Ratio of the mean local density of a row’s k neighbours to its own local density.',
  };

  private training = ReferenceRows.empty();
  /** distance from each training row to its k-th neighbour (its "k-distance") */
  private kDistance: Float64Array = new Float64Array(0);
  /** local reachability density of each training row */
  private density: Float64Array = new Float64Array(0);
  private k = 0;

  constructor(options: z.input<typeof schema> = {}) {
    super(schema, options);
  }

  protected fitModel(X: Matrix): Float64Array {
    const n = X.rows;
    this.training = ReferenceRows.copyOf(X, this.options.algorithm);
    this.k = Math.min(this.options.nNeighbors, n - 1);
    const { indices, distances } = this.training.search.query(X, this.k, { excludeSelf: true });
    const k = this.k;
    this.kDistance = new Float64Array(n);
    for (let i = 0; i < n; i++) this.kDistance[i] = distances[i * k + k - 1]!;
    this.density = this.densities(indices, distances, n);
    return this.factors(indices, this.density, n);
  }

  protected scoreModel(X: Matrix): Float64Array {
    const { indices, distances } = this.training.search.query(X, this.k);
    return this.factors(indices, this.densities(indices, distances, X.rows), X.rows);
  }

  /** lrd(x) = 1 / mean over neighbours o of max(k-distance(o), d(x, o)). */
  private densities(indices: Int32Array, distances: Float64Array, rows: number): Float64Array {
    const k = this.k;
    const out = new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
      let s = 0;
      for (let c = 0; c < k; c++) {
        const p = i * k + c;
        s += Math.max(this.kDistance[indices[p]!]!, distances[p]!);
      }
      out[i] = 1 / (s / k + DENSITY_GUARD);
    }
    return out;
  }

  /** LOF(x) = mean over neighbours o of lrd(o) / lrd(x). */
  private factors(indices: Int32Array, density: Float64Array, rows: number): Float64Array {
    const k = this.k;
    const out = new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
      let s = 0;
      for (let c = 0; c < k; c++) s += this.density[indices[i * k + c]!]!;
      out[i] = s / k / density[i]!;
    }
    return out;
  }

  protected saveModel(): DetectorState {
    return { params: { k: this.k, features: this.training.matrix.cols }, arrays: { training: this.training.data, kDistance: this.kDistance, density: this.density } };
  }

  protected loadModel(state: DetectorState): void {
    this.training = new ReferenceRows(state.arrays.training as Float64Array, state.params.features as number, this.options.algorithm);
    this.kDistance = state.arrays.kDistance as Float64Array;
    this.density = state.arrays.density as Float64Array;
    this.k = state.params.k as number;
  }
}
