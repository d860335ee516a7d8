/** dadkit: deep anomaly detection for TypeScript. The library's entry point. */
export * from './core/errors.ts';
export { createMatrix, fromRows, toRows, row, column, selectRows, selectColumns, checkMatrix } from './core/matrix.ts';
export type { Matrix } from './core/matrix.ts';
export { Rng } from './core/rng.ts';
export * from './detectors/index.ts';
export * from './thresholds/index.ts';
export * from './metrics/index.ts';
export * from './model-io/index.ts';
export * from './data/index.ts';
export * from './pipeline/index.ts';
