/**
 * The slice of the WebAssembly JS API the backend uses, typed locally: the project compiles with lib ES2023 and
 * @types/node 20, neither of which declares the `WebAssembly` global, and a global declaration here would clash the day
 * someone adds lib "DOM" or newer Node types.
 */
export interface WasmMemory {
  readonly buffer: ArrayBufferLike;
  grow(pages: number): number;
}

export interface WasmGlobal {
  readonly value: unknown;
}

interface WasmApi {
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { readonly exports: Record<string, unknown> };
}

export const webAssembly = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
