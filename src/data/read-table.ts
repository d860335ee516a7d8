import { OptionError } from '../core/errors.ts';
import { readCsvFile } from './csv.ts';
import { readJsonLinesFile } from './jsonl.ts';
import { readNpyTable } from './npy-table.ts';
import { readParquetFile } from './parquet.ts';
import { resolveReadOptions, type TableReadOptions } from './read-options.ts';
import type { Table } from './table.ts';

type Format = NonNullable<TableReadOptions['format']>;

const EXTENSIONS: readonly [RegExp, Format][] = [
  [/\.(csv|tsv|txt)(\.gz)?$/i, 'csv'],
  [/\.(jsonl|ndjson)(\.gz)?$/i, 'jsonl'],
  [/\.npy(\.gz)?$/i, 'npy'],
  [/\.parquet$/i, 'parquet'],
];

/** The format a path's extension names, or undefined. */
export function formatFromPath(path: string): Format | undefined {
  return EXTENSIONS.find(([re]) => re.test(path))?.[1];
}

/** Reads a table file: CSV / TSV (plain or gzip), JSON lines, NumPy .npy, or Parquet. */
export async function readTable(path: string, options?: TableReadOptions): Promise<Table> {
  const resolved = resolveReadOptions(options);
  const format = resolved.format ?? formatFromPath(path);
  if (format === undefined) {
    throw new OptionError(
      `Cannot tell the format of ${path} from its extension. Known: .csv, .tsv, .txt, .jsonl, .ndjson (each optionally .gz), .npy, .npy.gz, .parquet; or give the format option (CLI: --format csv|jsonl|npy|parquet).`,
    );
  }
  switch (format) {
    case 'csv': return readCsvFile(path, resolved);
    case 'jsonl': return readJsonLinesFile(path, resolved);
    case 'npy': return readNpyTable(path, resolved);
    case 'parquet': return readParquetFile(path, resolved);
  }
}
