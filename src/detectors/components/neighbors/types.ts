import type { Matrix } from '../../../core/matrix.ts';

/** k nearest reference rows for each query row, nearest first (ties: lower reference index first). */
export interface Neighbors {
  /** neighbours per query row */
  readonly k: number;
  /** queries × k reference row indices, row-major */
  readonly indices: Int32Array;
  /** queries × k Euclidean distances, row-major, non-decreasing along a row */
  readonly distances: Float64Array;
}

export interface QueryOptions {
  /**
   * The queries are the reference rows themselves, in order: query row i never counts reference row i among its
   * neighbours (its duplicates still count), as scikit-learn's `kneighbors()` without X and PyOD's training scores.
   */
  excludeSelf?: boolean;
}

/** An exact k-nearest-neighbour search over a fixed reference set (Euclidean distance). */
export interface NeighborSearch {
  readonly algorithm: 'kd-tree' | 'brute-force';
  /** the reference rows, as given (not copied) */
  readonly reference: Matrix;
  query(queries: Matrix, k: number, options?: QueryOptions): Neighbors;
}
