/**
 * Shared by the engine's tests: a gradient check on fresh seeded inputs of the given shapes, failing with the op's name.
 */
import assert from 'node:assert/strict';
import { Rng } from '../core/rng.ts';
import { gradcheck, randomTensor, type GradcheckOptions } from './gradcheck.ts';
import type { Tensor } from './tensor.ts';

export interface CheckOptions extends GradcheckOptions {
  /** range of the random inputs (default [-1, 1)) */
  low?: number;
  high?: number;
}

export function checkGradients(name: string, fn: (...inputs: Tensor[]) => Tensor, shapes: readonly (readonly number[])[], options: CheckOptions = {}): void {
  // the seed depends on the case, so cases do not all share one draw of inputs
  const rng = new Rng(name.length * 7919 + shapes.flat().reduce((p, d) => p + d, 0));
  const inputs = shapes.map((s) => randomTensor(s, rng, options.low ?? -1, options.high ?? 1));
  assert.deepEqual(gradcheck(fn, inputs, options), [], `${name} with shapes ${JSON.stringify(shapes)}`);
}
