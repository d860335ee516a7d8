/**
 * Row lookup: out[i] = table[indices[i]] for a table [rows, ...] — embeddings, and picking a batch of rows out of a
 * data set. The gradient scatters back (adds) into the rows that were read.
 */
import { ShapeError } from '../../core/errors.ts';
import { arena } from '../context.ts';
import { formatShape, sizeOf } from '../shape.ts';
import { gradTarget, needsGrad, record } from '../tape.ts';
import { empty, type Tensor } from '../tensor.ts';

/**
 * Rows of `table` at `indices`; the result has shape [...indexShape, ...table.shape.slice(1)] (indexShape defaults to
 * [indices.length]).
 */
export function gather(table: Tensor, indices: ArrayLike<number>, indexShape: readonly number[] = [indices.length]): Tensor {
  if (table.rank < 1) throw new ShapeError('gather: the table needs at least one dimension.');
  if (sizeOf(indexShape) !== indices.length) {
    throw new ShapeError(`gather: index shape ${formatShape(indexShape)} does not hold ${indices.length} indices.`);
  }
  const rows = table.shape[0]!, width = table.size / Math.max(rows, 1);
  const out = empty([...indexShape, ...table.shape.slice(1)]);
  const src = table.data, dst = out.data;
  for (let i = 0; i < indices.length; i++) {
    const r = indices[i]!;
    if (!(r >= 0 && r < rows && Number.isInteger(r))) {
      throw new ShapeError(`gather: index ${r} at position ${i} is outside the table's ${rows} rows (shape ${formatShape(table.shape)}).`);
    }
    // short rows copy faster element by element than through a subarray view and set()
    if (width < 128) for (let j = 0, from = r * width, to = i * width; j < width; j++) dst[to + j] = src[from + j]!;
    else dst.set(src.subarray(r * width, (r + 1) * width), i * width);
  }
  if (needsGrad(table)) {
    // indices are copied: the caller may reuse its index array for the next batch before backward runs
    const kept = arena().takeInt(indices.length);
    for (let i = 0; i < indices.length; i++) kept[i] = indices[i]!;
    record(out, () => {
      const g = out.grad!;
      const beta = gradTarget(table);
      const target = table.grad!;
      if (beta === 0) target.fill(0);
      for (let i = 0; i < kept.length; i++) {
        const base = kept[i]! * width;
        for (let j = 0; j < width; j++) target[base + j]! += g[i * width + j]!;
      }
    });
  }
  return out;
}
