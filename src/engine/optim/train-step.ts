/**
 * One optimisation step in one call: inside a scope (so every buffer of the step is reused by the next), compute the
 * loss, clear the gradients, back-propagate, optionally clip, update. Returns the loss value.
 */
import { scope } from '../scope.ts';
import type { Tensor } from '../tensor.ts';
import { clipGradNorm } from './clip.ts';
import type { Optimizer } from './optimizer.ts';

export interface TrainStepOptions {
  /** clip the gradients to this global L2 norm before the update */
  maxGradNorm?: number;
}

export function trainStep(optimizer: Optimizer, loss: () => Tensor, options: TrainStepOptions = {}): number {
  return scope(() => {
    const l = loss();
    optimizer.zeroGrad();
    l.backward();
    if (options.maxGradNorm !== undefined) clipGradNorm(optimizer.params, options.maxGradNorm);
    optimizer.step();
    return l.item();
  });
}
