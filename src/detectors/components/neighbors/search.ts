/**
 * Picks the neighbour search for a reference set: a KD-tree where it prunes well (few features, enough rows),
 * brute force otherwise. Both are exact and return the same neighbours, ties included.
 */
import { z } from 'zod';
import type { Matrix } from '../../../core/matrix.ts';
import { BruteForceSearch } from './brute-force.ts';
import { KDTree } from './kd-tree.ts';
import type { NeighborSearch } from './types.ts';

export type NeighborAlgorithm = 'auto' | 'kd-tree' | 'brute-force';

/** The `algorithm` option every neighbour-based detector takes. */
export const neighborAlgorithmOption = z.enum(['auto', 'kd-tree', 'brute-force']).default('auto')
  .describe("Neighbour search: 'auto' takes a KD-tree for at most 15 features, brute force above; both are exact.");

/**
 * Above about 15 features a KD-tree's boxes are all near every query and it visits most leaves anyway, paying its
 * overhead for nothing (the curse of dimensionality; scikit-learn's 'auto' draws a similar line).
 */
export const KD_TREE_MAX_FEATURES = 15;
/** Below this many rows brute force is as fast as building a tree. */
export const KD_TREE_MIN_ROWS = 256;

export function buildNeighborSearch(reference: Matrix, algorithm: NeighborAlgorithm = 'auto'): NeighborSearch {
  const useTree = algorithm === 'kd-tree' ||
    (algorithm === 'auto' && reference.cols <= KD_TREE_MAX_FEATURES && reference.rows >= KD_TREE_MIN_ROWS);
  return useTree ? new KDTree(reference) : new BruteForceSearch(reference);
}
