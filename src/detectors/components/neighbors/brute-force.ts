/**
 * Exact k-nearest neighbours by comparing every query with every reference row, in tiles.
 *
 * For high dimensions a tree prunes almost nothing, so the honest answer is all pairs; tiling (a block of queries
 * against a block of reference rows) keeps both blocks in cache, and only k candidates per query are held, never an
 * n × n distance matrix.
 */
import type { Matrix } from '../../../core/matrix.ts';
import { checkQuery } from './check-query.ts';
import { squaredDistance } from './distance.ts';
import { NearestSet } from './nearest-set.ts';
import type { NeighborSearch, Neighbors, QueryOptions } from './types.ts';

/** Queries per tile: their k-sets stay small while a reference tile streams past. */
const QUERY_TILE = 32;
/** Reference rows per tile (about 256 KiB of float64 at d = 128). */
const REFERENCE_TILE = 256;

export class BruteForceSearch implements NeighborSearch {
  readonly algorithm = 'brute-force';
  readonly reference: Matrix;

  constructor(reference: Matrix) {
    this.reference = reference;
  }

  query(queries: Matrix, k: number, options: QueryOptions = {}): Neighbors {
    checkQuery(this.reference, queries, k, options);
    const d = queries.cols;
    const n = this.reference.rows;
    const ref = this.reference.data;
    const q = queries.data;
    const excludeSelf = options.excludeSelf === true;
    const indices = new Int32Array(queries.rows * k);
    const distances = new Float64Array(queries.rows * k);
    const sets = Array.from({ length: QUERY_TILE }, () => new NearestSet(k));
    for (let q0 = 0; q0 < queries.rows; q0 += QUERY_TILE) {
      const q1 = Math.min(queries.rows, q0 + QUERY_TILE);
      for (const s of sets) s.reset();
      for (let r0 = 0; r0 < n; r0 += REFERENCE_TILE) {
        const r1 = Math.min(n, r0 + REFERENCE_TILE);
        for (let i = q0; i < q1; i++) {
          const set = sets[i - q0]!;
          const qi = i * d;
          for (let r = r0; r < r1; r++) {
            if (excludeSelf && r === i) continue;
            set.push(squaredDistance(q, qi, ref, r * d, d), r);
          }
        }
      }
      for (let i = q0; i < q1; i++) sets[i - q0]!.drain(indices, distances, i * k, Math.sqrt);
    }
    return { k, indices, distances };
  }
}
