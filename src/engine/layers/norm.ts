/**
 * Normalisation and dropout layers; their behaviour follows the module's train / eval mode.
 */
import type { Rng } from '../../core/rng.ts';
import { ShapeError } from '../../core/errors.ts';
import { batchNorm, layerNorm } from '../ops/norm.ts';
import { dropout } from '../ops/dropout.ts';
import { formatShape, sizeOf } from '../shape.ts';
import { Parameter, Tensor } from '../tensor.ts';
import { Module } from './module.ts';

export interface BatchNormOptions {
  eps?: number;
  /** weight of each batch in the running statistics (default 0.1, PyTorch's) */
  momentum?: number;
  /** learn a per-channel scale and shift (default true) */
  affine?: boolean;
}

/** Batch norm over the channel axis (1) of [batch, channels, ...]: BatchNorm1d for [N, C] / [N, C, L], BatchNorm2d for [N, C, H, W]. */
class BatchNorm extends Module {
  readonly weight: Parameter | null;
  readonly bias: Parameter | null;
  readonly runningMean: Tensor;
  readonly runningVar: Tensor;

  constructor(readonly numFeatures: number, private readonly ranks: readonly number[], private readonly options: BatchNormOptions = {}) {
    super();
    const affine = options.affine ?? true;
    this.weight = affine ? this.registerParameter('weight', new Parameter([numFeatures], new Float32Array(numFeatures).fill(1))) : null;
    this.bias = affine ? this.registerParameter('bias', new Parameter([numFeatures])) : null;
    this.runningMean = this.registerBuffer('runningMean', new Tensor(new Float32Array(numFeatures), [numFeatures]));
    this.runningVar = this.registerBuffer('runningVar', new Tensor(new Float32Array(numFeatures).fill(1), [numFeatures]));
  }

  forward(x: Tensor): Tensor {
    if (!this.ranks.includes(x.rank)) {
      throw new ShapeError(`${this.constructor.name}: expected an input of rank ${this.ranks.join(' or ')}; got ${formatShape(x.shape)}.`);
    }
    return batchNorm(x, this.weight, this.bias, this.runningMean, this.runningVar, {
      training: this.training,
      ...(this.options.momentum !== undefined ? { momentum: this.options.momentum } : {}),
      ...(this.options.eps !== undefined ? { eps: this.options.eps } : {}),
    });
  }
}

export class BatchNorm1d extends BatchNorm {
  constructor(numFeatures: number, options: BatchNormOptions = {}) { super(numFeatures, [2, 3], options); }
}

export class BatchNorm2d extends BatchNorm {
  constructor(numFeatures: number, options: BatchNormOptions = {}) { super(numFeatures, [4], options); }
}

/** Layer norm over the trailing dimensions `normalizedShape`. */
export class LayerNorm extends Module {
  readonly weight: Parameter | null;
  readonly bias: Parameter | null;
  readonly normalizedShape: readonly number[];

  constructor(normalizedShape: number | readonly number[], readonly options: { eps?: number; elementwiseAffine?: boolean } = {}) {
    super();
    this.normalizedShape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    const n = sizeOf(this.normalizedShape);
    const affine = options.elementwiseAffine ?? true;
    this.weight = affine ? this.registerParameter('weight', new Parameter(this.normalizedShape, new Float32Array(n).fill(1))) : null;
    this.bias = affine ? this.registerParameter('bias', new Parameter(this.normalizedShape)) : null;
  }

  forward(x: Tensor): Tensor {
    const k = this.normalizedShape.length;
    if (x.rank < k || x.shape.slice(x.rank - k).some((d, i) => d !== this.normalizedShape[i])) {
      throw new ShapeError(`LayerNorm: the input ${formatShape(x.shape)} does not end in the normalised shape ${formatShape(this.normalizedShape)}.`);
    }
    return layerNorm(x, sizeOf(this.normalizedShape), this.weight, this.bias, this.options.eps ?? 1e-5);
  }
}

export class Dropout extends Module {
  constructor(readonly p: number, private readonly rng: Rng) {
    super();
    if (!(p >= 0 && p < 1)) throw new RangeError(`Dropout: the drop probability must be in [0, 1). Got ${p} instead.`);
  }

  forward(x: Tensor): Tensor {
    return dropout(x, this.p, this.rng, this.training);
  }
}
