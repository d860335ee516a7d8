/**
 * Chooses the compute backend once per process. DAD_BACKEND=native|wasm|js forces one (and fails loudly when it cannot
 * load, since a forced choice that silently fell back would make benchmarks and bug reports lie); otherwise the fastest
 * that loads wins: native, then WebAssembly, then plain TypeScript. DAD_THREADS=n caps the native GEMM threads.
 */
import type { Backend, BackendName } from './types.ts';
import { createJsBackend } from './js.ts';
import { createWasmBackend } from './wasm.ts';
import { createNativeBackend, threadsFromEnvironment } from './native.ts';

export type { Backend, BackendName, Activation, Conv2dGeometry } from './types.ts';
export { ACTIVATIONS } from './types.ts';

export interface BackendInfo {
  name: BackendName;
  threads: number;
  /** why a faster backend was not used, when one was skipped */
  fallbackReason?: string;
}

const BACKEND_NAMES: readonly BackendName[] = ['native', 'wasm', 'js'];

const loaders: Record<BackendName, () => Backend> = {
  native: createNativeBackend,
  wasm: createWasmBackend,
  js: createJsBackend,
};

let chosen: { backend: Backend; fallbackReason?: string } | undefined;

function parseRequested(value: string | undefined): BackendName | undefined {
  if (value === undefined || value === '') return undefined;
  if ((BACKEND_NAMES as readonly string[]).includes(value)) return value as BackendName;
  throw new Error(`The DAD_BACKEND environment variable must be one of ${BACKEND_NAMES.join(', ')}. Got '${value}' instead.`);
}

function choose(): { backend: Backend; fallbackReason?: string } {
  const requested = parseRequested(process.env['DAD_BACKEND']);
  threadsFromEnvironment(); // a malformed setting is an error to report, not a reason to fall back to a slower backend
  if (requested) {
    try {
      return { backend: loadBackend(requested) };
    } catch (error) {
      throw new Error(`DAD_BACKEND=${requested} was requested but that backend could not load: ${(error as Error).message}`, { cause: error });
    }
  }
  const reasons: string[] = [];
  for (const name of BACKEND_NAMES) {
    try {
      const backend = loadBackend(name);
      return reasons.length > 0 ? { backend, fallbackReason: reasons.join('; ') } : { backend };
    } catch (error) {
      reasons.push(`${name}: ${(error as Error).message}`);
    }
  }
  throw new Error(`no compute backend could load (${reasons.join('; ')})`);
}

/** The process-wide backend (chosen on first call). */
export function getBackend(): Backend {
  chosen ??= choose();
  return chosen.backend;
}

const loaded = new Map<BackendName, Backend>();

/**
 * A specific backend, bypassing DAD_BACKEND (tests and benchmarks compare them side by side); throws when it cannot load.
 * One instance per name and process: a WebAssembly instance reserves its own memory, and arrays from one instance's
 * `alloc` are only zero-copy in that instance.
 */
export function loadBackend(name: BackendName): Backend {
  let backend = loaded.get(name);
  if (!backend) loaded.set(name, (backend = loaders[name]()));
  return backend;
}

/** For `dad info`: which backend runs, with how many threads, and why a faster one was skipped. */
export function backendInfo(): BackendInfo {
  const backend = getBackend();
  const info: BackendInfo = { name: backend.name, threads: backend.threads };
  if (chosen?.fallbackReason !== undefined) info.fallbackReason = chosen.fallbackReason;
  return info;
}
