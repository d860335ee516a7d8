/**
 * W5 of the performance workloads: raw single-precision GEMM throughput (GFLOP/s) at 256³ and 1024³ on each backend,
 * timed the way shared/bench/torch_reference.py times PyTorch (3 warm-up calls, 5 timed rounds, median), so the numbers
 * are directly comparable with `python3 torch_reference.py W5`.
 *
 * Usage: node --import tsx bench/perf-kernels.ts [native|wasm|js ...]   (default: every backend that loads)
 * Prints one JSON line per backend. DAD_THREADS=1 measures the native backend on one thread.
 */
import os from 'node:os';
import { loadBackend } from '../src/engine/backend/index.ts';
import type { Backend, BackendName } from '../src/engine/backend/types.ts';

const median = (values: number[]): number => [...values].sort((x, y) => x - y)[values.length >> 1]!;

/**
 * Wall-clock GFLOP/s (the number to compare with PyTorch's) and GFLOP per CPU-second (process CPU time, all threads):
 * on a machine shared with other work the first drops with every other process, the second much less, so it shows what
 * the kernel itself does.
 */
function gemmGflops(backend: Backend, n: number, reps: number): { wall: number; perCpuSecond: number } {
  const a = backend.alloc(n * n), b = backend.alloc(n * n), c = backend.alloc(n * n);
  for (let i = 0; i < n * n; i++) { a[i] = Math.sin(i); b[i] = Math.cos(i); }
  for (let i = 0; i < 3; i++) backend.gemm(false, false, n, n, n, 1, a, b, 0, c);
  const wall: number[] = [], cpu: number[] = [];
  for (let round = 0; round < 5; round++) {
    const t0 = process.hrtime.bigint(), cpu0 = process.cpuUsage();
    for (let r = 0; r < reps; r++) backend.gemm(false, false, n, n, n, 1, a, b, 0, c);
    const used = process.cpuUsage(cpu0);
    wall.push(Number(process.hrtime.bigint() - t0) / 1e9 / reps);
    cpu.push((used.user + used.system) / 1e6 / reps);
  }
  backend.release(a); backend.release(b); backend.release(c);
  const flop = 2 * n ** 3;
  return { wall: flop / median(wall) / 1e9, perCpuSecond: flop / median(cpu) / 1e9 };
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
  const small = gemmGflops(backend, 256, slow ? 5 : 200), large = gemmGflops(backend, 1024, slow ? 1 : 10);
  const round = (x: number) => Math.round(x * 10) / 10;
  const result = {
    backend: name,
    threads: backend.threads,
    gflops_256: round(small.wall),
    gflops_1024: round(large.wall),
    gflops_per_cpu_second_256: round(small.perCpuSecond),
    gflops_per_cpu_second_1024: round(large.perCpuSecond),
    load_average_1min: round(os.loadavg()[0]!),
    peak_rss_mb: round(process.resourceUsage().maxRSS / 1024),
  };
  console.log(JSON.stringify(result));
}
