/**
 * The engine's tensor: a contiguous row-major Float32Array with a shape, and what autograd needs (whether it requires a
 * gradient, its gradient buffer, the backward step of the op that produced it).
 *
 * Ops are plain functions (ops/*.ts) rather than methods, so that each lives beside its gradient and the class stays small.
 */
import { ShapeError } from '../core/errors.ts';
import type { Rng } from '../core/rng.ts';
import { arena, backend } from './context.ts';
import { checkShape, formatShape, sizeOf, type Shape } from './shape.ts';
import { backward as runBackward, type BackwardOptions } from './tape.ts';

export class Tensor {
  data: Float32Array;
  readonly shape: Shape;
  readonly size: number;
  requiresGrad: boolean;
  /** d(output)/d(this), same layout as data; allocated on the first backward pass that reaches this tensor */
  grad: Float32Array | null = null;
  /** whether `grad` holds a gradient of the current pass (see tape.ts) */
  hasGrad = false;
  /** the backward step of the op that produced this tensor; null for leaves */
  gradFn: (() => void) | null = null;
  /** set on the marker of a multi-output op (see recordGroup in tape.ts) */
  runsBackwardAlways = false;

  constructor(data: Float32Array, shape: Shape, requiresGrad = false) {
    const size = sizeOf(shape);
    if (data.length !== size) {
      throw new ShapeError(`Tensor: shape ${formatShape(shape)} needs ${size} values. Got ${data.length} instead.`);
    }
    this.data = data;
    this.shape = shape;
    this.size = size;
    this.requiresGrad = requiresGrad;
  }

  get rank(): number {
    return this.shape.length;
  }

  /** The value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) throw new ShapeError(`item: only a one-element tensor has a single value; this one has shape ${formatShape(this.shape)}.`);
    return this.data[0]!;
  }

  /** A copy of the values that outlives any scope. */
  toArray(): Float32Array {
    return this.data.slice();
  }

  /** Back-propagates from this (scalar) tensor; see tape.ts. */
  backward(options?: BackwardOptions): void {
    runBackward(this, options);
  }

  toString(): string {
    return `Tensor${formatShape(this.shape)}${this.requiresGrad ? ' (requires grad)' : ''}`;
  }
}

/**
 * A trainable tensor: its values and gradient live in backend memory for the model's whole life (never in the arena),
 * so optimiser kernels update them in place.
 */
export class Parameter extends Tensor {
  constructor(shape: Shape, values?: ArrayLike<number>) {
    checkShape(shape, 'Parameter');
    const data = backend().alloc(sizeOf(shape));
    if (values !== undefined) {
      if (values.length !== data.length) {
        throw new ShapeError(`Parameter: shape ${formatShape(shape)} needs ${data.length} values. Got ${values.length} instead.`);
      }
      data.set(values);
    }
    super(data, [...shape], true);
    this.grad = backend().alloc(data.length);
  }
}

/** An uninitialised tensor from the arena (inside a scope) or a fresh array (outside). Ops overwrite it entirely. */
export function empty(shape: Shape): Tensor {
  return new Tensor(arena().take(sizeOf(shape)), shape);
}

export function zeros(shape: Shape): Tensor {
  return new Tensor(arena().take(sizeOf(shape), true), shape);
}

export function full(shape: Shape, value: number): Tensor {
  const t = empty(shape);
  t.data.fill(value);
  return t;
}

export function ones(shape: Shape): Tensor {
  return full(shape, 1);
}

/**
 * A tensor over existing values. A Float32Array is used as is (no copy: the caller must not change it while the tensor is
 * in use); other array-likes are copied. The shape defaults to one dimension.
 */
export function tensor(values: Float32Array | ArrayLike<number>, shape?: Shape, options: { requiresGrad?: boolean } = {}): Tensor {
  const data = values instanceof Float32Array ? values : Float32Array.from(values);
  const s = shape ?? [data.length];
  checkShape(s, 'tensor');
  return new Tensor(data, [...s], options.requiresGrad ?? false);
}

export function scalar(value: number): Tensor {
  const t = empty([]);
  t.data[0] = value;
  return t;
}

/** Standard normal values (times std) from the seeded generator. */
export function randn(shape: Shape, rng: Rng, std = 1): Tensor {
  const t = empty(shape);
  for (let i = 0; i < t.size; i++) t.data[i] = rng.normal(0, std);
  return t;
}

/** Uniform values in [low, high) from the seeded generator. */
export function rand(shape: Shape, rng: Rng, low = 0, high = 1): Tensor {
  const t = empty(shape);
  for (let i = 0; i < t.size; i++) t.data[i] = rng.uniform(low, high);
  return t;
}

/** The same values without a gradient history (shares the buffer). */
export function detach(t: Tensor): Tensor {
  return new Tensor(t.data, t.shape);
}
