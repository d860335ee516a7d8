/**
 * Moving values between a tensor's shape and a broadcast shape: `expand` materialises the broadcast (forward of binary
 * ops), `accumulateReduced` sums a gradient back over the broadcast dimensions (their backward).
 */
import { arena, backend } from '../context.ts';
import { broadcastKind, broadcastMap, type Shape } from '../shape.ts';
import { gradTarget } from '../tape.ts';
import type { Tensor } from '../tensor.ts';

/** t's values broadcast to `shape` (t's own buffer when the shapes already agree). */
export function expand(t: Tensor, shape: Shape, size: number): Float32Array {
  return expandData(t.data, t.shape, shape, size);
}

/** Values `src` of shape `srcShape` broadcast to `shape` (of `size` elements). */
export function expandData(src: Float32Array, srcShape: Shape, shape: Shape, size: number): Float32Array {
  if (src.length === size) return src;
  const out = arena().take(size);
  switch (broadcastKind(shape, srcShape)) {
    case 'scalar':
      out.fill(src[0]!);
      break;
    case 'inner':
      for (let i = 0; i < size; i += src.length) out.set(src, i);
      break;
    case 'outer': {
      const repeat = size / src.length;
      for (let i = 0; i < src.length; i++) out.fill(src[i]!, i * repeat, (i + 1) * repeat);
      break;
    }
    default: {
      const map = broadcastMap(shape, srcShape);
      for (let i = 0; i < size; i++) out[i] = src[map[i]!]!;
    }
  }
  return out;
}

/** t.grad (+)= scale · (g summed over the dimensions along which t was broadcast to gShape). */
export function accumulateReduced(t: Tensor, g: Float32Array, gShape: Shape, scale = 1): void {
  const beta = gradTarget(t);
  const target = t.grad!;
  if (t.size === g.length) {
    // equal sizes under broadcasting means the same layout (only size-1 dimensions differ)
    if (beta === 0) {
      if (scale === 1) target.set(g);
      else for (let i = 0; i < g.length; i++) target[i] = scale * g[i]!;
    } else {
      for (let i = 0; i < g.length; i++) target[i]! += scale * g[i]!;
    }
    return;
  }
  const kind = broadcastKind(gShape, t.shape);
  if (kind === 'scalar') {
    let s = 0;
    for (let i = 0; i < g.length; i++) s += g[i]!;
    target[0] = beta === 0 ? scale * s : target[0]! + scale * s;
    return;
  }
  if (kind === 'inner' && scale === 1) {
    backend().sumRows(g, g.length / t.size, t.size, target, beta === 1);
    return;
  }
  if (beta === 0) target.fill(0);
  if (kind === 'outer') {
    const repeat = g.length / t.size;
    for (let i = 0; i < t.size; i++) {
      let s = 0;
      for (let j = i * repeat, end = j + repeat; j < end; j++) s += g[j]!;
      target[i]! += scale * s;
    }
    return;
  }
  const map = kind === 'inner' ? null : broadcastMap(gShape, t.shape);
  for (let i = 0; i < g.length; i++) target[map === null ? i % t.size : map[i]!]! += scale * g[i]!;
}
