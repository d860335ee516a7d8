/**
 * `npm run bench -- perf [--workloads W1,W2,W3,W4,W5] [--backends native,wasm] [--epochs 3] [--warmup 20] [--torch]
 * [--threads N]`: the engine's performance workloads, each workload on each backend in a child process of its own (so
 * peak RSS is that workload's alone), optionally paired with the PyTorch peer (../shared/bench/torch_reference.py run
 * with /usr/bin/python3 right after our rows of the same workload, so both see about the same machine load).
 *
 * Prints and writes bench/results/perf.{json,md}: seconds and CPU-seconds per epoch, scoring rows/s, GEMM GFLOP/s (W5),
 * peak RSS, and with --torch the ratios ours ÷ PyTorch (issue #9 targets: epoch ≤ 1.0 native, ≤ 2.5 WebAssembly;
 * scoring ≥ 1; peak memory ≤ 1; W5 GFLOP/s ≥ 0.5). Each row carries the 1-minute load average before and after it ran
 * and the number of CPUs: on a shared machine wall-clock seconds move with other work, CPU-seconds much less.
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OptionError } from '../src/core/errors.ts';
import { writeFileAtomic } from '../src/model-io/atomic.ts';

const ALL = ['W1', 'W2', 'W3', 'W4', 'W5'] as const;
type Name = (typeof ALL)[number];
const BACKENDS = ['native', 'wasm', 'js'] as const;
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const TORCH_SCRIPT = join(root, '..', 'shared', 'bench', 'torch_reference.py');
const PYTHON = '/usr/bin/python3';
/**
 * Runs the peer script unchanged, but notes process CPU time (all threads) at every time.perf_counter() call it makes:
 * its calls come in (start, end) pairs, one per timed epoch then one per scoring pass, so CPU seconds per epoch and per
 * pass follow — the load-independent number to set beside ours. Prints them as one more JSON line.
 */
const TORCH_WRAPPER = `
import json, runpy, statistics, sys, time
script = sys.argv[1]; sys.argv = sys.argv[1:]
wall, marks = time.perf_counter, []
def counter():
    marks.append(time.process_time()); return wall()
time.perf_counter = counter
try:
    runpy.run_path(script, run_name='__main__')
except SystemExit as e:
    if e.code not in (None, 0): raise
epochs = int(sys.argv[sys.argv.index('--epochs') + 1]) if '--epochs' in sys.argv else 3
pairs = [marks[i + 1] - marks[i] for i in range(0, len(marks) - 1, 2)]
if sys.argv[1] != 'W5' and len(pairs) >= epochs + 3:
    print(json.dumps({'epoch_cpu_s': statistics.median(pairs[:epochs]), 'score_cpu_s': statistics.median(pairs[epochs:epochs + 3])}))
`;

export interface PerfRow {
  workload: Name;
  /** native, wasm, js, or pytorch-<version> */
  runner: string;
  threads?: number;
  epoch_s?: number;
  epoch_cpu_s?: number;
  score_rows_per_s?: number;
  score_cpu_s?: number;
  gflops_256?: number;
  gflops_1024?: number;
  peak_rss_mb?: number;
  last_loss?: number;
  /** 1-minute load average when the child started and when it ended */
  load_before: number;
  load_after: number;
  wall_s: number;
  error?: string;
  /** ours ÷ PyTorch on the same workload (only with --torch) */
  ratio?: { epoch?: number; epoch_cpu?: number; score?: number; peak_rss?: number; gflops_1024?: number };
}

interface Options { workloads: Name[]; backends: string[]; epochs: number; warmup: number; torch: boolean; threads: number }

function parseArgs(args: string[]): Options {
  const options: Options = { workloads: [...ALL], backends: ['native', 'wasm'], epochs: 3, warmup: 20, torch: false, threads: 2 };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const value = (): string => {
      const v = args[++i];
      if (v === undefined) throw new OptionError(`perf: ${arg} needs a value`);
      return v;
    };
    const count = (name: string, min: number): number => {
      const v = Number(value());
      if (!Number.isInteger(v) || v < min) throw new OptionError(`perf: ${name} must be an integer ≥ ${min}`);
      return v;
    };
    if (arg === '--workloads') {
      const list = value().split(',').map((s) => s.trim().toUpperCase());
      const bad = list.filter((w) => !(ALL as readonly string[]).includes(w));
      if (bad.length > 0 || list.length === 0) throw new OptionError(`perf: unknown workload(s) ${bad.join(', ')}; choose from ${ALL.join(', ')}`);
      options.workloads = list as Name[];
    } else if (arg === '--backends') {
      const list = value().split(',').map((s) => s.trim());
      const bad = list.filter((b) => !(BACKENDS as readonly string[]).includes(b));
      if (bad.length > 0 || list.length === 0) throw new OptionError(`perf: unknown backend(s) ${bad.join(', ')}; choose from ${BACKENDS.join(', ')}`);
      options.backends = list;
    } else if (arg === '--epochs') options.epochs = count('--epochs', 1);
    else if (arg === '--warmup') options.warmup = count('--warmup', 0);
    else if (arg === '--threads') options.threads = count('--threads', 1);
    else if (arg === '--torch') options.torch = true;
    else throw new OptionError(`perf: unknown option ${arg}. Usage: npm run bench -- perf [--workloads W1,W2,W3,W4,W5] [--backends native,wasm] [--epochs 3] [--warmup 20] [--threads 2] [--torch]`);
  }
  return options;
}

/** Runs a child to completion; resolves with its last JSON line on stdout, or an error text. */
function child(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ json?: Record<string, unknown>; error?: string; wall_s: number }> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const proc = spawn(command, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    proc.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    proc.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    proc.on('error', (e) => resolve({ error: e.message, wall_s: (performance.now() - t0) / 1000 }));
    proc.on('close', (code) => {
      const wall_s = (performance.now() - t0) / 1000;
      const lines = out.trim().split('\n').filter((l) => l.startsWith('{'));
      const last = lines[lines.length - 1];
      if (code !== 0 || last === undefined) {
        resolve({ error: `exit ${code}: ${err.trim().split('\n').slice(-3).join(' | ') || 'no JSON output'}`, wall_s });
        return;
      }
      try {
        // every JSON line the child printed, later keys over earlier ones (the torch wrapper adds a CPU-time line)
        resolve({ json: Object.assign({}, ...lines.map((l) => JSON.parse(l) as Record<string, unknown>)) as Record<string, unknown>, wall_s });
      } catch {
        resolve({ error: `unreadable output: ${last.slice(0, 200)}`, wall_s });
      }
    });
  });
}

const load = (): number => Math.round(os.loadavg()[0]! * 100) / 100;
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

async function ours(workload: Name, backendName: string, o: Options): Promise<PerfRow> {
  const load_before = load();
  const env = { ...process.env, DAD_THREADS: String(o.threads) };
  const r = workload === 'W5'
    ? await child(process.execPath, ['--import', 'tsx', join(here, 'perf-kernels.ts'), backendName], env)
    : await child(process.execPath, ['--import', 'tsx', join(here, 'perf.ts'), workload, '--backend', backendName, '--epochs', String(o.epochs), '--warmup', String(o.warmup)], env);
  const row: PerfRow = { workload, runner: backendName, load_before, load_after: load(), wall_s: r.wall_s };
  if (r.error !== undefined) return { ...row, error: r.error };
  if (r.json?.skipped !== undefined) return { ...row, error: `skipped: ${String(r.json.skipped)}` };
  return fill(row, r.json!);
}

async function torch(workload: Name, o: Options): Promise<PerfRow> {
  const load_before = load();
  const r = await child(PYTHON, ['-c', TORCH_WRAPPER, TORCH_SCRIPT, workload, '--epochs', String(o.epochs), '--threads', String(o.threads)], { ...process.env, OMP_WAIT_POLICY: 'PASSIVE' });
  const row: PerfRow = { workload, runner: String(r.json?.peer ?? 'pytorch'), load_before, load_after: load(), wall_s: r.wall_s };
  if (r.error !== undefined) return { ...row, error: r.error };
  return fill(row, r.json!);
}

function fill(row: PerfRow, j: Record<string, unknown>): PerfRow {
  const keys = ['threads', 'epoch_s', 'epoch_cpu_s', 'score_rows_per_s', 'score_cpu_s', 'gflops_256', 'gflops_1024', 'peak_rss_mb', 'last_loss'] as const;
  for (const key of keys) {
    const v = num(j[key]);
    if (v !== undefined) row[key] = v;
  }
  return row;
}

function addRatios(rows: PerfRow[], peer: PerfRow): void {
  if (peer.error !== undefined) return;
  const div = (a?: number, b?: number): number | undefined => (a !== undefined && b !== undefined && b > 0 ? Math.round((a / b) * 1000) / 1000 : undefined);
  for (const row of rows) {
    if (row.error !== undefined) continue;
    const ratio = {
      epoch: div(row.epoch_s, peer.epoch_s), epoch_cpu: div(row.epoch_cpu_s, peer.epoch_cpu_s), score: div(row.score_rows_per_s, peer.score_rows_per_s),
      peak_rss: div(row.peak_rss_mb, peer.peak_rss_mb), gflops_1024: div(row.gflops_1024, peer.gflops_1024),
    };
    row.ratio = Object.fromEntries(Object.entries(ratio).filter(([, v]) => v !== undefined));
  }
}

const fmt = (v: number | undefined, digits = 2): string => (v === undefined ? '–' : v >= 1000 ? Math.round(v).toString() : v.toFixed(digits));

function table(rows: PerfRow[]): string[] {
  const head = ['workload', 'runner', 'thr', 'epoch s', 'epoch cpu s', 'score rows/s', 'GFLOP/s 1024', 'peak RSS MB', 'load 1m', 'epoch ÷ torch', 'epoch cpu ÷ torch', 'score ÷ torch', 'RSS ÷ torch', 'GFLOP/s ÷ torch'];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const r of rows) {
    const cells = r.error !== undefined
      ? [r.workload, r.runner, '', `error: ${r.error.replace(/\|/g, '/')}`, '', '', '', '', `${fmt(r.load_before)}→${fmt(r.load_after)}`, '', '', '', '', '']
      : [r.workload, r.runner, String(r.threads ?? ''), fmt(r.epoch_s, 3), fmt(r.epoch_cpu_s, 3), fmt(r.score_rows_per_s, 0), fmt(r.gflops_1024, 1), fmt(r.peak_rss_mb, 0),
        `${fmt(r.load_before)}→${fmt(r.load_after)}`, fmt(r.ratio?.epoch, 3), fmt(r.ratio?.epoch_cpu, 3), fmt(r.ratio?.score, 3), fmt(r.ratio?.peak_rss, 3), fmt(r.ratio?.gflops_1024, 3)];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines;
}

export async function run(args: string[]): Promise<void> {
  const o = parseArgs(args);
  const started = new Date().toISOString();
  const rows: PerfRow[] = [];
  for (const workload of o.workloads) {
    const group: PerfRow[] = [];
    for (const b of o.backends) {
      const row = await ours(workload, b, o);
      group.push(row);
      process.stderr.write(`perf: ${workload} ${b}: ${row.error ?? (workload === 'W5' ? `${fmt(row.gflops_1024, 1)} GFLOP/s at 1024³` : `${fmt(row.epoch_s, 3)} s/epoch (${fmt(row.epoch_cpu_s, 3)} CPU s)`)} (load ${row.load_before}→${row.load_after})\n`);
    }
    if (o.torch) {
      const peer = await torch(workload, o);
      process.stderr.write(`perf: ${workload} ${peer.runner}: ${peer.error ?? (workload === 'W5' ? `${fmt(peer.gflops_1024, 1)} GFLOP/s at 1024³` : `${fmt(peer.epoch_s, 3)} s/epoch`)} (load ${peer.load_before}→${peer.load_after})\n`);
      addRatios(group, peer);
      group.push(peer);
    }
    rows.push(...group);
  }
  const machine = { cpus: os.cpus().length, cpu_model: os.cpus()[0]?.model ?? 'unknown', total_memory_gb: Math.round(os.totalmem() / 2 ** 30), node: process.version };
  const header = [
    `perf workloads (${o.workloads.join(', ')}), ${o.epochs} timed epoch(s) after ${o.warmup} warm-up batches, ${o.threads} thread(s); started ${started}`,
    `machine: ${machine.cpus} CPUs (${machine.cpu_model}), ${machine.total_memory_gb} GiB; load average (1 min) beside each row — on a loaded machine compare CPU seconds and ratios taken back to back, not wall-clock seconds across runs`,
    '',
  ];
  const md = [...header, ...table(rows), ''].join('\n');
  process.stdout.write(md);
  const dir = join(here, 'results');
  await writeFileAtomic(join(dir, 'perf.json'), `${JSON.stringify({ started, options: o, machine, rows }, null, 2)}\n`);
  await writeFileAtomic(join(dir, 'perf.md'), `# perf\n\n${md}`);
}
