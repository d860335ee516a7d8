import { InputError, ShapeError } from '../../../core/errors.ts';
import type { Matrix } from '../../../core/matrix.ts';
import type { QueryOptions } from './types.ts';

/** The checks every search makes before a query: feature count, k in range, and self-exclusion only against itself. */
export function checkQuery(reference: Matrix, queries: Matrix, k: number, options: QueryOptions): void {
  if (queries.cols !== reference.cols) {
    throw new ShapeError(`Neighbour query has ${queries.cols} features; the reference set has ${reference.cols}.`);
  }
  const available = options.excludeSelf ? reference.rows - 1 : reference.rows;
  if (!Number.isInteger(k) || k < 1 || k > available) {
    throw new InputError(
      `Cannot ask for k = ${k} neighbours: the reference set offers ${available} per query` +
        `${options.excludeSelf ? ' (its own row excluded)' : ''}. k must be an integer in [1, ${available}].`,
    );
  }
  if (options.excludeSelf && queries.rows !== reference.rows) {
    throw new ShapeError(`excludeSelf needs the reference rows themselves as queries: got ${queries.rows} queries for ${reference.rows} reference rows.`);
  }
}
