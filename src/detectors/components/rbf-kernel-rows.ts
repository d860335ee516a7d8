/**
 * Rows of the RBF kernel matrix K(i, j) = exp(−γ‖xᵢ − xⱼ‖²) over a training set, computed on demand and kept in a
 * least-recently-used cache of bounded size.
 *
 * An SMO solver touches two rows per step and comes back to the same few hundred rows again and again, so a cache
 * saves most kernel evaluations while the full n × n matrix (392 MB at n = 7,000 in float64) is never held. Rows are
 * float32, as LIBSVM's Qfloat: half the memory per cached row, and kernel values need no more digits than that.
 */
import type { Matrix } from '../../core/matrix.ts';
import { squaredDistance } from './neighbors/distance.ts';

export class RbfKernelRows {
  readonly size: number;
  private readonly X: Matrix;
  private readonly gamma: number;
  private readonly capacity: number;
  /** Map iteration order is insertion order: re-inserting on use keeps the least recently used first. */
  private readonly cache = new Map<number, Float32Array>();
  /** kernel rows computed (cache misses), for diagnostics */
  computed = 0;

  constructor(X: Matrix, gamma: number, cacheMegabytes: number) {
    this.X = X;
    this.size = X.rows;
    this.gamma = gamma;
    // Two rows at least: a solver step holds both of its rows at once.
    this.capacity = Math.max(2, Math.floor((cacheMegabytes * 1024 * 1024) / (4 * Math.max(1, X.rows))));
  }

  /** K(i, i), which is 1 for the RBF kernel. */
  diagonal(_i: number): number {
    return 1;
  }

  /** Row i. The array is reused once the row is evicted: it stays valid until `capacity` other rows are fetched. */
  row(i: number): Float32Array {
    const hit = this.cache.get(i);
    if (hit !== undefined) {
      this.cache.delete(i);
      this.cache.set(i, hit);
      return hit;
    }
    let out: Float32Array;
    if (this.cache.size >= this.capacity) {
      // Reuse the evicted row's memory rather than allocating again.
      const oldest = this.cache.keys().next().value as number;
      out = this.cache.get(oldest)!;
      this.cache.delete(oldest);
    } else {
      out = new Float32Array(this.size);
    }
    const d = this.X.cols;
    const data = this.X.data;
    const g = this.gamma;
    for (let j = 0; j < this.size; j++) out[j] = Math.exp(-g * squaredDistance(data, i * d, data, j * d, d));
    this.computed++;
    this.cache.set(i, out);
    return out;
  }
}
