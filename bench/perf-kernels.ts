/**
 * W5 of the performance workloads: raw single-precision GEMM throughput (GFLOP/s) at 256³ and 1024³ on each backend,
 * timed the way shared/bench/torch_reference.py times PyTorch (3 warm-up calls, 5 timed rounds, median), so the numbers
 * are directly comparable with `python3 torch_reference.py W5`.
 *
 * Usage: node --import tsx bench/perf-kernels.ts [native|wasm|js ...]   (default: every backend that loads)
 * Prints one JSON line per backend.
 */
import { loadBackend } from '../src/engine/backend/index.ts';
import type { Backend, BackendName } from '../src/engine/backend/types.ts';

function gemmGflops(backend: Backend, n: number, reps: number): number {
  const a = backend.alloc(n * n), b = backend.alloc(n * n), c = backend.alloc(n * n);
  for (let i = 0; i < n * n; i++) { a[i] = Math.sin(i); b[i] = Math.cos(i); }
  for (let i = 0; i < 3; i++) backend.gemm(false, false, n, n, n, 1, a, b, 0, c);
  const times: number[] = [];
  for (let round = 0; round < 5; round++) {
    const t0 = process.hrtime.bigint();
    for (let r = 0; r < reps; r++) backend.gemm(false, false, n, n, n, 1, a, b, 0, c);
    times.push(Number(process.hrtime.bigint() - t0) / 1e9 / reps);
  }
  backend.release(a); backend.release(b); backend.release(c);
  times.sort((x, y) => x - y);
  return (2 * n ** 3) / times[2]! / 1e9;
}

const requested = process.argv.slice(2) as BackendName[];
const names: BackendName[] = requested.length > 0 ? requested : ['native', 'wasm', 'js'];
for (const name of names) {
  let backend: Backend;
  try {
    backend = loadBackend(name);
  } catch (error) {
    console.log(JSON.stringify({ backend: name, skipped: (error as Error).message }));
    continue;
  }
  // the js reference is ~100× slower: fewer repetitions keep the run short without changing what is measured
  const slow = name === 'js';
  const result = {
    backend: name,
    threads: backend.threads,
    gflops_256: gemmGflops(backend, 256, slow ? 5 : 200),
    gflops_1024: gemmGflops(backend, 1024, slow ? 1 : 10),
  };
  console.log(JSON.stringify(result));
}
