/**
 * Scopes: the unit of buffer reuse. Everything a training step or a scoring batch allocates inside `scope` (activations,
 * gradients of intermediates, scratch) and every tape entry it records is handed back when the scope ends, so the next
 * step reuses the same buffers.
 *
 * Tensors returned from a scope are copied out (detached, no gradient history), because the buffers they sat in are about
 * to be reused: `const errors = noGrad(() => rowMse(model.forward(x), x))` is safe. Tensors created inside a scope and
 * kept some other way (stored in a variable outside) must not be used after it ends.
 */
import { arena } from './context.ts';
import { closeTapeScope, openTapeScope, withGradMode } from './tape.ts';
import { Tensor } from './tensor.ts';

export function scope<T>(fn: () => T): T {
  const buffers = arena();
  const mark = buffers.mark();
  const token = openTapeScope();
  buffers.depth++;
  let result: T;
  try {
    result = fn();
  } finally {
    closeTapeScope(token);
    buffers.releaseTo(mark);
    buffers.depth--;
  }
  return keep(result);
}

/** A scope with gradient recording switched off: scoring and evaluation. */
export function noGrad<T>(fn: () => T): T {
  return withGradMode(false, () => scope(fn));
}

/**
 * Copies a returned tensor (or array of tensors) into buffers that survive the scope; other values (numbers, typed arrays
 * the caller filled) pass through. A single tensor inside an enclosing scope lands in that scope's arena: the buffer it
 * gets may be the very one just released, which is fine since nothing ran in between. Several tensors get fresh arrays,
 * since the buffer taken for one could be the one still holding another.
 */
function keep<T>(result: T): T {
  if (result instanceof Tensor) {
    const data = arena().take(result.size);
    data.set(result.data);
    return new Tensor(data, result.shape) as T;
  }
  if (Array.isArray(result) && result.some((r) => r instanceof Tensor)) {
    return result.map((r: unknown) => (r instanceof Tensor ? new Tensor(r.data.slice(), r.shape) : r)) as T;
  }
  return result;
}
