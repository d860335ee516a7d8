export { BruteForceSearch } from './brute-force.ts';
export { squaredDistance } from './distance.ts';
export { KDTree } from './kd-tree.ts';
export { NearestSet } from './nearest-set.ts';
export { buildNeighborSearch, neighborAlgorithmOption, KD_TREE_MAX_FEATURES, KD_TREE_MIN_ROWS, type NeighborAlgorithm } from './search.ts';
export type { NeighborSearch, Neighbors, QueryOptions } from './types.ts';
export { ReferenceRows } from './reference-rows.ts';
