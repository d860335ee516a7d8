/**
 * Dense layer y = act(x·W + b), on the fused kernel path (see ops/matmul.ts `linear`). The weight is stored
 * [inFeatures, outFeatures] — the transpose of PyTorch's layout — so the forward GEMM reads it without a transpose.
 */
import type { Rng } from '../../core/rng.ts';
import type { Activation } from '../backend/types.ts';
import { initialize, type Initializer } from '../init.ts';
import { linear } from '../ops/matmul.ts';
import { defaultAlpha } from '../ops/unary.ts';
import { Parameter, type Tensor } from '../tensor.ts';
import { Module } from './module.ts';

export interface LinearOptions {
  /** the seeded generator the weights are drawn from */
  rng: Rng;
  /** learn an additive bias (default true) */
  bias?: boolean;
  /** activation fused into the layer (default 'identity') */
  activation?: Activation;
  /** negative slope of leaky_relu / scale of elu (default 0.01 / 1) */
  alpha?: number;
  /** weight initialiser (default 'default', PyTorch's, which also draws the bias); with the others the bias starts at 0 */
  init?: Initializer;
}

export class Linear extends Module {
  readonly weight: Parameter;
  readonly bias: Parameter | null;
  readonly activation: Activation;
  readonly alpha: number;

  constructor(readonly inFeatures: number, readonly outFeatures: number, options: LinearOptions) {
    super();
    this.activation = options.activation ?? 'identity';
    this.alpha = options.alpha ?? defaultAlpha(this.activation);
    const init = options.init ?? 'default';
    this.weight = this.registerParameter('weight', new Parameter([inFeatures, outFeatures]));
    initialize(this.weight, init, inFeatures, outFeatures, options.rng);
    this.bias = options.bias === false ? null : this.registerParameter('bias', new Parameter([outFeatures]));
    if (this.bias !== null) initialize(this.bias, init === 'default' ? 'default' : 'zeros', inFeatures, outFeatures, options.rng);
  }

  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias, this.activation, this.alpha);
  }

  /** The layer followed by another activation, in one kernel (only for a layer without its own activation). */
  forwardWithActivation(x: Tensor, act: Activation, alpha: number): Tensor {
    return linear(x, this.weight, this.bias, act, alpha);
  }
}
