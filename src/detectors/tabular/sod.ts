/**
 * SOD — Subspace Outlier Degree. Kriegel, Kröger, Schubert & Zimek, "Outlier Detection in Axis-Parallel Subspaces of
 * High Dimensional Data", PAKDD 2009.
 * Idea: take as reference set the rows sharing the most nearest neighbours with a row; find the features in which that
 * set varies little; score the row by its distance from the set's mean in those features only.
 *
 * Shared-neighbour counts are gathered through reverse neighbour lists (only rows that share at least one neighbour
 * are ever counted), O(n·k²) instead of PyOD's all-pairs O(n²·k). Equal counts are ordered by distance, then row
 * index, where PyOD's order among ties is arbitrary. New rows are scored against the training rows (PyOD recomputes SOD
 * on the scored batch alone).
 */
import { z } from 'zod';
import { OptionError } from '../../core/errors.ts';
import type { Matrix } from '../../core/matrix.ts';
import { neighborAlgorithmOption, ReferenceRows, squaredDistance } from '../components/neighbors/index.ts';
import { baseOptionsSchema, Detector, type DetectorInfo, type DetectorState } from '../detector.ts';

const schema = baseOptionsSchema.extend({
  nNeighbors: z.number().int().min(1).default(20)
    .describe('Neighbours k that define shared-neighbour similarity (PyOD default 20). Capped at training rows minus one.'),
  refSet: z.number().int().min(1).default(10)
    .describe('Size of the reference set: the rows sharing the most neighbours (PyOD default 10); at most nNeighbors.'),
  alpha: z.number().gt(0).lte(1).default(0.8)
    .describe('A feature is relevant when its variance in the reference set is below alpha × the mean variance (PyOD default 0.8).'),
  algorithm: neighborAlgorithmOption,
}).strict();

export class SOD extends Detector<z.output<typeof schema>> {
  static readonly schema = schema;
  static readonly info: DetectorInfo = {
    name: 'sod',
    title: 'Subspace Outlier Degree',
    modality: 'tabular',
    family: 'proximity',
    supervision: ['unsupervised'],
    paper: 'Kriegel, Kröger, Schubert & Zimek, PAKDD 2009',
    summary: 'Distance from the mean of the shared-nearest-neighbour reference set, in the features where that set is tight.',
  };

  private training = ReferenceRows.empty();
  /** training rows × k neighbour indices (each row's own index left out) */
  private neighbors: Int32Array = new Int32Array(0);
  /** reverse lists: the training rows that have row p among their neighbours are reverse[reverseStart[p] … reverseStart[p+1]) */
  private reverseStart: Int32Array = new Int32Array(0);
  private reverse: Int32Array = new Int32Array(0);
  private k = 0;
  private referenceSize = 0;

  constructor(options: z.input<typeof schema> = {}) {
    super(schema, options);
    if (this.options.refSet > this.options.nNeighbors) {
      throw new OptionError(`The 'refSet' option of detector 'sod' must be at most nNeighbors (${this.options.nNeighbors}). Got ${this.options.refSet} instead.`);
    }
  }

  protected fitModel(X: Matrix): Float64Array {
    this.training = ReferenceRows.copyOf(X, this.options.algorithm);
    this.k = Math.min(this.options.nNeighbors, X.rows - 1);
    this.referenceSize = Math.min(this.options.refSet, this.k);
    this.neighbors = this.training.search.query(X, this.k, { excludeSelf: true }).indices;
    this.buildReverseLists();
    return this.degrees(X, this.neighbors, true);
  }

  protected scoreModel(X: Matrix): Float64Array {
    return this.degrees(X, this.training.search.query(X, this.k).indices, false);
  }

  private buildReverseLists(): void {
    const n = this.training.rows;
    const k = this.k;
    this.reverseStart = new Int32Array(n + 1);
    for (let p = 0; p < this.neighbors.length; p++) this.reverseStart[this.neighbors[p]! + 1]! += 1;
    for (let i = 0; i < n; i++) this.reverseStart[i + 1]! += this.reverseStart[i]!;
    this.reverse = new Int32Array(n * k);
    const fill = this.reverseStart.slice(0, n);
    // Rows are visited in increasing order, so every reverse list comes out sorted.
    for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) this.reverse[fill[this.neighbors[i * k + c]!]!++] = i;
  }

  private degrees(X: Matrix, neighbors: Int32Array, isTraining: boolean): Float64Array {
    const n = this.training.rows;
    const k = this.k;
    const d = X.cols;
    const data = this.training.data;
    const m = this.referenceSize;
    const shared = new Int32Array(n);
    const seen = new Int32Array(n).fill(-1);
    const candidates: number[] = [];
    const candidateDistance = new Float64Array(n);
    const mean = new Float64Array(d);
    const variance = new Float64Array(d);
    const out = new Float64Array(X.rows);
    for (let i = 0; i < X.rows; i++) {
      candidates.length = 0;
      const self = isTraining ? i : -1;
      const touch = (j: number): void => {
        if (seen[j] !== i) {
          seen[j] = i;
          shared[j] = 0;
          candidates.push(j);
        }
      };
      for (let c = 0; c < k; c++) {
        const p = neighbors[i * k + c]!;
        // The row's own neighbours are always candidates, even sharing nothing, so the set is never short.
        if (p !== self) touch(p);
        for (let r = this.reverseStart[p]!; r < this.reverseStart[p + 1]!; r++) {
          const j = this.reverse[r]!;
          if (j === self) continue;
          touch(j);
          shared[j]! += 1;
        }
      }
      for (const j of candidates) candidateDistance[j] = squaredDistance(X.data, i * d, data, j * d, d);
      candidates.sort((a, b) => shared[b]! - shared[a]! || candidateDistance[a]! - candidateDistance[b]! || a - b);
      out[i] = this.degree(X.data, i * d, candidates, m, d, mean, variance);
    }
    return out;
  }

  private degree(x: Float64Array, offset: number, reference: readonly number[], m: number, d: number, mean: Float64Array, variance: Float64Array): number {
    const data = this.training.data;
    mean.fill(0);
    variance.fill(0);
    for (let r = 0; r < m; r++) {
      const base = reference[r]! * d;
      for (let j = 0; j < d; j++) mean[j]! += data[base + j]!;
    }
    for (let j = 0; j < d; j++) mean[j]! /= m;
    let total = 0;
    for (let r = 0; r < m; r++) {
      const base = reference[r]! * d;
      for (let j = 0; j < d; j++) {
        const t = data[base + j]! - mean[j]!;
        variance[j]! += t * t;
      }
    }
    for (let j = 0; j < d; j++) {
      variance[j]! /= m;
      total += variance[j]!;
    }
    // A feature is relevant when the reference set varies in it less than alpha × the mean variance per feature.
    const expected = (this.options.alpha * total) / d;
    let relevant = 0;
    let s = 0;
    for (let j = 0; j < d; j++) {
      if (variance[j]! < expected) {
        relevant++;
        const t = x[offset + j]! - mean[j]!;
        s += t * t;
      }
    }
    // No relevant feature (the set varies equally in all, e.g. all duplicates): nothing marks the row as deviating.
    return relevant > 0 ? Math.sqrt(s / relevant) : 0;
  }

  protected saveModel(): DetectorState {
    return {
      params: { k: this.k, referenceSize: this.referenceSize, features: this.training.matrix.cols },
      arrays: { training: this.training.data, neighbors: this.neighbors },
    };
  }

  protected loadModel(state: DetectorState): void {
    this.training = new ReferenceRows(state.arrays.training as Float64Array, state.params.features as number, this.options.algorithm);
    this.neighbors = state.arrays.neighbors as Int32Array;
    this.k = state.params.k as number;
    this.referenceSize = state.params.referenceSize as number;
    this.buildReverseLists();
  }
}
