/**
 * COF — Connectivity-based Outlier Factor. Tang, Chen, Fu & Cheung, "Enhancing Effectiveness of Outlier Detections
 * for Low Density Patterns", PAKDD 2002.
 * Idea: measure how a row connects to its k neighbours along a chain (each neighbour joined to the nearest of the row
 * and the neighbours before it); a row whose average chaining distance exceeds its neighbours' is an outlier.
 *
 * As PyOD, the chain visits the neighbours in order of distance to the row. PyOD's 'fast' method builds the n × n
 * distance matrix; here only the k-neighbour lists and the k² distances among each row's neighbours are computed,
 * O(n·k²·d) time and O(n·k) memory. New rows chain through their k nearest training rows and are compared with those
 * rows' training values (PyOD instead recomputes COF on the scored batch alone).
 */
import { z } from 'zod';
import type { Matrix } from '../../core/matrix.ts';
import { neighborAlgorithmOption, ReferenceRows, squaredDistance } from '../components/neighbors/index.ts';
import { baseOptionsSchema, Detector, type DetectorInfo, type DetectorState } from '../detector.ts';

const schema = baseOptionsSchema.extend({
  nNeighbors: z.number().int().min(1).default(20)
    .describe('Neighbours k (PyOD default 20). Capped at the number of training rows minus one.'),
  algorithm: neighborAlgorithmOption,
}).strict();

/** Keeps the ratio finite (1 for a row as tight as its neighbours) when a neighbourhood is all duplicates. */
const CHAIN_GUARD = 1e-10;

export class COF extends Detector<z.output<typeof schema>> {
  static readonly schema = schema;
  static readonly info: DetectorInfo = {
    name: 'cof',
    title: 'Connectivity-based Outlier Factor',
    modality: 'tabular',
    family: 'proximity',
    supervision: ['unsupervised'],
    paper: 'Tang, Chen, Fu & Cheung, PAKDD 2002',
    summary: 'Ratio of a row’s average chaining distance through its k neighbours to the mean of theirs.',
  };

  private training = ReferenceRows.empty();
  /** average chaining distance of each training row */
  private chaining: Float64Array = new Float64Array(0);
  private k = 0;

  constructor(options: z.input<typeof schema> = {}) {
    super(schema, options);
  }

  protected fitModel(X: Matrix): Float64Array {
    this.training = ReferenceRows.copyOf(X, this.options.algorithm);
    this.k = Math.min(this.options.nNeighbors, X.rows - 1);
    const { indices, distances } = this.training.search.query(X, this.k, { excludeSelf: true });
    this.chaining = this.chainingDistances(indices, distances, X.rows);
    return this.factors(indices, this.chaining, X.rows);
  }

  protected scoreModel(X: Matrix): Float64Array {
    const { indices, distances } = this.training.search.query(X, this.k);
    return this.factors(indices, this.chainingDistances(indices, distances, X.rows), X.rows);
  }

  /**
   * ac-dist(x) = Σ_j 2(k − j) / (k(k + 1)) · cost_j over the neighbours j = 0…k−1 in order of distance, where cost_j is
   * the distance from neighbour j to the nearest of x and neighbours 0…j−1: early links weigh more.
   */
  private chainingDistances(indices: Int32Array, distances: Float64Array, rows: number): Float64Array {
    const k = this.k;
    const d = this.training.matrix.cols;
    const data = this.training.data;
    const out = new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
      const base = i * k;
      let acd = 0;
      for (let j = 0; j < k; j++) {
        const oj = indices[base + j]! * d;
        let nearestEarlier = Infinity;
        for (let l = 0; l < j; l++) nearestEarlier = Math.min(nearestEarlier, squaredDistance(data, oj, data, indices[base + l]! * d, d));
        const cost = Math.min(distances[base + j]!, Math.sqrt(nearestEarlier));
        acd += (2 * (k - j) / (k * (k + 1))) * cost;
      }
      out[i] = acd;
    }
    return out;
  }

  /** COF(x) = ac-dist(x) / mean of ac-dist over x's neighbours. */
  private factors(indices: Int32Array, chaining: Float64Array, rows: number): Float64Array {
    const k = this.k;
    const out = new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
      let s = 0;
      for (let c = 0; c < k; c++) s += this.chaining[indices[i * k + c]!]!;
      out[i] = (chaining[i]! + CHAIN_GUARD) / (s / k + CHAIN_GUARD);
    }
    return out;
  }

  protected saveModel(): DetectorState {
    return { params: { k: this.k, features: this.training.matrix.cols }, arrays: { training: this.training.data, chaining: this.chaining } };
  }

  protected loadModel(state: DetectorState): void {
    this.training = new ReferenceRows(state.arrays.training as Float64Array, state.params.features as number, this.options.algorithm);
    this.chaining = state.arrays.chaining as Float64Array;
    this.k = state.params.k as number;
  }
}
