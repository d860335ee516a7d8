/**
 * `npm run bench -- ae-time [--datasets shuttle,campaign] [--torch]`: the autoencoder with PyOD's default settings
 * (hidden 64-32 mirrored, batch norm, dropout 0.2, 10 epochs, batch 32, Adam 1e-3, weight decay 1e-5 — our defaults)
 * fitted on whole ADBench files, min-max scaled, one GEMM thread: wall and CPU seconds of fit and score. `--torch` runs
 * the same network and schedule in PyTorch (bench/reference/autoencoder_time_torch.py through Debian's
 * /usr/bin/python3, one thread) for the ratio on this machine. Writes bench/results/ae-time.{json,md}.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { InputError } from '../src/core/errors.ts';
import { benchmarkDataDir } from '../src/cli/data-dir.ts';
import { readTable } from '../src/data/index.ts';
import { writeFileAtomic } from '../src/model-io/index.ts';
import '../src/detectors/builtins.ts';
import { Pipeline } from '../src/pipeline/index.ts';

interface Row {
  dataset: string;
  rows: number;
  features: number;
  fitSeconds: number;
  fitCpuSeconds: number;
  scoreSeconds: number;
  torch?: { fitSeconds: number; fitCpuSeconds: number; scoreSeconds: number; version: string } | undefined;
}

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { datasets: { type: 'string', default: 'shuttle,campaign' }, torch: { type: 'boolean', default: false } }, strict: true });
  const rows: Row[] = [];
  for (const dataset of values.datasets.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const file = join(benchmarkDataDir(), 'tabular', `${dataset}.csv.gz`);
    const table = await readTable(file, { label: 'label' });
    const pipeline = new Pipeline({ detector: 'autoencoder', options: { seed: 0 } });
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    pipeline.fit(table);
    const fitSeconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const t1 = performance.now();
    pipeline.score(table);
    const scoreSeconds = (performance.now() - t1) / 1000;
    const row: Row = { dataset, rows: table.X.rows, features: table.X.cols, fitSeconds, fitCpuSeconds: (cpu.user + cpu.system) / 1e6, scoreSeconds };
    if (values.torch) {
      const script = fileURLToPath(new URL('./reference/autoencoder_time_torch.py', import.meta.url));
      const r = spawnSync('/usr/bin/python3', [script, file, '--threads', '1'], { encoding: 'utf8' });
      if (r.status !== 0) throw new InputError(`PyTorch reference failed on ${dataset} (Debian's python3-torch and libopenblas0-pthread needed): ${r.stderr.trim().split('\n').pop()}`);
      const t = JSON.parse(r.stdout.trim().split('\n').pop()!) as { fitSeconds: number; fitCpuSeconds: number; scoreSeconds: number; torch: string };
      row.torch = { fitSeconds: t.fitSeconds, fitCpuSeconds: t.fitCpuSeconds, scoreSeconds: t.scoreSeconds, version: t.torch };
    }
    rows.push(row);
    process.stderr.write(`${dataset}: fit ${fitSeconds.toFixed(2)} s (CPU ${row.fitCpuSeconds.toFixed(2)} s), score ${scoreSeconds.toFixed(2)} s${row.torch ? `; PyTorch fit ${row.torch.fitSeconds.toFixed(2)} s (CPU ${row.torch.fitCpuSeconds.toFixed(2)} s)` : ''}\n`);
  }
  const lines = [
    '# Autoencoder training time, PyOD default settings',
    '',
    `Command: \`npm run bench -- ae-time ${args.join(' ')}\`. Whole files, min-max scaled; hidden 64-32 mirrored, batch norm, dropout 0.2, 10 epochs, batch 32, Adam 1e-3, weight decay 1e-5; one GEMM thread (DAD_THREADS=${process.env['DAD_THREADS'] ?? 'default'}); ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, Node ${process.versions.node}. CPU seconds are the fairer figure on a shared machine.`,
    '',
    '| dataset | rows × features | fit s | fit CPU s | score s | PyTorch fit s | PyTorch fit CPU s | CPU ratio (PyTorch / ours) |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.dataset} | ${r.rows.toLocaleString('en')} × ${r.features} | ${r.fitSeconds.toFixed(2)} | ${r.fitCpuSeconds.toFixed(2)} | ${r.scoreSeconds.toFixed(2)} | ${r.torch?.fitSeconds.toFixed(2) ?? '—'} | ${r.torch?.fitCpuSeconds.toFixed(2) ?? '—'} | ${r.torch ? (r.torch.fitCpuSeconds / r.fitCpuSeconds).toFixed(2) : '—'} |`),
    '',
  ];
  const dir = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  await writeFileAtomic(join(dir, 'ae-time.json'), `${JSON.stringify({ command: `npm run bench -- ae-time ${args.join(' ')}`, rows }, null, 2)}\n`);
  await writeFileAtomic(join(dir, 'ae-time.md'), lines.join('\n'));
  process.stdout.write(lines.join('\n'));
}
