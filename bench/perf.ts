/**
 * The engine's performance workloads W1–W4, built exactly as ../shared/bench/torch_reference.py builds them (same
 * shapes, same models, Adam 1e-3, MSE, same batch sizes, synthetic seeded data), timed the same way: seconds per epoch
 * as the median of `epochs` epochs after a 20-batch warm-up, scoring rows/s as the median of 3 passes in batches of
 * 4096 rows, and peak RSS. The numbers are directly comparable with the PyTorch peer's JSON line.
 *
 * Usage: node --import tsx bench/perf.ts [W1 W2 W3 W4] [--epochs 3] [--warmup 20] [--backend native|wasm|js]
 * (`npm run bench -- perf` runs each workload in a child process of its own through this entry point.)
 */
import { Rng } from '../src/core/rng.ts';
import { loadBackend } from '../src/engine/backend/index.ts';
import type { BackendName } from '../src/engine/backend/types.ts';
import { backend, useBackend } from '../src/engine/context.ts';
import { mlp } from '../src/engine/layers/mlp.ts';
import type { Module } from '../src/engine/layers/module.ts';
import { mseLoss } from '../src/engine/losses.ts';
import { gather } from '../src/engine/ops/gather.ts';
import { mean } from '../src/engine/ops/reduce.ts';
import { flatten } from '../src/engine/ops/shape.ts';
import { Adam } from '../src/engine/optim/adam.ts';
import { trainStep } from '../src/engine/optim/train-step.ts';
import { noGrad } from '../src/engine/scope.ts';
import { Tensor, tensor } from '../src/engine/tensor.ts';

export type Workload = 'W1' | 'W2' | 'W3' | 'W4';
export const WORKLOADS: readonly Workload[] = ['W1', 'W2', 'W3', 'W4'];

export interface PerfOptions {
  workloads?: readonly Workload[];
  /** timed epochs per workload (default 3, as the peer) */
  epochs?: number;
  /** backend to run on (default: the process's choice, DAD_BACKEND or the fastest that loads) */
  backend?: BackendName;
  /** batches of warm-up before timing (default 20, as the peer) */
  warmupBatches?: number;
}

export interface PerfResult {
  workload: Workload;
  backend: BackendName;
  threads: number;
  epoch_s: number;
  /** process CPU seconds (user + system, all threads) per epoch, median: far less sensitive than epoch_s to other load */
  epoch_cpu_s: number;
  last_loss: number;
  score_rows_per_s: number;
  /** CPU seconds per scoring pass, median */
  score_cpu_s: number;
  /** the process's peak resident memory so far (workloads run in one process accumulate: run one per process to compare) */
  peak_rss_mb: number;
}

interface Setup {
  model: Module & { forward(x: Tensor): Tensor };
  X: Tensor;
  Y: Tensor;
  batchSize: number;
}

/** tanh(z·M + 0.1·noise) with a 16-dimensional latent z: the peer's `tabular(n, d)`. */
function tabular(rng: Rng, n: number, d: number, k = 16): Float32Array {
  const m = new Float32Array(k * d);
  for (let i = 0; i < m.length; i++) m[i] = rng.normal() / Math.sqrt(k);
  const out = new Float32Array(n * d);
  const z = new Float32Array(k);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) z[j] = rng.normal();
    for (let c = 0; c < d; c++) {
      let s = 0.1 * rng.normal();
      for (let j = 0; j < k; j++) s += z[j]! * m[j * d + c]!;
      out[i * d + c] = Math.tanh(s);
    }
  }
  return out;
}

async function setup(workload: Workload, rng: Rng): Promise<Setup> {
  if (workload === 'W1' || workload === 'W2') {
    const [d, n] = workload === 'W1' ? [64, 100_000] : [512, 20_000];
    const X = tensor(tabular(rng, n, d), [n, d]);
    return { model: mlp([d, 128, 64, 16, 64, 128, d], { rng, activation: 'relu' }), X, Y: X, batchSize: 256 };
  }
  const extra = await import('./perf-models.ts');
  return workload === 'W3' ? extra.convSetup(rng) : extra.lstmSetup(rng);
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function runWorkload(s: Setup, rng: Rng, epochs: number, warmupBatches: number): Omit<PerfResult, 'workload' | 'backend' | 'threads' | 'peak_rss_mb'> {
  const { model, X, Y, batchSize } = s;
  const n = X.shape[0]!;
  const optimizer = new Adam(model.parameters(), { lr: 1e-3 });
  const epoch = (limit = Infinity): number => {
    model.train();
    const order = rng.permutation(n);
    let total = 0, batches = 0;
    for (let start = 0; start < n && batches < limit; start += batchSize) {
      const rows = order.subarray(start, start + batchSize);
      total += trainStep(optimizer, () => mseLoss(model.forward(gather(X, rows)), gather(Y, rows)));
      batches++;
    }
    return total / batches;
  };
  /** rows start..end-1 as a view, like the peer's X[i:i + 4096] (no copy: scoring reads them once) */
  const rowsOf = (t: Tensor, start: number, end: number): Tensor => {
    const row = t.size / t.shape[0]!;
    return new Tensor(t.data.subarray(start * row, end * row), [end - start, ...t.shape.slice(1)]);
  };
  const score = (): Float32Array => {
    model.eval();
    const out = new Float32Array(n);
    for (let start = 0; start < n; start += 4096) {
      const end = Math.min(n, start + 4096);
      noGrad(() => {
        const errors = mean(flatten(mseLoss(model.forward(rowsOf(X, start, end)), rowsOf(Y, start, end), 'none')), 1);
        out.set(errors.data, start);
      });
    }
    return out;
  };
  epoch(warmupBatches);
  const cpuSeconds = (since: NodeJS.CpuUsage): number => {
    const used = process.cpuUsage(since);
    return (used.user + used.system) / 1e6;
  };
  const times: number[] = [], cpuTimes: number[] = [];
  let lastLoss = NaN;
  for (let e = 0; e < epochs; e++) {
    const t0 = performance.now(), c0 = process.cpuUsage();
    lastLoss = epoch();
    cpuTimes.push(cpuSeconds(c0));
    times.push((performance.now() - t0) / 1000);
  }
  score();
  const scoreTimes: number[] = [], scoreCpu: number[] = [];
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now(), c0 = process.cpuUsage();
    score();
    scoreCpu.push(cpuSeconds(c0));
    scoreTimes.push((performance.now() - t0) / 1000);
  }
  return {
    epoch_s: median(times), epoch_cpu_s: median(cpuTimes), last_loss: lastLoss,
    score_rows_per_s: n / median(scoreTimes), score_cpu_s: median(scoreCpu),
  };
}

export async function runPerf(options: PerfOptions = {}): Promise<PerfResult[]> {
  if (options.backend !== undefined) useBackend(loadBackend(options.backend));
  const results: PerfResult[] = [];
  for (const workload of options.workloads ?? WORKLOADS) {
    const rng = new Rng(12345);
    const s = await setup(workload, rng);
    const measured = runWorkload(s, rng, options.epochs ?? 3, options.warmupBatches ?? 20);
    results.push({
      workload, backend: backend().name, threads: backend().threads, ...measured,
      peak_rss_mb: process.resourceUsage().maxRSS / 1024,
    });
  }
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const flag = (name: string): string | undefined => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const workloads = args.filter((a) => (WORKLOADS as readonly string[]).includes(a)) as Workload[];
  const epochs = flag('--epochs'), warmup = flag('--warmup');
  const backendName = flag('--backend') as BackendName | undefined;
  for (const result of await runPerf({
    ...(workloads.length > 0 ? { workloads } : {}),
    ...(epochs !== undefined ? { epochs: Number(epochs) } : {}),
    ...(backendName !== undefined ? { backend: backendName } : {}),
    ...(warmup !== undefined ? { warmupBatches: Number(warmup) } : {}),
  })) {
    console.log(JSON.stringify(result));
  }
}
