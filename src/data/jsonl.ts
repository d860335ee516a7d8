import { InputError } from '../core/errors.ts';
import type { Cell } from './cells.ts';
import { readLineBatches } from './lines.ts';
import type { ResolvedReadOptions } from './read-options.ts';
import { isPlainRecord, recordCells, recordKeys, toCell } from './records.ts';
import { SAMPLE_ROWS, TableBuilder } from './table-builder.ts';
import type { Table } from './table.ts';

/**
 * JSON lines (.jsonl / .ndjson), plain or gzip: one JSON object per line (columns = keys, in order of first appearance
 * over the first lines), or one JSON array per line (columns by position, like a CSV row). Blank lines are skipped.
 */
export async function readJsonLinesFile(path: string, options: ResolvedReadOptions): Promise<Table> {
  const held: { value: unknown; at: number }[] = [];
  let builder: TableBuilder | undefined;
  let mode: 'object' | 'array' | undefined;
  let names: string[] = [];
  let index = new Map<string, number>();

  const push = (value: unknown, at: number): void => {
    const where = (): string => `${path} line ${at}`;
    if (mode === 'object') {
      if (!isPlainRecord(value)) throw new InputError(`${where()}: expected a JSON object like the lines before it. Got ${describe(value)} instead.`);
      builder!.push(recordCells(value, names, index, where), at);
    } else {
      if (!Array.isArray(value)) throw new InputError(`${where()}: expected a JSON array like the lines before it. Got ${describe(value)} instead.`);
      builder!.push(value.map((v, j): Cell => toCell(v, () => `${where()}, column ${j}`)), at);
    }
  };

  const start = (): void => {
    const first = held[0];
    if (first === undefined) throw new InputError(`${path} is empty: it has no rows at all.`);
    if (isPlainRecord(first.value)) {
      mode = 'object';
      const objects: Record<string, unknown>[] = [];
      for (const h of held) {
        if (!isPlainRecord(h.value)) throw new InputError(`${path} line ${h.at}: expected a JSON object like line ${first.at}. Got ${describe(h.value)} instead.`);
        objects.push(h.value);
      }
      names = recordKeys(objects);
      index = new Map(names.map((n, j) => [n, j]));
      builder = new TableBuilder(options, { source: path, unit: 'line', names });
    } else if (Array.isArray(first.value)) {
      mode = 'array';
      builder = new TableBuilder(options, { source: path, unit: 'line' });
    } else {
      throw new InputError(`${path} line ${first.at}: expected a JSON object or array per line. Got ${describe(first.value)} instead.`);
    }
    for (const h of held) {
      if (builder.full) break;
      push(h.value, h.at);
    }
    held.length = 0;
  };

  for await (const batch of readLineBatches(path)) {
    for (let i = 0; i < batch.lines.length; i++) {
      const text = batch.lines[i]!;
      if (text.trim().length === 0) continue;
      const at = batch.firstNumber + i;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (error) {
        throw new InputError(`${path} line ${at} is not valid JSON: ${(error as Error).message}`, { cause: error });
      }
      if (builder === undefined) {
        held.push({ value, at });
        if (held.length >= SAMPLE_ROWS) start();
      } else {
        push(value, at);
      }
      if (builder?.full) return builder.finish();
    }
  }
  if (builder === undefined) start();
  return builder!.finish();
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? `the text ${JSON.stringify(value.slice(0, 40))}` : `a ${typeof value}`;
}
