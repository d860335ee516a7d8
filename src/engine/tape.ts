/**
 * Reverse-mode automatic differentiation over a tape.
 *
 * Every op whose inputs need gradients pushes its output tensor, with a closure that turns the output's gradient into
 * gradients of its inputs, onto one flat tape. Since an op can only run after its inputs exist, tape order is already a
 * topological order, so `backward` is a single reverse walk: no graph search, no sorting, no per-node allocation beyond
 * the gradient buffers (which come from the arena).
 *
 * Gradients accumulate (PyTorch's convention): a parameter's gradient adds up over backward passes until the optimiser's
 * `zeroGrad`. `hasGrad` says whether a tensor's gradient buffer holds a gradient of the current pass; the first
 * contribution overwrites it (GEMM with beta = 0, no zero-filling pass), later ones add.
 */
import { arena } from './context.ts';
import type { Tensor } from './tensor.ts';

const tape: Tensor[] = [];
/** tape entries before this index belong to enclosing scopes; backward and scope exit never touch them */
let scopeStart = 0;
let gradEnabled = true;

export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Runs fn with gradient recording switched on or off, restoring the previous mode afterwards. */
export function withGradMode<T>(enabled: boolean, fn: () => T): T {
  const previous = gradEnabled;
  gradEnabled = enabled;
  try {
    return fn();
  } finally {
    gradEnabled = previous;
  }
}

/** Whether an op on these inputs must record its backward step. */
export function needsGrad(a: Tensor, b?: Tensor, c?: Tensor): boolean {
  return gradEnabled && (a.requiresGrad || (b?.requiresGrad ?? false) || (c?.requiresGrad ?? false));
}

/** Records `output` as produced by an op whose backward step is `backward` (it reads output.grad). */
export function record(output: Tensor, backward: () => void): Tensor {
  output.requiresGrad = true;
  output.gradFn = backward;
  tape.push(output);
  return output;
}

const noop = (): void => {};

/**
 * Records an op with several outputs (a recurrent layer's sequence, last hidden and cell state). The outputs go on the
 * tape as plain entries; a group marker after them carries the backward step, which the reverse walk reaches before any
 * of them and runs whether or not each output received a gradient (an output without one has hasGrad false).
 */
export function recordGroup(outputs: readonly Tensor[], backward: () => void, marker: Tensor): void {
  for (const o of outputs) record(o, noop);
  marker.runsBackwardAlways = true;
  record(marker, backward);
}

/**
 * Prepares t's gradient buffer for an op's contribution and says how to write it: 0 = overwrite (nothing there yet),
 * 1 = add. Leaves (parameters, inputs marked requiresGrad) keep their buffer across scopes; intermediates borrow one from
 * the arena for the duration of the step.
 */
export function gradTarget(t: Tensor): 0 | 1 {
  if (t.hasGrad) return 1;
  if (t.grad === null) t.grad = t.gradFn === null ? new Float32Array(t.size) : arena().take(t.size);
  t.hasGrad = true;
  return 0;
}

/** Adds `g` (same layout as t) to t's gradient. */
export function accumulateGrad(t: Tensor, g: Float32Array): void {
  const beta = gradTarget(t);
  const target = t.grad!;
  if (beta === 0) target.set(g.length === target.length ? g : g.subarray(0, target.length));
  else for (let i = 0; i < target.length; i++) target[i]! += g[i]!;
}

export interface BackwardOptions {
  /** gradient of the output (default 1; required when the output has more than one element) */
  gradient?: Float32Array;
  /** keep the tape so that another backward pass can run over the same graph (default false) */
  retainGraph?: boolean;
}

/** Back-propagates from `output` through every op recorded in the current scope. */
export function backward(output: Tensor, options: BackwardOptions = {}): void {
  if (!output.requiresGrad) {
    throw new Error('backward: this tensor does not require gradients (no parameter or input with requiresGrad reaches it, or it was computed under noGrad).');
  }
  if (options.gradient === undefined && output.size !== 1) {
    throw new Error(`backward: a gradient must be given for a non-scalar output of shape [${output.shape.join(', ')}].`);
  }
  // Stale gradients of intermediates from an earlier pass over a retained graph must not leak into this one.
  for (let i = scopeStart; i < tape.length; i++) tape[i]!.hasGrad = false;
  const beta = gradTarget(output);
  const g = output.grad!;
  if (options.gradient !== undefined) {
    if (options.gradient.length !== output.size) {
      throw new Error(`backward: the gradient has ${options.gradient.length} elements; the output has ${output.size}.`);
    }
    if (beta === 0) g.set(options.gradient);
    else for (let i = 0; i < g.length; i++) g[i]! += options.gradient[i]!;
  } else {
    g[0] = beta === 0 ? 1 : g[0]! + 1;
  }
  for (let i = tape.length - 1; i >= scopeStart; i--) {
    const t = tape[i]!;
    if (t.hasGrad || t.runsBackwardAlways) t.gradFn!();
  }
  if (options.retainGraph !== true) tape.length = scopeStart;
}

/** Opens a tape scope; returns the token closeTapeScope needs. Used by scope() in scope.ts. */
export function openTapeScope(): { start: number; previousStart: number } {
  const token = { start: tape.length, previousStart: scopeStart };
  scopeStart = tape.length;
  return token;
}

export function closeTapeScope(token: { start: number; previousStart: number }): void {
  tape.length = token.start;
  scopeStart = token.previousStart;
}

/** Entries on the tape (tests use it to check that scopes leave nothing behind). */
export function tapeLength(): number {
  return tape.length;
}

/**
 * Adds a gradient contribution that `write` computes into a buffer of t's size: straight into t's gradient when it holds
 * nothing yet, through a scratch buffer when it must be added to what is there.
 */
export function contributeGrad(t: Tensor, write: (target: Float32Array) => void): void {
  if (!t.hasGrad) {
    gradTarget(t);
    write(t.grad!);
    return;
  }
  const scratch = arena().take(t.size);
  write(scratch);
  const target = t.grad!;
  for (let i = 0; i < target.length; i++) target[i]! += scratch[i]!;
}
