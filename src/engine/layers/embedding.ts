/**
 * A lookup table of learned vectors (log keys, categorical features): [numEmbeddings, dim], initialised N(0, 1) as in
 * PyTorch.
 */
import type { Rng } from '../../core/rng.ts';
import { normal } from '../init.ts';
import { gather } from '../ops/gather.ts';
import { Parameter, type Tensor } from '../tensor.ts';
import { Module } from './module.ts';

export class Embedding extends Module {
  readonly weight: Parameter;

  constructor(readonly numEmbeddings: number, readonly embeddingDim: number, options: { rng: Rng }) {
    super();
    this.weight = this.registerParameter('weight', new Parameter([numEmbeddings, embeddingDim]));
    normal(this.weight, 1, options.rng);
  }

  /** Vectors of `indices`, shaped [...indexShape, dim] (indexShape defaults to [indices.length]). */
  forward(indices: ArrayLike<number>, indexShape?: readonly number[]): Tensor {
    return gather(this.weight, indices, indexShape);
  }
}
