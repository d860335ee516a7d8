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

/**
 * A SELECT over some columns, and how its result columns become cells: most columns are one result column; a CSV
 * column the schema says is numeric is two — DuckDB's parse as a number, and the text only where that parse failed
 * (so the table builder reports the bad value, or reads a missing-value token, by src/data's rules). Parsing numbers in
 * DuckDB spares JavaScript a string per cell, the bulk of the cost of reading CSV. DuckDB's parse differs from
 * src/data's only where it accepts '1_000', which is therefore left to src/data.
 */
export interface Scan {
  /** the SELECT list */
  list: string;
  /** per cell: the result column, or [number column, text fallback column] */
  layout: (number | [number, number])[];
}

/** The scan of the given columns; `numeric` names CSV columns known to hold numbers. */
export function scanOf(source: LargeSource, names: readonly string[], numeric: ReadonlySet<string> = new Set()): Scan {
  const items: string[] = [];
  const layout: (number | [number, number])[] = [];
  for (const name of names) {
    const column = source.columns.find((c) => c.name === name);
    if (column === undefined) throw new InputError(`${source.path} has no column '${name}'. Its columns are: ${source.columns.map((c) => c.name).join(', ')}.`);
    if (column.expression === undefined) {
      throw new InputError(`${source.path}, column '${name}': its type ${column.type} cannot be a table cell (numbers, text and true / false can). Leave it out with --ignore.`);
    }
    if (source.format === 'csv' && numeric.has(name)) {
      const c = sqlName(name);
      const number = `TRY_CAST(CASE WHEN strpos(${c}, '_') = 0 THEN ${c} END AS DOUBLE)`;
      layout.push([items.length, items.length + 1]);
      items.push(number, `CASE WHEN ${number} IS NULL THEN ${c} END`);
    } else {
      layout.push(items.length);
      items.push(column.expression);
    }
  }
  return { list: items.join(', '), layout };
}

/** The rows of a chunk as table cells, in the scan's column order. */
export function chunkCells(chunk: DuckDBDataChunk, layout: Scan['layout'], where: (row: number, column: number) => string): Cell[][] {
  const n = chunk.rowCount;
  const rows: Cell[][] = new Array<Cell[]>(n);
  for (let i = 0; i < n; i++) rows[i] = new Array<Cell>(layout.length);
  const cell = (v: unknown, i: number, j: number): Cell =>
    // numbers, text and null (what the SELECT expressions give) as they are; anything else through toCell's checks
    typeof v === 'number' || typeof v === 'string' || v === null ? v : toCell(v, () => where(i, j));
  layout.forEach((at, j) => {
    if (typeof at === 'number') {
      const vector = chunk.getColumnVector(at);
      for (let i = 0; i < n; i++) rows[i]![j] = cell(vector.getItem(i), i, j);
    } else {
      const numbers = chunk.getColumnVector(at[0]);
      const texts = chunk.getColumnVector(at[1]);
      for (let i = 0; i < n; i++) {
        const v = numbers.getItem(i);
        rows[i]![j] = v !== null ? cell(v, i, j) : cell(texts.getItem(i), i, j);
      }
    }
  });
  return rows;
}

/** Streams a scan's rows as batches of table cells, about `batchRows` rows each (whole DuckDB chunks). */
export async function* cellBatches(session: DuckSession, source: LargeSource, scan: Scan, batchRows: number, sampleClause: string, where: (row: number, column: number) => string): AsyncGenerator<Cell[][]> {
  const what = `${source.path}: cannot be read`;
  const result = await session.stream(`SELECT ${scan.list} FROM ${source.from}${sampleClause}`, what);
  let batch: Cell[][] = [];
  let offset = 0;
  for (;;) {
    const chunk = await nextChunk(result, what);
    if (chunk === null) break;
    const base = offset;
    const cells = chunkCells(chunk, scan.layout, (i, j) => where(base + i, j));
    offset += cells.length;
    for (const row of cells) batch.push(row);
    if (batch.length >= batchRows) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
