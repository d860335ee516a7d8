import type { Cell } from './cells.ts';
import { readNpy } from './npy.ts';
import type { ResolvedReadOptions } from './read-options.ts';
import { TableBuilder } from './table-builder.ts';
import type { Table } from './table.ts';

/** A .npy array as a table: columns col0, col1, …; rows numbered from 1 in messages; NaN is a missing value. */
export async function readNpyTable(path: string, options: ResolvedReadOptions): Promise<Table> {
  const array = await readNpy(path);
  const [rows, cols] = array.shape;
  const names = Array.from({ length: cols }, (_, j) => `col${j}`);
  const builder = new TableBuilder(options, { source: path, unit: 'row', names });
  for (let i = 0; i < rows && !builder.full; i++) {
    const cells: Cell[] = Array.from(array.data.subarray(i * cols, (i + 1) * cols));
    builder.push(cells, i + 1);
  }
  return builder.finish();
}
