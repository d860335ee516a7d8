/**
 * Where the intermediate buffers of a training step come from, and go back to.
 *
 * Why: a step of a training loop produces dozens of activations, gradients and scratch arrays of the same sizes every
 * batch. Allocating them fresh costs time (zero-filling, garbage collection) and, on the WebAssembly backend, memory that
 * the garbage collector cannot reclaim at all. So inside a scope (see tape.ts) every buffer is taken from free lists keyed
 * by length and handed back when the scope ends; from the second batch on, a step allocates no typed arrays.
 *
 * Outside any scope there is nothing to hand buffers back to, so they are ordinary garbage-collected arrays: code that
 * never opens a scope is correct, only slower (the WebAssembly backend copies such arrays through its scratch area).
 */
import type { Backend } from './backend/types.ts';

export class BufferArena {
  private readonly free = new Map<number, Float32Array[]>();
  private readonly freeInt = new Map<number, Int32Array[]>();
  private readonly inUse: Float32Array[] = [];
  private readonly inUseInt: Int32Array[] = [];
  /** how many scopes are open; 0 means buffers are plain garbage-collected arrays */
  depth = 0;

  constructor(private readonly backend: Backend) {}

  /** A buffer of `length` floats, zero-filled only when asked (most ops overwrite every element). */
  take(length: number, zero = false): Float32Array {
    if (this.depth === 0) return new Float32Array(length);
    let buffer = this.free.get(length)?.pop();
    if (buffer === undefined) buffer = this.backend.alloc(length);
    else if (zero) buffer.fill(0);
    this.inUse.push(buffer);
    return buffer;
  }

  /** Integer scratch (arg-max positions, gather indices): never seen by kernels, so plain arrays, pooled the same way. */
  takeInt(length: number): Int32Array {
    if (this.depth === 0) return new Int32Array(length);
    const buffer = this.freeInt.get(length)?.pop() ?? new Int32Array(length);
    this.inUseInt.push(buffer);
    return buffer;
  }

  mark(): { floats: number; ints: number } {
    return { floats: this.inUse.length, ints: this.inUseInt.length };
  }

  /** Hands back every buffer taken since `mark` (newest first, so the next step takes them in the same order). */
  releaseTo(mark: { floats: number; ints: number }): void {
    for (let i = this.inUse.length - 1; i >= mark.floats; i--) pushTo(this.free, this.inUse[i]!);
    this.inUse.length = mark.floats;
    for (let i = this.inUseInt.length - 1; i >= mark.ints; i--) pushTo(this.freeInt, this.inUseInt[i]!);
    this.inUseInt.length = mark.ints;
  }

  /** Returns the pooled memory to the backend (between fits of different models, or when switching backends). */
  clear(): void {
    for (const list of this.free.values()) for (const buffer of list) this.backend.release(buffer);
    this.free.clear();
    this.freeInt.clear();
  }

  /** Floats held by the pool, free or in use (for memory reports). */
  pooledFloats(): number {
    let n = 0;
    for (const list of this.free.values()) for (const b of list) n += b.length;
    for (const b of this.inUse) n += b.length;
    return n;
  }
}

function pushTo<T extends { length: number }>(lists: Map<number, T[]>, buffer: T): void {
  const list = lists.get(buffer.length);
  if (list === undefined) lists.set(buffer.length, [buffer]);
  else list.push(buffer);
}
