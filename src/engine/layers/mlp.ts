/**
 * A multilayer perceptron in one call: the encoder / decoder / classifier body most tabular detectors need.
 */
import type { Rng } from '../../core/rng.ts';
import type { Activation } from '../backend/types.ts';
import type { Initializer } from '../init.ts';
import { Linear } from './linear.ts';
import { Sequential } from './sequential.ts';

export interface MlpOptions {
  rng: Rng;
  /** activation after every hidden layer (default 'relu') */
  activation?: Activation;
  /** activation after the last layer (default 'identity') */
  outputActivation?: Activation;
  init?: Initializer;
  bias?: boolean;
}

/** Linear layers through `sizes` (e.g. [64, 128, 16] is 64→128→16), each with a fused activation. */
export function mlp(sizes: readonly number[], options: MlpOptions): Sequential {
  const layers: Linear[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    const last = i + 2 === sizes.length;
    layers.push(new Linear(sizes[i]!, sizes[i + 1]!, {
      rng: options.rng,
      activation: last ? options.outputActivation ?? 'identity' : options.activation ?? 'relu',
      ...(options.init !== undefined ? { init: options.init } : {}),
      ...(options.bias !== undefined ? { bias: options.bias } : {}),
    }));
  }
  return new Sequential(layers);
}
