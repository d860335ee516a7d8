/**
 * Element-wise functions of one tensor. The activations run on the backend's fused kernels (the same ones the fused
 * Linear uses), so a separate activation costs one pass forward and one backward; the rest are short loops.
 */
import type { Activation } from '../backend/types.ts';
import { backend } from '../context.ts';
import { contributeGrad, needsGrad, record } from '../tape.ts';
import { empty, type Tensor } from '../tensor.ts';

/** act(x) with the fused kernel; `alpha` is the negative slope of leaky_relu and the scale of elu. */
export function activation(x: Tensor, act: Activation, alpha = defaultAlpha(act)): Tensor {
  if (act === 'identity') return x;
  const out = empty(x.shape);
  const be = backend();
  be.biasActivation(x.data, null, 1, x.size, act, alpha, out.data);
  if (needsGrad(x)) {
    record(out, () => contributeGrad(x, (g) => be.activationBackward(act, alpha, x.data, out.data, out.grad!, g, x.size)));
  }
  return out;
}

export function defaultAlpha(act: Activation): number {
  return act === 'leaky_relu' ? 0.01 : 1;
}

/**
 * Activations whose derivative needs the pre-activation value (gelu, softplus); the others are differentiated from their
 * output, so fused ops can activate in place.
 */
export function needsPreActivation(act: Activation): boolean {
  return act === 'gelu' || act === 'softplus';
}

export const relu = (x: Tensor): Tensor => activation(x, 'relu');
export const leakyRelu = (x: Tensor, negativeSlope = 0.01): Tensor => activation(x, 'leaky_relu', negativeSlope);
export const elu = (x: Tensor, alpha = 1): Tensor => activation(x, 'elu', alpha);
export const gelu = (x: Tensor): Tensor => activation(x, 'gelu');
export const tanh = (x: Tensor): Tensor => activation(x, 'tanh');
export const sigmoid = (x: Tensor): Tensor => activation(x, 'sigmoid');
export const softplus = (x: Tensor): Tensor => activation(x, 'softplus');

/**
 * A unary op from its value and its derivative (given input and output). Loops over a callback cost a little more than
 * hand-written ones, but these ops sit off the hot path of the benchmark models.
 */
function pointwise(x: Tensor, f: (v: number) => number, df: (v: number, y: number) => number): Tensor {
  const out = empty(x.shape);
  const xs = x.data, ys = out.data, n = x.size;
  for (let i = 0; i < n; i++) ys[i] = f(xs[i]!);
  if (needsGrad(x)) {
    record(out, () => {
      const go = out.grad!;
      contributeGrad(x, (g) => { for (let i = 0; i < n; i++) g[i] = go[i]! * df(xs[i]!, ys[i]!); });
    });
  }
  return out;
}

export const exp = (x: Tensor): Tensor => pointwise(x, Math.exp, (_v, y) => y);
export const log = (x: Tensor): Tensor => pointwise(x, Math.log, (v) => 1 / v);
export const sqrt = (x: Tensor): Tensor => pointwise(x, Math.sqrt, (_v, y) => 0.5 / y);
export const abs = (x: Tensor): Tensor => pointwise(x, Math.abs, (v) => (v > 0 ? 1 : v < 0 ? -1 : 0));
export const square = (x: Tensor): Tensor => pointwise(x, (v) => v * v, (v) => 2 * v);

export function pow(x: Tensor, exponent: number): Tensor {
  if (exponent === 2) return square(x);
  return pointwise(x, (v) => Math.pow(v, exponent), (v) => exponent * Math.pow(v, exponent - 1));
}

/** Values limited to [min, max]; the gradient passes only where the value was inside. */
export function clamp(x: Tensor, min = -Infinity, max = Infinity): Tensor {
  return pointwise(x, (v) => (v < min ? min : v > max ? max : v), (v) => (v >= min && v <= max ? 1 : 0));
}
