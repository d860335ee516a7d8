/**
 * Multi-head scaled dot-product attention (Vaswani et al., 2017), batch-first [batch, time, embedDim], built from the
 * engine's ops: one fused projection for queries, keys and values, batched matmuls over (batch × heads), softmax.
 */
import { ShapeError } from '../../core/errors.ts';
import type { Rng } from '../../core/rng.ts';
import { add, mul } from '../ops/elementwise.ts';
import { linear, matmul } from '../ops/matmul.ts';
import { permute, reshape, slice } from '../ops/shape.ts';
import { softmax } from '../ops/softmax.ts';
import { dropout } from '../ops/dropout.ts';
import { formatShape } from '../shape.ts';
import { tensor, type Tensor } from '../tensor.ts';
import { Linear } from './linear.ts';
import { Module } from './module.ts';

export interface MultiHeadAttentionOptions {
  rng: Rng;
  /** dropout on the attention weights in training (default 0) */
  dropout?: number;
  bias?: boolean;
}

export interface AttentionCallOptions {
  /** keys / values from another sequence (cross-attention); default: self-attention on the query input */
  keyValue?: Tensor;
  /** hide future positions (each position attends only to itself and earlier ones) */
  causal?: boolean;
}

export class MultiHeadAttention extends Module {
  readonly inProjection: Linear;
  readonly outProjection: Linear;
  readonly headDim: number;

  constructor(readonly embedDim: number, readonly numHeads: number, private readonly options: MultiHeadAttentionOptions) {
    super();
    if (embedDim % numHeads !== 0) throw new ShapeError(`MultiHeadAttention: embedDim ${embedDim} must be divisible by numHeads ${numHeads}.`);
    this.headDim = embedDim / numHeads;
    const bias = options.bias ?? true;
    this.inProjection = this.registerModule('inProjection', new Linear(embedDim, 3 * embedDim, { rng: options.rng, bias, init: 'glorot-uniform' }));
    this.outProjection = this.registerModule('outProjection', new Linear(embedDim, embedDim, { rng: options.rng, bias }));
  }

  /** x [batch, time, embedDim] → [batch, time, embedDim]. */
  forward(x: Tensor, call: AttentionCallOptions = {}): Tensor {
    if (x.rank !== 3 || x.shape[2] !== this.embedDim) {
      throw new ShapeError(`MultiHeadAttention: the input ${formatShape(x.shape)} must be [batch, time, ${this.embedDim}].`);
    }
    const [batch, time] = x.shape as [number, number];
    const { weight, bias } = this.inProjection;
    let q: Tensor, k: Tensor, v: Tensor;
    if (call.keyValue === undefined) {
      const qkv = linear(x, weight, bias);
      [q, k, v] = [0, 1, 2].map((i) => slice(qkv, 2, i * this.embedDim, (i + 1) * this.embedDim)) as [Tensor, Tensor, Tensor];
    } else {
      const e = this.embedDim;
      const wq = slice(weight, 1, 0, e), wkv = slice(weight, 1, e, 3 * e);
      q = linear(x, wq, bias === null ? null : slice(bias, 0, 0, e));
      const kv = linear(call.keyValue, wkv, bias === null ? null : slice(bias, 0, e, 3 * e));
      k = slice(kv, 2, 0, e);
      v = slice(kv, 2, e, 2 * e);
    }
    const keyTime = k.shape[1]!;
    const heads = (t: Tensor, steps: number): Tensor => permute(reshape(t, [batch, steps, this.numHeads, this.headDim]), [0, 2, 1, 3]);
    const scores = mul(matmul(heads(q, time), heads(k, keyTime), { transB: true }), 1 / Math.sqrt(this.headDim));
    const masked = call.causal === true ? add(scores, causalMask(time, keyTime)) : scores;
    let weights = softmax(masked, -1);
    weights = dropout(weights, this.options.dropout ?? 0, this.options.rng, this.training);
    const context = permute(matmul(weights, heads(v, keyTime)), [0, 2, 1, 3]);
    return this.outProjection.forward(reshape(context, [batch, time, this.embedDim]));
  }
}

/** 0 where a query may look, −∞ (a large negative number) where it may not. */
function causalMask(time: number, keyTime: number): Tensor {
  const m = new Float32Array(time * keyTime);
  for (let i = 0; i < time; i++) for (let j = i + 1; j < keyTime; j++) m[i * keyTime + j] = -1e9;
  return tensor(m, [time, keyTime]);
}
