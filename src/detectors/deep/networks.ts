/**
 * The dense building blocks the deep tabular detectors share: a stack of Linear → (BatchNorm) → activation → (Dropout)
 * blocks, as PyOD 2 builds its encoders and decoders, and the option fields that describe such a stack.
 */
import { z } from 'zod';
import type { Rng } from '../../core/rng.ts';
import { ActivationLayer, BatchNorm1d, Dropout, Linear, Sequential, type Activation, type Layer } from '../../engine/index.ts';

/** Hidden activations a user may pick (the engine's fused ones). */
export const HIDDEN_ACTIVATIONS = ['relu', 'leaky_relu', 'elu', 'gelu', 'tanh', 'sigmoid', 'softplus'] as const;

export const activationOption = (fallback: (typeof HIDDEN_ACTIVATIONS)[number]) =>
  z.enum(HIDDEN_ACTIVATIONS).default(fallback).describe('Activation after every hidden layer.');

export const layerSizesOption = (fallback: number[], what: string) =>
  z.array(z.number().int().min(1).max(65536)).min(1).max(32).default(fallback).describe(what);

export interface BlockOptions {
  rng: Rng;
  activation: Activation;
  /** drop probability after each block's activation (0 = none) */
  dropout: number;
  batchNorm: boolean;
  /** learn additive biases (Deep SVDD's network has none) */
  bias?: boolean;
}

/**
 * `sizes[0] → sizes[1] → …`, each step a block Linear → (BatchNorm1d) → activation → (Dropout). With `output` given,
 * the last step is a plain Linear followed by that activation instead of a block (the reconstruction layer).
 */
export function denseStack(sizes: readonly number[], options: BlockOptions, output?: Activation): Sequential {
  const layers: Layer[] = [];
  const bias = options.bias ?? true;
  for (let i = 0; i + 1 < sizes.length; i++) {
    const last = i + 2 === sizes.length;
    const from = sizes[i]!, to = sizes[i + 1]!;
    if (last && output !== undefined) {
      layers.push(new Linear(from, to, { rng: options.rng, activation: output, bias }));
      break;
    }
    if (options.batchNorm) {
      layers.push(new Linear(from, to, { rng: options.rng, bias }));
      layers.push(new BatchNorm1d(to));
      layers.push(new ActivationLayer(options.activation));
    } else {
      layers.push(new Linear(from, to, { rng: options.rng, activation: options.activation, bias }));
    }
    if (options.dropout > 0) layers.push(new Dropout(options.dropout, options.rng.fork()));
  }
  return new Sequential(layers);
}
