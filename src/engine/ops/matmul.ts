/**
 * Matrix products: matmul (optionally transposed operands, leading dimensions of the left operand folded into rows),
 * batched matmul, and the fused dense layer `linear` = act(x·W + b), which is one GEMM plus one bias+activation kernel
 * forward and two GEMMs, one column sum and one activation-backward kernel backward.
 */
import { ShapeError } from '../../core/errors.ts';
import type { Activation } from '../backend/types.ts';
import { arena, backend } from '../context.ts';
import { formatShape, sizeOf } from '../shape.ts';
import { gradTarget, needsGrad, record } from '../tape.ts';
import { empty, type Tensor } from '../tensor.ts';
import { needsPreActivation } from './unary.ts';

export interface MatmulOptions {
  /** use the transpose of the left operand's last two dimensions */
  transA?: boolean;
  /** use the transpose of the right operand's last two dimensions */
  transB?: boolean;
}

/**
 * a·b. Shapes: a [..., m, k] (or [..., k, m] with transA), b [k, n] (or [n, k] with transB) — a's leading dimensions
 * are folded into rows — or both [batch, ..., ·, ·] with equal leading dimensions for a batched product.
 */
export function matmul(a: Tensor, b: Tensor, options: MatmulOptions = {}): Tensor {
  const transA = options.transA ?? false, transB = options.transB ?? false;
  if (a.rank < 2 || b.rank < 2) {
    throw new ShapeError(`matmul: both operands need at least two dimensions; got ${formatShape(a.shape)} and ${formatShape(b.shape)}.`);
  }
  const aRows = a.shape[a.rank - 2]!, aCols = a.shape[a.rank - 1]!;
  const bRows = b.shape[b.rank - 2]!, bCols = b.shape[b.rank - 1]!;
  const m = transA ? aCols : aRows, k = transA ? aRows : aCols;
  const kb = transB ? bCols : bRows, n = transB ? bRows : bCols;
  if (k !== kb) {
    throw new ShapeError(`matmul: cannot multiply ${describe(a.shape, transA)} by ${describe(b.shape, transB)}: inner dimensions ${k} and ${kb} differ.`);
  }
  if (b.rank === 2) {
    if (a.rank > 2 && transA) {
      throw new ShapeError(`matmul: transA with a ${a.rank}-dimensional left operand ${formatShape(a.shape)} needs a batched right operand.`);
    }
    const rows = a.rank === 2 ? m : a.size / k;
    const shape = a.rank === 2 ? [m, n] : [...a.shape.slice(0, -1), n];
    return gemmOp(a, b, shape, 1, transA, transB, rows, n, k);
  }
  const batchA = a.shape.slice(0, -2), batchB = b.shape.slice(0, -2);
  if (batchA.length !== batchB.length || batchA.some((d, i) => d !== batchB[i])) {
    throw new ShapeError(`matmul: batched operands ${formatShape(a.shape)} and ${formatShape(b.shape)} need the same leading (batch) dimensions.`);
  }
  return gemmOp(a, b, [...batchA, m, n], sizeOf(batchA), transA, transB, m, n, k);
}

function describe(shape: readonly number[], transposed: boolean): string {
  return transposed ? `${formatShape(shape)}ᵀ` : formatShape(shape);
}

/** C = op(A)·op(B) for `batch` products of m×k by k×n, with the gradients of both operands. */
function gemmOp(a: Tensor, b: Tensor, shape: number[], batch: number, transA: boolean, transB: boolean, m: number, n: number, k: number): Tensor {
  const out = empty(shape);
  const be = backend();
  const mm = (tA: boolean, tB: boolean, rows: number, cols: number, inner: number, x: Float32Array, y: Float32Array, beta: number, c: Float32Array): void => {
    if (batch === 1) be.gemm(tA, tB, rows, cols, inner, 1, x, y, beta, c);
    else be.gemmBatched(batch, tA, tB, rows, cols, inner, 1, x, y, beta, c);
  };
  mm(transA, transB, m, n, k, a.data, b.data, 0, out.data);
  if (needsGrad(a, b)) {
    record(out, () => {
      const g = out.grad!;
      if (a.requiresGrad) {
        const beta = gradTarget(a);
        if (!transA) mm(false, !transB, m, k, n, g, b.data, beta, a.grad!);
        else mm(transB, true, k, m, n, b.data, g, beta, a.grad!);
      }
      if (b.requiresGrad) {
        const beta = gradTarget(b);
        if (!transB) mm(!transA, false, k, n, m, a.data, g, beta, b.grad!);
        else mm(true, transA, n, k, m, g, a.data, beta, b.grad!);
      }
    });
  }
  return out;
}

/**
 * The fused dense layer: act(x·weight + bias) with weight stored [inFeatures, outFeatures] (so the forward GEMM needs no
 * transpose), x [..., inFeatures]. bias may be null.
 */
export function linear(x: Tensor, weight: Tensor, bias: Tensor | null, act: Activation = 'identity', alpha = 0): Tensor {
  const inFeatures = weight.shape[0]!, outFeatures = weight.shape[1]!;
  if (weight.rank !== 2) throw new ShapeError(`linear: the weight must be a matrix [in, out]; got ${formatShape(weight.shape)}.`);
  if (x.rank < 1 || x.shape[x.rank - 1] !== inFeatures) {
    throw new ShapeError(`linear: cannot multiply ${formatShape(x.shape)} by ${formatShape(weight.shape)}: inner dimensions ${x.shape[x.rank - 1]} and ${inFeatures} differ.`);
  }
  if (bias !== null && bias.size !== outFeatures) {
    throw new ShapeError(`linear: the bias ${formatShape(bias.shape)} must have ${outFeatures} elements to match the weight ${formatShape(weight.shape)}.`);
  }
  const rows = x.size / inFeatures;
  const shape = x.rank === 1 ? [outFeatures] : [...x.shape.slice(0, -1), outFeatures];
  const be = backend();
  const grad = needsGrad(x, weight, bias ?? undefined);
  // With a pre-activation-differentiated activation the pre-activation must survive the in-place activation.
  const pre = grad && needsPreActivation(act) ? arena().take(rows * outFeatures) : null;
  const out = empty(shape);
  const z = pre ?? out.data;
  be.gemm(false, false, rows, outFeatures, inFeatures, 1, x.data, weight.data, 0, z);
  if (pre !== null) {
    // keep x·W + b for the derivative, then activate out of place
    if (bias !== null) be.biasActivation(pre, bias.data, rows, outFeatures, 'identity', 0, pre);
    be.biasActivation(pre, null, rows, outFeatures, act, alpha, out.data);
  } else if (act !== 'identity' || bias !== null) {
    be.biasActivation(z, bias?.data ?? null, rows, outFeatures, act, alpha, out.data);
  }
  if (grad) {
    record(out, () => {
      const g = out.grad!;
      // The output's gradient is not read again after this step, so the activation backward may overwrite it.
      if (act !== 'identity') be.activationBackward(act, alpha, pre ?? out.data, out.data, g, g, g.length);
      if (weight.requiresGrad) be.gemm(true, false, inFeatures, outFeatures, rows, 1, x.data, g, gradTarget(weight), weight.grad!);
      if (bias !== null && bias.requiresGrad) {
        const beta = gradTarget(bias);
        be.sumRows(g, rows, outFeatures, bias.grad!, beta === 1);
      }
      if (x.requiresGrad) be.gemm(false, true, rows, inFeatures, outFeatures, 1, g, weight.data, gradTarget(x), x.grad!);
    });
  }
  return out;
}

