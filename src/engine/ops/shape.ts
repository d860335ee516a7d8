/**
 * Ops that move values without arithmetic: reshape (a view, no copy), transpose / permute, concat, slice.
 */
import { ShapeError } from '../../core/errors.ts';
import { broadcastShapes, formatShape, normalizeAxis, permutationMap, sameShape, sizeOf, type Shape } from '../shape.ts';
import { accumulateReduced, expand } from './broadcast.ts';
import { accumulateGrad, contributeGrad, gradTarget, needsGrad, record } from '../tape.ts';
import { empty, Tensor } from '../tensor.ts';

/** The same values with another shape; one dimension may be -1 (inferred). Shares the buffer. */
export function reshape(x: Tensor, shape: Shape): Tensor {
  const resolved = resolveShape(x, shape);
  const out = new Tensor(x.data, resolved);
  if (needsGrad(x)) record(out, () => accumulateGrad(x, out.grad!));
  return out;
}

function resolveShape(x: Tensor, shape: Shape): number[] {
  const inferred = shape.indexOf(-1);
  const known = shape.reduce((p, d) => (d === -1 ? p : p * d), 1);
  const resolved = [...shape];
  if (inferred >= 0) {
    if (shape.indexOf(-1, inferred + 1) >= 0 || known === 0 || x.size % known !== 0) {
      throw new ShapeError(`reshape: cannot reshape ${formatShape(x.shape)} (${x.size} elements) to ${formatShape(shape)}.`);
    }
    resolved[inferred] = x.size / known;
  }
  if (sizeOf(resolved) !== x.size || resolved.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new ShapeError(`reshape: cannot reshape ${formatShape(x.shape)} (${x.size} elements) to ${formatShape(shape)} (${sizeOf(resolved)} elements).`);
  }
  return resolved;
}

/** x broadcast (NumPy rules) to `shape`, as a copy; the gradient sums back over the broadcast dimensions. */
export function broadcastTo(x: Tensor, shape: Shape): Tensor {
  const target = broadcastShapes(x.shape, shape, 'broadcastTo');
  if (!sameShape(target, shape)) {
    throw new ShapeError(`broadcastTo: cannot broadcast ${formatShape(x.shape)} to ${formatShape(shape)}.`);
  }
  const n = sizeOf(shape);
  const out = empty(shape);
  out.data.set(expand(x, shape, n));
  if (needsGrad(x)) record(out, () => accumulateReduced(x, out.grad!, shape));
  return out;
}

/** [d0, d1, ...] → [d0, d1·d2·…] (keeps the first `startAxis` dimensions). */
export function flatten(x: Tensor, startAxis = 1): Tensor {
  return reshape(x, [...x.shape.slice(0, startAxis), -1]);
}

/** Output dimension i is input dimension perm[i]. */
export function permute(x: Tensor, perm: readonly number[]): Tensor {
  if (perm.length !== x.rank || [...perm].sort((p, q) => p - q).some((p, i) => p !== i)) {
    throw new ShapeError(`permute: ${formatShape(perm)} is not a permutation of the axes of a tensor of shape ${formatShape(x.shape)}.`);
  }
  const outShape = perm.map((p) => x.shape[p]!);
  const out = empty(outShape);
  const map = permutationMap(x.shape, perm);
  const xs = x.data, ys = out.data;
  for (let i = 0; i < ys.length; i++) ys[i] = xs[map[i]!]!;
  if (needsGrad(x)) {
    record(out, () => {
      const g = out.grad!;
      const beta = gradTarget(x);
      const target = x.grad!;
      if (beta === 0) for (let i = 0; i < g.length; i++) target[map[i]!] = g[i]!;
      else for (let i = 0; i < g.length; i++) target[map[i]!]! += g[i]!;
    });
  }
  return out;
}

/** Swaps two axes (the last two by default). */
export function transpose(x: Tensor, axis0 = -2, axis1 = -1): Tensor {
  const a = normalizeAxis(axis0, x.rank, 'transpose'), b = normalizeAxis(axis1, x.rank, 'transpose');
  const perm = x.shape.map((_, i) => i);
  perm[a] = b;
  perm[b] = a;
  return permute(x, perm);
}

/** Joins tensors along `axis`; all other dimensions must agree. */
export function concat(tensors: readonly Tensor[], axis = 0): Tensor {
  const first = tensors[0];
  if (first === undefined) throw new ShapeError('concat: needs at least one tensor.');
  const ax = normalizeAxis(axis, first.rank, 'concat');
  let total = 0;
  for (const t of tensors) {
    if (t.rank !== first.rank || t.shape.some((d, i) => i !== ax && d !== first.shape[i])) {
      throw new ShapeError(`concat: cannot join ${formatShape(first.shape)} and ${formatShape(t.shape)} along axis ${ax}: the other dimensions differ.`);
    }
    total += t.shape[ax]!;
  }
  const outShape = first.shape.map((d, i) => (i === ax ? total : d));
  const outer = sizeOf(first.shape.slice(0, ax)), inner = sizeOf(first.shape.slice(ax + 1));
  const out = empty(outShape);
  const rowOut = total * inner;
  let offset = 0;
  const offsets: number[] = [];
  for (const t of tensors) {
    offsets.push(offset);
    const block = t.shape[ax]! * inner;
    for (let o = 0; o < outer; o++) out.data.set(t.data.subarray(o * block, (o + 1) * block), o * rowOut + offset);
    offset += block;
  }
  if (tensors.some((t) => needsGrad(t))) {
    record(out, () => {
      const g = out.grad!;
      tensors.forEach((t, k) => {
        if (!t.requiresGrad) return;
        const block = t.shape[ax]! * inner, start = offsets[k]!;
        contributeGrad(t, (target) => {
          for (let o = 0; o < outer; o++) target.set(g.subarray(o * rowOut + start, o * rowOut + start + block), o * block);
        });
      });
    });
  }
  return out;
}

/** Elements start..end-1 along `axis` (a copy). */
export function slice(x: Tensor, axis: number, start: number, end: number = x.shape[normalizeAxis(axis, x.rank, 'slice')]!): Tensor {
  const ax = normalizeAxis(axis, x.rank, 'slice');
  const dim = x.shape[ax]!;
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > dim || start > end) {
    throw new ShapeError(`slice: range ${start}..${end} does not fit axis ${ax} of size ${dim} (shape ${formatShape(x.shape)}).`);
  }
  const outShape = x.shape.map((d, i) => (i === ax ? end - start : d));
  const outer = sizeOf(x.shape.slice(0, ax)), inner = sizeOf(x.shape.slice(ax + 1));
  const out = empty(outShape);
  const block = (end - start) * inner, rowIn = dim * inner;
  for (let o = 0; o < outer; o++) out.data.set(x.data.subarray(o * rowIn + start * inner, o * rowIn + start * inner + block), o * block);
  if (needsGrad(x)) {
    record(out, () => {
      const g = out.grad!;
      const beta = gradTarget(x);
      const target = x.grad!;
      if (beta === 0) target.fill(0);
      for (let o = 0; o < outer; o++) {
        const base = o * rowIn + start * inner;
        for (let j = 0; j < block; j++) target[base + j]! += g[o * block + j]!;
      }
    });
  }
  return out;
}
