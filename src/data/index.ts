/**
 * The tabular data layer: readers (CSV / TSV / gzip, JSON lines, NumPy .npy, Parquet, in-memory text and records)
 * that turn a file into a feature matrix with labels and ids, the schema that reads score files the way the training
 * file was read, and the scalings fitted on training data only.
 */
export type { Cell } from './cells.ts';
export { ACCEPTED_LABELS_TEXT, MISSING_TOKENS } from './cells.ts';
export { parseCsvText } from './csv.ts';
export { sniffDelimiter } from './csv-records.ts';
export { isGzip, readLineBatches, readLines, splitLines, type Line, type LineBatch } from './lines.ts';
export { parseNpy, readNpy, type NpyArray, type NpyReadOptions } from './npy.ts';
export type { TableReadOptions } from './read-options.ts';
export { formatFromPath, readTable } from './read-table.ts';
export { tableFromRecords } from './records.ts';
export { featureNames, parseTableSchema, type SchemaColumn, type TableSchema } from './schema.ts';
export type { Table } from './table.ts';
export { looksLikeHeader, MAX_ONEHOT_CATEGORIES, SAMPLE_ROWS } from './table-builder.ts';
export * from './transforms/index.ts';
