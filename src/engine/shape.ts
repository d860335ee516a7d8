/**
 * Shape arithmetic shared by the ops: sizes, strides, broadcasting (NumPy's rules) and the index maps that let one plain
 * loop serve every broadcast or permuted layout.
 *
 * Why index maps: the general case of a broadcast binary op, a reduction over arbitrary axes, or a permutation is "for each
 * output element, read the element at some other flat index". Computing that index with an odometer per call costs more
 * than the arithmetic; a training loop sees the same few shapes every batch, so the maps are built once and cached.
 */
import { ShapeError } from '../core/errors.ts';

export type Shape = readonly number[];

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function formatShape(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

export function sameShape(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Row-major strides (in elements). */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

/** A negative axis counts from the end, as in NumPy and PyTorch. */
export function normalizeAxis(axis: number, rank: number, what: string): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank) {
    throw new ShapeError(`${what}: axis ${axis} is out of range for a tensor of rank ${rank}.`);
  }
  return a;
}

export function checkShape(shape: Shape, what: string): void {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new ShapeError(`${what}: shape ${formatShape(shape)} must hold non-negative integers.`);
  }
}

/** The broadcast shape of a and b, or a ShapeError naming both. */
export function broadcastShapes(a: Shape, b: Shape, what: string): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(`${what}: cannot broadcast ${formatShape(a)} with ${formatShape(b)}: dimension ${i} is ${da} against ${db}.`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

const MAX_CACHED_MAPS = 256;
const mapCache = new Map<string, Int32Array>();

function cached(key: string, build: () => Int32Array): Int32Array {
  let map = mapCache.get(key);
  if (map === undefined) {
    // Shapes in a training loop repeat; a loop that keeps producing new ones (e.g. variable-length inputs) must not grow
    // memory without bound, so the cache is simply dropped when full.
    if (mapCache.size >= MAX_CACHED_MAPS) mapCache.clear();
    map = build();
    mapCache.set(key, map);
  }
  return map;
}

/**
 * For each flat index of `big`, the flat index of the element of `small` it reads when `small` is broadcast to `big`
 * (small's rank ≤ big's; its dimensions equal big's or are 1).
 */
export function broadcastMap(big: Shape, small: Shape): Int32Array {
  return cached(`b${big.join(',')}|${small.join(',')}`, () => {
    const rank = big.length;
    const smallStrides = stridesOf(small);
    const strides = new Array<number>(rank).fill(0);
    for (let i = 0; i < small.length; i++) {
      const bi = rank - small.length + i;
      strides[bi] = small[i] === 1 ? 0 : smallStrides[i]!;
    }
    return odometer(big, strides);
  });
}

/**
 * For each flat index of the permuted tensor (output), the flat index in the input that it copies: out dimension i is
 * input dimension perm[i].
 */
export function permutationMap(inShape: Shape, perm: readonly number[]): Int32Array {
  return cached(`p${inShape.join(',')}|${perm.join(',')}`, () => {
    const inStrides = stridesOf(inShape);
    const outShape = perm.map((p) => inShape[p]!);
    return odometer(outShape, perm.map((p) => inStrides[p]!));
  });
}

/** Walks all indices of `shape` in row-major order, producing Σ index[d]·strides[d] for each. */
function odometer(shape: Shape, strides: readonly number[]): Int32Array {
  const n = sizeOf(shape);
  const map = new Int32Array(n);
  const rank = shape.length;
  if (rank === 0) {
    if (n === 1) map[0] = 0;
    return map;
  }
  const index = new Array<number>(rank).fill(0);
  const last = rank - 1;
  const lastDim = shape[last]!;
  const lastStride = strides[last]!;
  let offset = 0;
  for (let i = 0; i < n; i += lastDim) {
    for (let j = 0; j < lastDim; j++) map[i + j] = offset + j * lastStride;
    // advance the odometer over all but the last dimension
    for (let d = last - 1; d >= 0; d--) {
      index[d]!++;
      offset += strides[d]!;
      if (index[d]! < shape[d]!) break;
      offset -= index[d]! * strides[d]!;
      index[d] = 0;
    }
  }
  return map;
}

/**
 * When `small` broadcast to `big` is a plain repetition, how: 'same' (equal sizes), 'scalar' (one element), 'inner' (small
 * equals big's trailing dimensions: element i of big reads i mod small.size), 'outer' (small equals big's leading
 * dimensions, the rest 1: element i reads floor(i / repeat)). Otherwise 'general' (use broadcastMap).
 */
export type BroadcastKind = 'same' | 'scalar' | 'inner' | 'outer' | 'general';

export function broadcastKind(big: Shape, small: Shape): BroadcastKind {
  const bigSize = sizeOf(big), smallSize = sizeOf(small);
  if (smallSize === bigSize) return 'same';
  if (smallSize === 1) return 'scalar';
  const offset = big.length - small.length;
  // strip small's leading 1s, then it must match big's tail exactly
  let first = 0;
  while (first < small.length && small[first] === 1) first++;
  let inner = true;
  for (let i = first; i < small.length; i++) if (small[i] !== big[offset + i]) { inner = false; break; }
  if (inner) return 'inner';
  // small's trailing 1s, then a match with big's head (aligned at the same positions)
  let lastReal = small.length - 1;
  while (lastReal >= 0 && small[lastReal] === 1) lastReal--;
  let outer = true;
  for (let i = 0; i <= lastReal; i++) if (small[i] !== big[offset + i]) { outer = false; break; }
  for (let i = 0; i < offset && outer; i++) if (big[i] !== 1) outer = false;
  return outer ? 'outer' : 'general';
}

/** A per-axis (height, width) setting given as one number for both or as a pair. */
export type Pair = number | readonly [number, number];

export function toPair(v: Pair | undefined, fallback: Pair): [number, number] {
  const value = v ?? fallback;
  return typeof value === 'number' ? [value, value] : [value[0], value[1]];
}
