/**
 * A CSV or Parquet file as DuckDB reads it for the out-of-core path: its columns (names as the in-memory readers name
 * them), a SQL expression per column that yields what the table builder takes (numbers, text or null), and its row
 * count. CSV cells come as text (`all_varchar`), so that missing-value tokens, label spellings, categories and the
 * errors for a bad number are decided by src/data's rules, exactly as when the file is read whole. The header and the
 * delimiter are decided by the in-memory CSV reader itself on the first rows, not by DuckDB's sniffer.
 */
import { stat } from 'node:fs/promises';
import { InputError, OptionError } from '../core/errors.ts';
import { formatFromPath, readLineBatches, readTable, sniffDelimiter, SAMPLE_ROWS, type Cell, type TableReadOptions } from '../data/index.ts';
import { fileOpenError } from '../data/lines.ts';
import { toCell } from '../data/records.ts';
import type { DuckDBDataChunk } from '@duckdb/node-api';
import { nextChunk, sqlName, sqlText, type DuckSession } from './duckdb.ts';

export interface LargeColumn {
  name: string;
  /** DuckDB's type of the column as read */
  type: string;
  /** the SELECT expression giving a number, text or null; undefined when the type cannot be a table cell */
  expression: string | undefined;
}

export interface LargeSource {
  path: string;
  format: 'csv' | 'parquet';
  /** the table expression for FROM */
  from: string;
  columns: LargeColumn[];
  /** whether the file had a header row (CSV) or named columns (Parquet) */
  header: boolean;
  rows: number;
  bytes: number;
}

/** The format the out-of-core path reads a file as, or an error naming what it can read. */
export function largeFormat(path: string, format: TableReadOptions['format']): 'csv' | 'parquet' {
  const f = format ?? formatFromPath(path);
  if (f === 'csv' || f === 'parquet') return f;
  throw new OptionError(
    `The out-of-core engine (--engine duckdb) reads CSV / TSV (plain or .gz) and Parquet files; ${path} is ${f === undefined ? 'of a format its extension does not name' : `${f}`}. Use --engine memory, or convert the file.`,
  );
}

export async function openLargeSource(session: DuckSession, path: string, options: TableReadOptions): Promise<LargeSource> {
  let bytes: number;
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw Object.assign(new Error('is a folder'), { code: 'EISDIR' });
    bytes = info.size;
  } catch (error) {
    throw fileOpenError(path, error);
  }
  const format = largeFormat(path, options.format);
  const source = format === 'csv' ? await csvSource(session, path, options) : await parquetSource(session, path);
  const [count] = await session.rows(`SELECT count(*) AS n FROM ${source.from}`, `${path}: cannot be read`);
  const rows = Number(count?.['n'] ?? 0); // count(*) is a BIGINT: a bigint in JavaScript
  if (rows === 0) throw new InputError(`${path} has no data rows.`);
  return { ...source, path, format, rows, bytes };
}

async function csvSource(session: DuckSession, path: string, options: TableReadOptions): Promise<Omit<LargeSource, 'path' | 'format' | 'rows' | 'bytes'>> {
  const delimiter = options.delimiter ?? (/\.tsv(\.gz)?$/i.test(path) ? '\t' : await sniffFileDelimiter(path));
  // The in-memory reader decides the header and the column names on the first rows (and checks the label / id /
  // ignored columns exist, with its messages naming lines); it never holds more than these rows.
  const { maxRows: _ignored, ...rest } = options;
  const probe = await readTable(path, { ...rest, format: 'csv', delimiter, maxRows: SAMPLE_ROWS });
  const names = probe.schema.columns.map((c) => c.name);
  const header = probe.schema.header;
  const columnsSpec = `{${names.map((n) => `${sqlText(n)}: 'VARCHAR'`).join(', ')}}`;
  const from = `read_csv(${sqlText(path)}, delim = ${sqlText(delimiter)}, quote = '"', escape = '"', header = ${header}, ` +
    `auto_detect = false, columns = ${columnsSpec}, null_padding = false, strict_mode = true)`;
  return { from, header, columns: names.map((name) => ({ name, type: 'VARCHAR', expression: sqlName(name) })) };
}

async function sniffFileDelimiter(path: string): Promise<string> {
  for await (const batch of readLineBatches(path)) return sniffDelimiter(batch.lines.slice(0, 80));
  throw new InputError(`${path} is empty: it has no rows at all.`);
}

const NUMERIC = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL.*|BOOLEAN)$/;

async function parquetSource(session: DuckSession, path: string): Promise<Omit<LargeSource, 'path' | 'format' | 'rows' | 'bytes'>> {
  const from = `read_parquet(${sqlText(path)})`;
  const described = await session.rows(`DESCRIBE SELECT * FROM ${from}`, `${path} is not a readable Parquet file`);
  const columns = described.map((r): LargeColumn => {
    const name = String(r['column_name']);
    const type = String(r['column_type']);
    // Numbers of every width as float64 (what the detectors compute with; INT64 beyond 2^53 rounds, as in-memory);
    // booleans as 1 / 0 as in-memory; text as text.
    const expression = NUMERIC.test(type) ? `CAST(${sqlName(name)} AS DOUBLE)` : type === 'VARCHAR' ? sqlName(name) : undefined;
    return { name, type, expression };
  });
  return { from, header: true, columns };
}

/** The SELECT list for the given columns; a column of a type no table cell can hold is an error naming it. */
export function selectList(source: LargeSource, names: readonly string[]): string {
  return names.map((name) => {
    const column = source.columns.find((c) => c.name === name);
    if (column === undefined) throw new InputError(`${source.path} has no column '${name}'. Its columns are: ${source.columns.map((c) => c.name).join(', ')}.`);
    if (column.expression === undefined) {
      throw new InputError(`${source.path}, column '${name}': its type ${column.type} cannot be a table cell (numbers, text and true / false can). Leave it out with --ignore.`);
    }
    return column.expression;
  }).join(', ');
}

/** The rows of a chunk as table cells, in column order. */
export function chunkCells(chunk: DuckDBDataChunk, where: (row: number, column: number) => string): Cell[][] {
  const n = chunk.rowCount;
  const width = chunk.columnCount;
  const rows: Cell[][] = new Array<Cell[]>(n);
  for (let i = 0; i < n; i++) rows[i] = new Array<Cell>(width);
  for (let j = 0; j < width; j++) {
    const vector = chunk.getColumnVector(j);
    for (let i = 0; i < n; i++) {
      const v = vector.getItem(i);
      // numbers, text and null (what the SELECT expressions give) as they are; anything else through toCell's checks
      rows[i]![j] = typeof v === 'number' || typeof v === 'string' || v === null ? v : toCell(v, () => where(i, j));
    }
  }
  return rows;
}

/** Streams a query's rows as batches of table cells, about `batchRows` rows each (whole DuckDB chunks). */
export async function* cellBatches(session: DuckSession, sql: string, batchRows: number, what: string, where: (row: number, column: number) => string): AsyncGenerator<Cell[][]> {
  const result = await session.stream(sql, what);
  let batch: Cell[][] = [];
  let offset = 0;
  for (;;) {
    const chunk = await nextChunk(result, what);
    if (chunk === null) break;
    const base = offset;
    const cells = chunkCells(chunk, (i, j) => where(base + i, j));
    offset += cells.length;
    for (const row of cells) batch.push(row);
    if (batch.length >= batchRows) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
