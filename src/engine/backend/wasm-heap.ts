/**
 * Allocator for the WebAssembly module's linear memory, kept on the TypeScript side so `alloc` / `release` never cross
 * into WebAssembly. Blocks come in size classes (four per power of two, so at most 25% waste) with one free list per
 * class; a training loop asks for the same shapes every batch, so after the first batch nearly every request is a
 * free-list pop. Fresh blocks are bump-allocated from the top, growing the memory when needed; memory is never returned.
 *
 * The memory is shared, so growing it does not detach anything: every Float32Array handed out stays valid. Each growth
 * makes `memory.buffer` a new SharedArrayBuffer object over the same bytes; all of them are remembered to tell which
 * arrays live in this memory.
 */
import type { WasmMemory } from './webassembly-api.ts';

const PAGE_BYTES = 65536;
/** Cache-line alignment for every block: SIMD loads never straddle lines at a block's start. */
const ALIGN = 64;

function sizeClass(bytes: number): number {
  if (bytes <= ALIGN) return ALIGN;
  const power = 2 ** Math.floor(Math.log2(bytes - 1));
  const quarter = Math.max(power / 4, ALIGN);
  return Math.ceil(bytes / quarter) * quarter;
}

export class WasmHeap {
  private readonly buffers = new WeakSet<ArrayBufferLike>();
  private readonly freeLists = new Map<number, number[]>();
  /** byte offset of each live block → its size class */
  private readonly live = new Map<number, number>();
  private top: number;

  constructor(readonly memory: WasmMemory, heapBase: number) {
    this.top = Math.ceil(heapBase / ALIGN) * ALIGN;
    this.buffers.add(memory.buffer);
  }

  /** Whether `array` is a view into this memory (kernels can then use it in place). */
  owns(array: Float32Array): boolean {
    return this.buffers.has(array.buffer);
  }

  alloc(length: number): Float32Array {
    if (!Number.isInteger(length) || length < 0) throw new RangeError(`alloc: length must be a non-negative integer. Got ${length} instead.`);
    const cls = sizeClass(length * 4);
    const reused = this.freeLists.get(cls)?.pop();
    let offset: number;
    if (reused !== undefined) {
      offset = reused;
    } else {
      offset = this.top;
      this.ensureCapacity(offset + cls);
      this.top = offset + cls;
    }
    this.live.set(offset, cls);
    const view = new Float32Array(this.memory.buffer, offset, length);
    // Memory above the old top has never been written (fresh pages are zero); reused blocks hold old data.
    if (reused !== undefined) view.fill(0);
    return view;
  }

  release(buffer: Float32Array): void {
    if (!this.owns(buffer)) return; // not ours (a plain array): nothing to give back, like the js backend
    const offset = buffer.byteOffset;
    const cls = this.live.get(offset);
    if (cls === undefined) throw new Error('release: this array was not returned by alloc, or it was already released');
    this.live.delete(offset);
    let list = this.freeLists.get(cls);
    if (!list) this.freeLists.set(cls, (list = []));
    list.push(offset);
  }

  /** Bytes reserved from the memory so far (live blocks, free-listed blocks and the module's own static data). */
  get reservedBytes(): number {
    return this.top;
  }

  private ensureCapacity(end: number): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    // Grow by at least a quarter of the current size: fewer grow calls as a model's working set builds up.
    const neededPages = Math.ceil((end - have) / PAGE_BYTES);
    const pages = Math.max(neededPages, Math.ceil(have / PAGE_BYTES / 4));
    try {
      this.memory.grow(pages);
    } catch {
      try {
        this.memory.grow(neededPages);
      } catch (error) {
        throw new RangeError(`WebAssembly memory exhausted: cannot grow from ${have} to ${end} bytes (4 GiB is the wasm32 limit)`, { cause: error });
      }
    }
    this.buffers.add(this.memory.buffer);
  }
}
