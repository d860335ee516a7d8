/**
 * The training rows of a neighbour-based detector and the search over them. What a model file stores is the rows;
 * the search is rebuilt from them on first use after loading, so saving never serialises a tree.
 */
import { createMatrix, type Matrix } from '../../../core/matrix.ts';
import { buildNeighborSearch, type NeighborAlgorithm } from './search.ts';
import type { NeighborSearch } from './types.ts';

export class ReferenceRows {
  readonly matrix: Matrix;
  private readonly algorithm: NeighborAlgorithm;
  private built: NeighborSearch | undefined;

  /** Keeps `data` as given (callers pass a copy they own). */
  constructor(data: Float64Array, features: number, algorithm: NeighborAlgorithm) {
    this.matrix = createMatrix(features > 0 ? data.length / features : 0, features, data);
    this.algorithm = algorithm;
  }

  /** A copy of X's rows, so later changes to the caller's matrix do not reach the model. */
  static copyOf(X: Matrix, algorithm: NeighborAlgorithm): ReferenceRows {
    return new ReferenceRows(X.data.slice(), X.cols, algorithm);
  }

  static empty(): ReferenceRows {
    return new ReferenceRows(new Float64Array(0), 0, 'auto');
  }

  get rows(): number {
    return this.matrix.rows;
  }

  get data(): Float64Array {
    return this.matrix.data;
  }

  get search(): NeighborSearch {
    this.built ??= buildNeighborSearch(this.matrix, this.algorithm);
    return this.built;
  }
}
