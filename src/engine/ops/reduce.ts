/**
 * Reductions over axes: sum, mean, max, min (keepDims as in NumPy). A set of adjacent axes is one pass over an
 * (outer, reduced, inner) view of the data; axes that are not adjacent are reduced one block after another.
 */
import { arena } from '../context.ts';
import { normalizeAxis, type Shape } from '../shape.ts';
import { contributeGrad, needsGrad, record } from '../tape.ts';
import { empty, type Tensor } from '../tensor.ts';
import { expandData } from './broadcast.ts';
import { reshape } from './shape.ts';

type Axes = number | readonly number[] | undefined;
const enum Kind { Sum, Mean, Max, Min }

export function sum(x: Tensor, axes?: Axes, keepDims = false): Tensor {
  return reduce(Kind.Sum, x, axes, keepDims);
}

export function mean(x: Tensor, axes?: Axes, keepDims = false): Tensor {
  return reduce(Kind.Mean, x, axes, keepDims);
}

export function max(x: Tensor, axes?: Axes, keepDims = false): Tensor {
  return reduce(Kind.Max, x, axes, keepDims);
}

export function min(x: Tensor, axes?: Axes, keepDims = false): Tensor {
  return reduce(Kind.Min, x, axes, keepDims);
}

function reduce(kind: Kind, x: Tensor, axesIn: Axes, keepDims: boolean): Tensor {
  const what = ['sum', 'mean', 'max', 'min'][kind]!;
  const all = axesIn === undefined;
  const list = all ? x.shape.map((_, i) => i) : typeof axesIn === 'number' ? [axesIn] : [...axesIn];
  const axes = [...new Set(list.map((a) => normalizeAxis(a, x.rank, what)))].sort((p, q) => p - q);
  const keepShape = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const finalShape = keepDims ? keepShape : x.shape.filter((_, i) => !axes.includes(i));
  if (axes.length === 0) return x;
  // split into runs of adjacent axes; reduce the last run first so earlier axis numbers stay valid
  const runs: [number, number][] = [];
  for (const a of axes) {
    const last = runs[runs.length - 1];
    if (last !== undefined && last[1] === a - 1) last[1] = a;
    else runs.push([a, a]);
  }
  let y = x;
  for (let r = runs.length - 1; r >= 0; r--) y = reduceBlock(kind, y, runs[r]![0], runs[r]![1]);
  return reshape(y, finalShape);
}

/** Reduces the adjacent axes first..last of x, keeping them as size-1 dimensions. */
function reduceBlock(kind: Kind, x: Tensor, first: number, last: number): Tensor {
  const shape = x.shape;
  let outer = 1, count = 1, inner = 1;
  for (let i = 0; i < shape.length; i++) {
    if (i < first) outer *= shape[i]!;
    else if (i <= last) count *= shape[i]!;
    else inner *= shape[i]!;
  }
  const outShape: Shape = shape.map((d, i) => (i >= first && i <= last ? 1 : d));
  const out = empty(outShape);
  const xs = x.data, ys = out.data;
  const isExtreme = kind === Kind.Max || kind === Kind.Min;
  const arg = isExtreme ? arena().takeInt(out.size) : null;
  for (let o = 0; o < outer; o++) {
    const base = o * count * inner;
    for (let j = 0; j < inner; j++) {
      const at = o * inner + j;
      if (arg !== null) {
        let best = base + j, bestValue = xs[best]!;
        for (let t = 1; t < count; t++) {
          const p = base + t * inner + j, v = xs[p]!;
          if (kind === Kind.Max ? v > bestValue || Number.isNaN(v) : v < bestValue || Number.isNaN(v)) { best = p; bestValue = v; }
        }
        ys[at] = bestValue;
        arg[at] = best;
      } else {
        let s = 0;
        for (let t = 0; t < count; t++) s += xs[base + t * inner + j]!;
        ys[at] = kind === Kind.Mean ? s / count : s;
      }
    }
  }
  if (needsGrad(x)) {
    record(out, () => {
      const g = out.grad!;
      if (arg !== null) {
        contributeGrad(x, (target) => {
          target.fill(0);
          for (let i = 0; i < arg.length; i++) target[arg[i]!] = g[i]!;
        });
        return;
      }
      const scale = kind === Kind.Mean ? 1 / count : 1;
      const spread = expandData(g, outShape, shape, x.size);
      contributeGrad(x, (target) => { for (let i = 0; i < target.length; i++) target[i] = scale * spread[i]!; });
    });
  }
  return out;
}
