/**
 * KNN — distance to the k-th nearest neighbour. Ramaswamy, Rastogi & Shim, "Efficient Algorithms for Mining Outliers
 * from Large Data Sets", SIGMOD 2000; Angiulli & Pizzuti, "Fast Outlier Detection in High Dimensional Spaces",
 * PKDD 2002 (the mean of the k distances).
 * Idea: a row far from its nearest training rows is an outlier; the score is that distance (k-th, mean or median).
 */
import { z } from 'zod';
import type { Matrix } from '../../core/matrix.ts';
import { neighborAlgorithmOption, ReferenceRows } from '../components/neighbors/index.ts';
import { baseOptionsSchema, Detector, type DetectorInfo, type DetectorState } from '../detector.ts';

const schema = baseOptionsSchema.extend({
  nNeighbors: z.number().int().min(1).default(5)
    .describe('Neighbours k (PyOD default 5). Capped at the number of training rows minus one.'),
  method: z.enum(['largest', 'mean', 'median']).default('largest')
    .describe("Score from the k distances: 'largest' (the k-th, Ramaswamy), 'mean' (Angiulli & Pizzuti) or 'median'."),
  algorithm: neighborAlgorithmOption,
}).strict();

export class KNN extends Detector<z.output<typeof schema>> {
  static readonly schema = schema;
  static readonly info: DetectorInfo = {
    name: 'knn',
    title: 'k-Nearest Neighbours distance',
    modality: 'tabular',
    family: 'proximity',
    supervision: ['unsupervised'],
    paper: 'Ramaswamy, Rastogi & Shim, SIGMOD 2000; Angiulli & Pizzuti, PKDD 2002',
    summary: 'Distance from a row to its k-th nearest training row (or the mean or median of its k distances).',
  };

  private training = ReferenceRows.empty();
  private k = 0;

  constructor(options: z.input<typeof schema> = {}) {
    super(schema, options);
  }

  protected fitModel(X: Matrix): Float64Array {
    this.training = ReferenceRows.copyOf(X, this.options.algorithm);
    this.k = Math.min(this.options.nNeighbors, X.rows - 1);
    // Training rows do not count themselves among their neighbours, as PyOD's decision_scores_.
    const { distances } = this.training.search.query(X, this.k, { excludeSelf: true });
    return this.combine(distances, X.rows);
  }

  protected scoreModel(X: Matrix): Float64Array {
    const { distances } = this.training.search.query(X, this.k);
    return this.combine(distances, X.rows);
  }

  private combine(distances: Float64Array, rows: number): Float64Array {
    const k = this.k;
    const out = new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
      const base = i * k;
      switch (this.options.method) {
        case 'largest':
          out[i] = distances[base + k - 1]!;
          break;
        case 'mean': {
          let s = 0;
          for (let c = 0; c < k; c++) s += distances[base + c]!;
          out[i] = s / k;
          break;
        }
        case 'median': {
          // Distances come sorted, so the median is the middle one (mean of the two middle ones for even k).
          const m = k >> 1;
          out[i] = k % 2 === 1 ? distances[base + m]! : (distances[base + m - 1]! + distances[base + m]!) / 2;
          break;
        }
      }
    }
    return out;
  }

  protected saveModel(): DetectorState {
    return { params: { k: this.k, features: this.training.matrix.cols }, arrays: { training: this.training.data } };
  }

  protected loadModel(state: DetectorState): void {
    this.training = new ReferenceRows(state.arrays.training as Float64Array, state.params.features as number, this.options.algorithm);
    this.k = state.params.k as number;
  }
}
