import { asyncBufferFromFile, parquetMetadataAsync, parquetRead, parquetSchema, type AsyncBuffer, type FileMetaData } from 'hyparquet';
import { InputError } from '../core/errors.ts';
import { fileOpenError } from './lines.ts';
import type { ResolvedReadOptions } from './read-options.ts';
import { toCell } from './records.ts';
import { TableBuilder } from './table-builder.ts';
import type { Table } from './table.ts';

/**
 * Parquet files, through hyparquet (pure JavaScript; snappy built in). The file is read whole: files larger than
 * memory are for the DuckDB reader. Column names come from the Parquet schema; INT64 values become float64;
 * booleans 1 / 0; nested columns (lists, structs) and dates are refused with the column named.
 */
export async function readParquetFile(path: string, options: ResolvedReadOptions): Promise<Table> {
  let file: AsyncBuffer;
  try {
    file = await asyncBufferFromFile(path);
  } catch (error) {
    throw fileOpenError(path, error);
  }
  let metadata: FileMetaData;
  let names: string[];
  try {
    metadata = await parquetMetadataAsync(file);
    // a damaged schema fails here, inside the reader, with its internal words: name the file's problem instead
    names = parquetSchema(metadata).children.map((c) => c.element.name);
  } catch (error) {
    throw new InputError(`${path} is not a readable Parquet file (its footer metadata or schema is damaged): ${(error as Error).message}`, { cause: error });
  }
  const totalRows = Number(metadata.num_rows);
  if (totalRows === 0) throw new InputError(`${path} has no data rows.`);
  const rowEnd = Math.min(totalRows, options.maxRows ?? totalRows);
  let rows: unknown[][] = [];
  try {
    await parquetRead({ file, metadata, rowStart: 0, rowEnd, onComplete: (r) => { rows = r; } });
  } catch (error) {
    throw new InputError(`${path}: the Parquet data cannot be decoded: ${(error as Error).message}`, { cause: error });
  }
  const builder = new TableBuilder(options, { source: path, unit: 'row', names });
  for (let i = 0; i < rows.length && !builder.full; i++) {
    const row = rows[i]!;
    builder.push(row.map((v, j) => toCell(v, () => `${path} row ${i + 1}, column '${names[j]}'`)), i + 1);
  }
  return builder.finish();
}
