/**
 * Activation layers, for Sequential models written the PyTorch way (Linear, ReLU, Linear, ...). Sequential fuses a
 * Linear followed by one of these into the Linear's GEMM + bias-activation kernel.
 */
import type { Activation } from '../backend/types.ts';
import { activation, defaultAlpha } from '../ops/unary.ts';
import type { Tensor } from '../tensor.ts';
import { Module } from './module.ts';

export class ActivationLayer extends Module {
  constructor(readonly activation: Activation, readonly alpha = defaultAlpha(activation)) {
    super();
  }

  forward(x: Tensor): Tensor {
    return activation(x, this.activation, this.alpha);
  }
}

export class ReLU extends ActivationLayer { constructor() { super('relu'); } }
export class LeakyReLU extends ActivationLayer { constructor(negativeSlope = 0.01) { super('leaky_relu', negativeSlope); } }
export class ELU extends ActivationLayer { constructor(alpha = 1) { super('elu', alpha); } }
export class GELU extends ActivationLayer { constructor() { super('gelu'); } }
export class Tanh extends ActivationLayer { constructor() { super('tanh'); } }
export class Sigmoid extends ActivationLayer { constructor() { super('sigmoid'); } }
export class Softplus extends ActivationLayer { constructor() { super('softplus'); } }
