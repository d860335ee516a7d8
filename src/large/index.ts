/**
 * Larger-than-memory data: DuckDB reads CSV / Parquet files of any size; detectors fit on a reservoir sample and score
 * the whole file in streamed batches, writing CSV or Parquet. See docs/large-data.md.
 */
export { DEFAULT_MEMORY_LIMIT, DuckSession, withDuckSession, type DuckDbSettings } from './duckdb.ts';
export type { LargeEvaluation } from './evaluation.ts';
export { DEFAULT_BATCH_ROWS, DEFAULT_SAMPLE_SEED, DEFAULT_SAMPLE_SIZE, detectOutOfCore, sampleTable, type OutOfCoreOptions, type OutOfCoreSummary } from './out-of-core.ts';
export { largeFormat, openLargeSource, type LargeSource } from './source.ts';
export { ResultsTable } from './output.ts';
