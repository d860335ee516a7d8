import type { Matrix } from '../../core/matrix.ts';

/**
 * A per-column scaling fitted on training data only and saved with the model: at score time the training
 * statistics are applied as they are (min-max may then leave [0, 1], which is right: that row is outside the range
 * the model saw).
 */
export type TransformKind = 'minmax' | 'standard' | 'robust';

export const TRANSFORM_KINDS: readonly TransformKind[] = ['minmax', 'standard', 'robust'];

export interface Transform {
  readonly kind: TransformKind;
  /** learns the per-column statistics of X; refitting forgets the old fit */
  fit(X: Matrix): this;
  /** a new matrix; X is never changed */
  transform(X: Matrix): Matrix;
  toJSON(): TransformJSON;
}

/** A fitted transform as plain JSON: its kind and arrays of numbers, one per column. */
export type TransformJSON = { kind: TransformKind; [k: string]: unknown };
