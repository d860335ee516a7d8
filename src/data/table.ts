import type { Matrix } from '../core/matrix.ts';
import type { TableSchema } from './schema.ts';

/** A table read for a detector: the feature matrix, and what came beside it. */
export interface Table {
  /** the features, one row per data row, in `features` order */
  X: Matrix;
  /** 0/1 labels (1 = anomaly) when a label column was named or the schema has one present in the file */
  y?: Uint8Array;
  /** the identifier column's values, as text */
  ids?: string[];
  /** names of the columns of X (after one-hot: 'color=red') */
  features: string[];
  /** what was learned (or applied): save it with the model to read score files the same way */
  schema: TableSchema;
  /** where the rows came from (a path, or a description such as 'stdin'), as used in messages */
  source: string;
}
