/**
 * `npm run bench -- fuzz [--runs 100000] [--seed N] [--targets csv,npy] [--stall 120]`: the long run of the reader
 * fuzzing of test/fuzz (the tests run 250 inputs per reader). Each reader runs in a child process with a watchdog: no
 * progress for `--stall` seconds counts as a hang. Writes the inputs tried, how they ended, the slowest input and the
 * child's peak memory to bench/results/fuzz.{json,md}. A failure prints fast-check's report (seed and the shrunk
 * input); FUZZ_RUNS / FUZZ_SEED replay it in `npm test -- test/fuzz/readers.test.ts`.
 */
import { fork } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { InputError } from '../src/core/errors.ts';
import { writeFileAtomic } from '../src/model-io/index.ts';
import type { FuzzStats } from '../test/fuzz/harness.ts';
import { allTargets } from '../test/fuzz/targets.ts';

interface Row {
  target: string;
  reads: string;
  status: 'passed' | 'failed' | 'hung';
  stats?: FuzzStats;
  maxRssMb?: number;
  failure?: string;
}

function runChild(target: string, runs: number, seed: number, slowMs: number, stallMs: number): Promise<Row> {
  return new Promise((resolve) => {
    const child = fork(fileURLToPath(new URL('./fuzz-child.ts', import.meta.url)), [target, String(runs), String(seed), String(slowMs)], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let row: Row = { target, reads: '', status: 'failed', failure: 'the child ended without a result' };
    let seen = 0;
    let watchdog: NodeJS.Timeout;
    const arm = (): void => {
      clearTimeout(watchdog);
      watchdog = setTimeout(() => {
        row = { target, reads: '', status: 'hung', failure: `no progress for ${stallMs / 1000} s after ${seen} inputs (seed ${seed})` };
        child.kill('SIGKILL');
      }, stallMs);
    };
    arm();
    child.on('message', (m: { heartbeat?: number; stats?: FuzzStats; reads?: string; maxRssMb?: number; failure?: string }) => {
      if (m.heartbeat !== undefined) {
        seen = m.heartbeat;
        process.stderr.write(`\rfuzz ${target}: ${seen} / ${runs}`);
        arm();
      } else if (m.stats !== undefined) {
        row = { target, reads: m.reads ?? '', status: 'passed', stats: m.stats, maxRssMb: m.maxRssMb ?? 0 };
      } else if (m.failure !== undefined) {
        row = { target, reads: '', status: 'failed', failure: m.failure };
      }
    });
    child.on('exit', () => {
      clearTimeout(watchdog);
      process.stderr.write('\n');
      resolve(row);
    });
  });
}

function table(rows: readonly Row[]): string {
  const head = '| reader | inputs | random | generated | mutated | read | refused (by error class) | slowest input ms | peak RSS MB | seconds | result |\n|---|---|---|---|---|---|---|---|---|---|---|';
  const body = rows.map((r) => {
    const s = r.stats;
    if (s === undefined) return `| ${r.target} | – | – | – | – | – | – | – | – | – | ${r.status}: ${r.failure?.split('\n')[0] ?? ''} |`;
    const refused = Object.entries(s.refused).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ');
    return `| ${r.target} | ${s.inputs} | ${s.byKind.random} | ${s.byKind.generated} | ${s.byKind.mutated} | ${s.accepted} | ${s.inputs - s.accepted}: ${refused} | ${s.slowestMs.toFixed(0)} | ${r.maxRssMb?.toFixed(0)} | ${s.seconds.toFixed(0)} | ${r.status} |`;
  });
  return [head, ...body].join('\n');
}

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { runs: { type: 'string', default: '10000' }, seed: { type: 'string', default: '20261128' }, targets: { type: 'string' }, stall: { type: 'string', default: '120' }, 'slow-ms': { type: 'string', default: '10000' } },
    strict: true,
  });
  const runs = Number(values.runs);
  const seed = Number(values.seed);
  const stallMs = Number(values.stall) * 1000;
  const slowMs = Number(values['slow-ms']);
  if (!Number.isInteger(runs) || runs < 1) throw new InputError(`--runs must be a whole number ≥ 1. Got ${JSON.stringify(values.runs)} instead.`);
  if (!Number.isInteger(seed)) throw new InputError(`--seed must be a whole number. Got ${JSON.stringify(values.seed)} instead.`);
  if (!(stallMs > 0) || !(slowMs > 0)) throw new InputError('--stall and --slow-ms must be positive numbers.');
  const known = (await allTargets()).map((t) => t.name);
  const names = values.targets === undefined ? known : values.targets.split(',');
  for (const n of names) if (!known.includes(n)) throw new InputError(`Unknown fuzz target '${n}'. Known: ${known.join(', ')}.`);
  const rows: Row[] = [];
  for (const name of names) {
    const row = await runChild(name, runs, seed, slowMs, stallMs);
    if (row.failure !== undefined) process.stderr.write(`fuzz ${name}: ${row.status}: ${row.failure}\n`);
    rows.push(row);
  }
  process.stdout.write(`${table(rows)}\n`);
  // a run of some readers replaces their rows and keeps the others' (each row names the command that made it)
  const dir = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const command = `npm run bench -- fuzz --runs ${runs} --seed ${seed}${values.targets !== undefined ? ` --targets ${values.targets}` : ''}`;
  let kept: (Row & { command?: string })[] = [];
  try {
    kept = (JSON.parse(readFileSync(join(dir, 'fuzz.json'), 'utf8')) as { rows: (Row & { command?: string })[] }).rows.filter((r) => !names.includes(r.target));
  } catch {
    kept = [];
  }
  const all = [...kept, ...rows.map((r) => ({ ...r, command }))].sort((a, b) => known.indexOf(a.target) - known.indexOf(b.target));
  const total = all.reduce((a, r) => a + (r.stats?.inputs ?? 0), 0);
  const commands = [...new Set(all.map((r) => r.command))].map((c) => `- \`${c}\``).join('\n');
  const md = `# Reader fuzzing\n\n${table(all)}\n\n${total} inputs in all. Made by:\n${commands}\n\nTimes measured under load (a 2-core machine shared with other jobs).\n`;
  await writeFileAtomic(join(dir, 'fuzz.json'), `${JSON.stringify({ total, rows: all }, null, 2)}\n`);
  await writeFileAtomic(join(dir, 'fuzz.md'), md);
  if (rows.some((r) => r.status !== 'passed')) process.exitCode = 1;
}
