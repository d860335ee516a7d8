import { z } from 'zod';
import { parseOptions } from '../core/options.ts';
import { tableSchemaSchema, type TableSchema } from './schema.ts';

/** How a table file is read. Every field is optional; the defaults suit the benchmark files and most exports. */
export interface TableReadOptions {
  /** default: from the extension (.csv, .csv.gz, .tsv, .jsonl / .ndjson, .npy, .parquet) */
  format?: 'csv' | 'jsonl' | 'npy' | 'parquet';
  /** default 'auto': the first row is a header when it has text where the rows below have numbers */
  header?: boolean | 'auto';
  /** default: sniffed from the first lines among ',', ';', '\t' and '|' ('\t' for .tsv) */
  delimiter?: string;
  /** the column of 0/1 labels (1 = anomaly): a name, or a 0-based index; a digit string that is no column name is an index */
  label?: string | number;
  /** an identifier column: kept as strings in `ids`, not a feature */
  id?: string | number;
  /** columns dropped */
  ignore?: (string | number)[];
  /** columns read as categories even when their values look like numbers (codes such as zip or product numbers) */
  categoricalColumns?: (string | number)[];
  /** encoding of non-numeric feature columns; 'error' refuses them. Default 'onehot' */
  categorical?: 'onehot' | 'frequency' | 'error';
  /**
   * Missing cells ('', NaN, NA, null, ?): 'none' (default) makes them an error naming file, line and column;
   * 'median' fills numeric columns with the training median and categorical ones with the most frequent category;
   * 'most-frequent' fills every column with its most frequent value.
   */
  impute?: 'none' | 'median' | 'most-frequent';
  /** a schema learned at training time (score time): same columns, encodings and fill values */
  schema?: TableSchema;
  /** stop after this many data rows */
  maxRows?: number;
}

const columnRef = z.union([z.string().min(1), z.number().int().min(0)]);

export const tableReadOptionsSchema = z.object({
  format: z.enum(['csv', 'jsonl', 'npy', 'parquet']).optional(),
  header: z.union([z.boolean(), z.literal('auto')]).default('auto'),
  delimiter: z.string().length(1, 'must be one character').refine((d) => d !== '"' && d !== '\n' && d !== '\r', 'cannot be a quote or a line end').optional(),
  label: columnRef.optional(),
  id: columnRef.optional(),
  ignore: z.array(columnRef).default([]),
  categoricalColumns: z.array(columnRef).default([]),
  categorical: z.enum(['onehot', 'frequency', 'error']).default('onehot'),
  impute: z.enum(['none', 'median', 'most-frequent']).default('none'),
  schema: tableSchemaSchema.optional(),
  maxRows: z.number().int().min(1).optional(),
}).strict();

export type ResolvedReadOptions = z.output<typeof tableReadOptionsSchema>;

export function resolveReadOptions(options: TableReadOptions | undefined): ResolvedReadOptions {
  return parseOptions(tableReadOptionsSchema, options ?? {}, 'the table reader');
}
