import { ModelFileError, UnknownNameError } from '../../core/errors.ts';
import type { AffineTransform } from './affine.ts';
import { MinMaxTransform } from './minmax.ts';
import { RobustTransform } from './robust.ts';
import { StandardTransform } from './standard.ts';
import { TRANSFORM_KINDS, type Transform, type TransformKind } from './transform.ts';

export { MinMaxTransform } from './minmax.ts';
export { RobustTransform } from './robust.ts';
export { StandardTransform } from './standard.ts';
export { TRANSFORM_KINDS, type Transform, type TransformJSON, type TransformKind } from './transform.ts';

function create(kind: TransformKind): AffineTransform {
  switch (kind) {
    case 'minmax': return new MinMaxTransform();
    case 'standard': return new StandardTransform();
    case 'robust': return new RobustTransform();
  }
}

/** An unfitted transform of the given kind. */
export function createTransform(kind: TransformKind): Transform {
  if (!TRANSFORM_KINDS.includes(kind)) throw new UnknownNameError('transform', String(kind), TRANSFORM_KINDS);
  return create(kind);
}

/** A fitted transform from its saved JSON; throws ModelFileError when the JSON is damaged. */
export function transformFromJSON(json: unknown): Transform {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new ModelFileError(`The saved transform is damaged: expected an object with a 'kind'. Got ${json === null ? 'null' : Array.isArray(json) ? 'an array' : typeof json} instead.`);
  }
  const record = json as Record<string, unknown>;
  const kind = record.kind;
  if (typeof kind !== 'string' || !TRANSFORM_KINDS.includes(kind as TransformKind)) {
    throw new ModelFileError(`The saved transform is damaged: unknown kind ${JSON.stringify(kind)}; known kinds: ${TRANSFORM_KINDS.join(', ')}.`);
  }
  return create(kind as TransformKind).load(record);
}
