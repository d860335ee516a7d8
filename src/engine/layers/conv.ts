/**
 * Convolution layers (NCHW / NCL), PyTorch's weight layouts and default initialisation, with an optional fused activation.
 */
import type { Rng } from '../../core/rng.ts';
import type { Activation } from '../backend/types.ts';
import { initialize, type Initializer } from '../init.ts';
import { conv1d, conv2d, convTranspose2d } from '../ops/conv.ts';
import { defaultAlpha } from '../ops/unary.ts';
import { toPair, type Pair } from '../shape.ts';
import { Parameter, type Tensor } from '../tensor.ts';
import { Module } from './module.ts';

export interface ConvOptions {
  rng: Rng;
  stride?: Pair;
  padding?: Pair;
  /** spacing between kernel taps (default 1) */
  dilation?: Pair;
  bias?: boolean;
  /** activation fused into the layer (default 'identity') */
  activation?: Activation;
  alpha?: number;
  init?: Initializer;
}

/** Draws the weight and (for the 'default' initialiser, PyTorch's) the bias; other initialisers start the bias at 0. */
function initConv(weight: Parameter, bias: Parameter | null, fanIn: number, fanOut: number, options: ConvOptions): void {
  const init = options.init ?? 'default';
  initialize(weight, init, fanIn, fanOut, options.rng);
  if (bias !== null) initialize(bias, init === 'default' ? 'default' : 'zeros', fanIn, fanOut, options.rng);
}

export class Conv2d extends Module {
  readonly weight: Parameter;
  readonly bias: Parameter | null;
  readonly activation: Activation;
  readonly alpha: number;
  readonly stride: [number, number];
  readonly padding: [number, number];
  readonly dilation: [number, number];

  constructor(readonly inChannels: number, readonly outChannels: number, kernelSize: Pair, options: ConvOptions) {
    super();
    const [kh, kw] = toPair(kernelSize, 1);
    this.stride = toPair(options.stride, 1);
    this.padding = toPair(options.padding, 0);
    this.dilation = toPair(options.dilation, 1);
    this.activation = options.activation ?? 'identity';
    this.alpha = options.alpha ?? defaultAlpha(this.activation);
    this.weight = this.registerParameter('weight', new Parameter([outChannels, inChannels, kh, kw]));
    this.bias = options.bias === false ? null : this.registerParameter('bias', new Parameter([outChannels]));
    initConv(this.weight, this.bias, inChannels * kh * kw, outChannels * kh * kw, options);
  }

  forward(x: Tensor): Tensor {
    return conv2d(x, this.weight, this.bias, {
      stride: this.stride, padding: this.padding, dilation: this.dilation, activation: this.activation, alpha: this.alpha,
    });
  }
}

export interface ConvTransposeOptions extends ConvOptions {
  outputPadding?: Pair;
}

export class ConvTranspose2d extends Module {
  readonly weight: Parameter;
  readonly bias: Parameter | null;
  readonly activation: Activation;
  readonly alpha: number;
  readonly stride: [number, number];
  readonly padding: [number, number];
  readonly outputPadding: [number, number];

  constructor(readonly inChannels: number, readonly outChannels: number, kernelSize: Pair, options: ConvTransposeOptions) {
    super();
    const [kh, kw] = toPair(kernelSize, 1);
    this.stride = toPair(options.stride, 1);
    this.padding = toPair(options.padding, 0);
    this.outputPadding = toPair(options.outputPadding, 0);
    this.activation = options.activation ?? 'identity';
    this.alpha = options.alpha ?? defaultAlpha(this.activation);
    this.weight = this.registerParameter('weight', new Parameter([inChannels, outChannels, kh, kw]));
    this.bias = options.bias === false ? null : this.registerParameter('bias', new Parameter([outChannels]));
    // PyTorch computes the fan-in of a transposed convolution from weight.shape[1] (the output channels)
    initConv(this.weight, this.bias, outChannels * kh * kw, inChannels * kh * kw, options);
  }

  forward(x: Tensor): Tensor {
    return convTranspose2d(x, this.weight, this.bias, {
      stride: this.stride, padding: this.padding, outputPadding: this.outputPadding, activation: this.activation, alpha: this.alpha,
    });
  }
}

export interface Conv1dOptions {
  rng: Rng;
  stride?: number;
  padding?: number;
  /** spacing between kernel taps (default 1): dilated causal stacks (TCNs) */
  dilation?: number;
  bias?: boolean;
  activation?: Activation;
  alpha?: number;
  init?: Initializer;
}

export class Conv1d extends Module {
  readonly weight: Parameter;
  readonly bias: Parameter | null;
  readonly activation: Activation;
  readonly alpha: number;

  constructor(readonly inChannels: number, readonly outChannels: number, readonly kernelSize: number, private readonly options: Conv1dOptions) {
    super();
    this.activation = options.activation ?? 'identity';
    this.alpha = options.alpha ?? defaultAlpha(this.activation);
    this.weight = this.registerParameter('weight', new Parameter([outChannels, inChannels, kernelSize]));
    this.bias = options.bias === false ? null : this.registerParameter('bias', new Parameter([outChannels]));
    initConv(this.weight, this.bias, inChannels * kernelSize, outChannels * kernelSize, options);
  }

  forward(x: Tensor): Tensor {
    return conv1d(x, this.weight, this.bias, {
      stride: this.options.stride ?? 1, padding: this.options.padding ?? 0, dilation: this.options.dilation ?? 1,
      activation: this.activation, alpha: this.alpha,
    });
  }
}
