/**
 * The one place the engine gets its backend (and the buffer arena that belongs to it) from.
 *
 * By default that is the process-wide choice of backend/index.ts (DAD_BACKEND, else the fastest that loads). Tests and
 * benchmarks that compare backends side by side switch with `useBackend`; buffers already handed out keep working,
 * because every backend accepts arrays it did not allocate.
 */
import { getBackend } from './backend/index.ts';
import type { Backend } from './backend/types.ts';
import { BufferArena } from './arena.ts';

let current: Backend | undefined;
let currentArena: BufferArena | undefined;

export function backend(): Backend {
  if (current === undefined) useBackend(getBackend());
  return current!;
}

export function arena(): BufferArena {
  if (currentArena === undefined) useBackend(getBackend());
  return currentArena!;
}

/** Switches the engine to `next`. Not allowed inside a scope: the open scope's buffers belong to the old arena. */
export function useBackend(next: Backend): void {
  if (currentArena !== undefined && currentArena.depth > 0) {
    throw new Error('useBackend: cannot switch backends inside an open scope (a training step or noGrad block).');
  }
  currentArena?.clear();
  current = next;
  currentArena = new BufferArena(next);
}

/**
 * Hands the arena's free buffers back to the backend: after fitting with large batches, or between models, when the
 * memory matters more than the next step's speed.
 */
export function releasePooledMemory(): void {
  arena().clear();
}
