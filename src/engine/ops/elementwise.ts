/**
 * Element-wise arithmetic with NumPy broadcasting: add, sub, mul, div (tensor or number on either side).
 */
import { arena } from '../context.ts';
import { broadcastShapes, sameShape, sizeOf } from '../shape.ts';
import { needsGrad, record } from '../tape.ts';
import { empty, scalar, Tensor } from '../tensor.ts';
import { accumulateReduced, expand } from './broadcast.ts';

type Operand = Tensor | number;
const enum Kind { Add, Sub, Mul, Div }
const NAMES = ['add', 'sub', 'mul', 'div'] as const;

export function add(a: Operand, b: Operand): Tensor {
  return binary(Kind.Add, a, b);
}

export function sub(a: Operand, b: Operand): Tensor {
  return binary(Kind.Sub, a, b);
}

export function mul(a: Operand, b: Operand): Tensor {
  return binary(Kind.Mul, a, b);
}

export function div(a: Operand, b: Operand): Tensor {
  return binary(Kind.Div, a, b);
}

export function neg(x: Tensor): Tensor {
  return binary(Kind.Mul, x, -1);
}

function binary(kind: Kind, aIn: Operand, bIn: Operand): Tensor {
  if (typeof aIn === 'number') {
    // number ∘ tensor: commutative kinds swap; a - t = (-t) + a; a / t keeps a as a constant tensor
    if (typeof bIn === 'number') return scalar(apply(kind, aIn, bIn));
    if (kind === Kind.Add || kind === Kind.Mul) return withNumber(kind, bIn, aIn);
    if (kind === Kind.Sub) return withNumber(Kind.Add, withNumber(Kind.Mul, bIn, -1), aIn);
    return binaryTensors(kind, scalar(aIn), bIn);
  }
  if (typeof bIn === 'number') return withNumber(kind, aIn, bIn);
  return binaryTensors(kind, aIn, bIn);
}

function apply(kind: Kind, x: number, y: number): number {
  switch (kind) {
    case Kind.Add: return x + y;
    case Kind.Sub: return x - y;
    case Kind.Mul: return x * y;
    case Kind.Div: return x / y;
  }
}

/** tensor ∘ number: one pass, gradient a plain scale. */
function withNumber(kind: Kind, a: Tensor, s: number): Tensor {
  const out = empty(a.shape);
  const x = a.data, y = out.data, n = a.size;
  switch (kind) {
    case Kind.Add: for (let i = 0; i < n; i++) y[i] = x[i]! + s; break;
    case Kind.Sub: for (let i = 0; i < n; i++) y[i] = x[i]! - s; break;
    case Kind.Mul: for (let i = 0; i < n; i++) y[i] = x[i]! * s; break;
    case Kind.Div: for (let i = 0; i < n; i++) y[i] = x[i]! / s; break;
  }
  if (needsGrad(a)) {
    const scale = kind === Kind.Mul ? s : kind === Kind.Div ? 1 / s : 1;
    record(out, () => accumulateReduced(a, out.grad!, out.shape, scale));
  }
  return out;
}

function binaryTensors(kind: Kind, a: Tensor, b: Tensor): Tensor {
  const shape = sameShape(a.shape, b.shape) ? a.shape : broadcastShapes(a.shape, b.shape, NAMES[kind]);
  const n = sizeOf(shape);
  const out = empty(shape);
  const x = expand(a, shape, n), z = expand(b, shape, n), y = out.data;
  switch (kind) {
    case Kind.Add: for (let i = 0; i < n; i++) y[i] = x[i]! + z[i]!; break;
    case Kind.Sub: for (let i = 0; i < n; i++) y[i] = x[i]! - z[i]!; break;
    case Kind.Mul: for (let i = 0; i < n; i++) y[i] = x[i]! * z[i]!; break;
    case Kind.Div: for (let i = 0; i < n; i++) y[i] = x[i]! / z[i]!; break;
  }
  if (needsGrad(a, b)) {
    record(out, () => {
      const g = out.grad!;
      if (kind === Kind.Add || kind === Kind.Sub) {
        if (a.requiresGrad) accumulateReduced(a, g, shape);
        if (b.requiresGrad) accumulateReduced(b, g, shape, kind === Kind.Sub ? -1 : 1);
        return;
      }
      // The expanded operands are re-derived rather than kept: they are plain copies, cheaper to redo than to hold.
      const xa = expand(a, shape, n), zb = expand(b, shape, n);
      const tmp = arena().take(n);
      if (a.requiresGrad) {
        if (kind === Kind.Mul) for (let i = 0; i < n; i++) tmp[i] = g[i]! * zb[i]!;
        else for (let i = 0; i < n; i++) tmp[i] = g[i]! / zb[i]!;
        accumulateReduced(a, tmp, shape);
      }
      if (b.requiresGrad) {
        if (kind === Kind.Mul) for (let i = 0; i < n; i++) tmp[i] = g[i]! * xa[i]!;
        else for (let i = 0; i < n; i++) tmp[i] = -g[i]! * y[i]! / zb[i]!;
        accumulateReduced(b, tmp, shape);
      }
    });
  }
  return out;
}
