import { InputError } from '../core/errors.ts';
import type { Cell } from './cells.ts';
import type { TableReadOptions } from './read-options.ts';
import { resolveReadOptions } from './read-options.ts';
import { TableBuilder } from './table-builder.ts';
import type { Table } from './table.ts';

/**
 * Rows given as objects (JSON bodies, JSON lines, Parquet rows): the columns are the keys, in order of first
 * appearance; a key a row lacks, or a null, is a missing value.
 */

/** A JSON-ish value as a table cell: numbers and strings as they are, booleans as 1 / 0, null as missing. */
export function toCell(value: unknown, where: () => string): Cell {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'number':
    case 'string':
      return value;
    case 'boolean':
      return value ? 1 : 0;
    case 'bigint':
      // Parquet INT64; beyond 2^53 the nearest float64, which is what any detector computes with anyway
      return Number(value);
    default:
      break;
  }
  const kind = Array.isArray(value) ? 'a list' : value instanceof Date ? 'a date' : value instanceof Uint8Array ? 'binary data' : 'an object';
  throw new InputError(`${where()}: the value is ${kind}; only numbers, text, true / false and null can be table cells. Leave the column out with ignore, or flatten it first.`);
}

/** The keys of the given records, in order of first appearance. */
export function recordKeys(records: Iterable<Record<string, unknown>>): string[] {
  const seen = new Set<string>();
  for (const r of records) for (const k of Object.keys(r)) seen.add(k);
  return [...seen];
}

/** The cells of one record in `names` order; a key outside `names` is an error (it would be silently dropped). */
export function recordCells(record: Record<string, unknown>, names: readonly string[], index: ReadonlyMap<string, number>, where: () => string): Cell[] {
  const cells: Cell[] = new Array<Cell>(names.length).fill(null);
  for (const key in record) {
    if (!Object.hasOwn(record, key)) continue;
    const j = index.get(key);
    if (j === undefined) {
      throw new InputError(`${where()} has a key '${key}' that the rows before it do not have. The columns are: ${names.join(', ')}.`);
    }
    cells[j] = toCell(record[key], () => `${where()}, column '${key}'`);
  }
  return cells;
}

export function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A table from objects in memory, e.g. the rows of a JSON request body. */
export function tableFromRecords(
  records: Record<string, unknown>[],
  options?: Omit<TableReadOptions, 'format' | 'header' | 'delimiter'>,
  source = 'records',
): Table {
  const resolved = resolveReadOptions(options);
  if (!Array.isArray(records)) throw new InputError(`${source}: expected an array of row objects. Got ${typeof records} instead.`);
  if (records.length === 0) throw new InputError(`${source} has no data rows.`);
  records.forEach((r, i) => {
    if (!isPlainRecord(r)) throw new InputError(`${source} row ${i + 1}: expected an object of column values. Got ${Array.isArray(r) ? 'an array' : r === null ? 'null' : typeof r} instead.`);
  });
  const names = recordKeys(records);
  const index = new Map(names.map((n, j) => [n, j]));
  const builder = new TableBuilder(resolved, { source, unit: 'row', names });
  for (let i = 0; i < records.length && !builder.full; i++) {
    builder.push(recordCells(records[i]!, names, index, () => `${source} row ${i + 1}`), i + 1);
  }
  return builder.finish();
}
