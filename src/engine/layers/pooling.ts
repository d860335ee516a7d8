/**
 * Pooling, upsampling and reshaping layers, so that convolutional models can be written as one Sequential.
 */
import type { Pair, Shape } from '../shape.ts';
import { avgPool1d, avgPool2d, maxPool1d, maxPool2d, upsample1d, upsample2d } from '../ops/pooling.ts';
import { flatten, reshape } from '../ops/shape.ts';
import type { Tensor } from '../tensor.ts';
import { Module } from './module.ts';

export class MaxPool2d extends Module {
  constructor(readonly kernelSize: Pair, readonly stride: Pair = kernelSize, readonly padding: Pair = 0) { super(); }
  forward(x: Tensor): Tensor { return maxPool2d(x, this.kernelSize, { stride: this.stride, padding: this.padding }); }
}

export class AvgPool2d extends Module {
  constructor(readonly kernelSize: Pair, readonly stride: Pair = kernelSize, readonly padding: Pair = 0) { super(); }
  forward(x: Tensor): Tensor { return avgPool2d(x, this.kernelSize, { stride: this.stride, padding: this.padding }); }
}

export class MaxPool1d extends Module {
  constructor(readonly kernelSize: number, readonly stride = kernelSize, readonly padding = 0) { super(); }
  forward(x: Tensor): Tensor { return maxPool1d(x, this.kernelSize, { stride: this.stride, padding: this.padding }); }
}

export class AvgPool1d extends Module {
  constructor(readonly kernelSize: number, readonly stride = kernelSize, readonly padding = 0) { super(); }
  forward(x: Tensor): Tensor { return avgPool1d(x, this.kernelSize, { stride: this.stride, padding: this.padding }); }
}

/** Nearest-neighbour upsampling of [batch, channels, height, width] (or [batch, channels, length] with a number). */
export class Upsample extends Module {
  constructor(readonly scaleFactor: Pair) { super(); }
  forward(x: Tensor): Tensor {
    return x.rank === 3 && typeof this.scaleFactor === 'number' ? upsample1d(x, this.scaleFactor) : upsample2d(x, this.scaleFactor);
  }
}

export class Flatten extends Module {
  constructor(readonly startAxis = 1) { super(); }
  forward(x: Tensor): Tensor { return flatten(x, this.startAxis); }
}

/** Reshapes each sample: [batch, ...] → [batch, ...shape]. */
export class Unflatten extends Module {
  constructor(readonly shape: Shape) { super(); }
  forward(x: Tensor): Tensor { return reshape(x, [x.shape[0]!, ...this.shape]); }
}
