/**
 * `npm run bench -- load [--connections 64] [--duration 30] [--detector iforest]`: the HTTP service under load. A model
 * is fitted on examples/transactions.csv with the real CLI (`dad fit`), `dad serve` serves it on loopback with a
 * bearer token, and autocannon keeps 64 clients posting a small JSON body (8 transactions as row objects) to
 * POST /models/tx/score for 30 s. Zero failed requests is required (errors, timeouts, resets and non-2xx answers
 * all count as failed; the run exits 1 otherwise). Throughput and latency percentiles go to
 * bench/results/load.{json,md}. The server and the load generator share the machine, so the figures are a floor.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { InputError } from '../src/core/errors.ts';
import { writeFileAtomic } from '../src/model-io/index.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin', 'dad.js');
const TOKEN = 'load-test-token';

/** The first `n` rows of the example transactions as row objects, without their label: what a client would post. */
function body(n: number): string {
  const [head, ...lines] = readFileSync(join(root, 'examples', 'transactions.csv'), 'utf8').trim().split('\n');
  const names = head!.split(',');
  const rows = lines.slice(0, n).map((l) => Object.fromEntries(l.split(',').map((v, j) => [names[j]!, Number(v)]).filter(([k]) => k !== 'label')));
  return JSON.stringify({ rows });
}

async function startServe(models: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [bin, 'serve', '--models', models, '--port', '0'], { env: { ...process.env, DAD_SERVE_TOKEN: TOKEN }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const stopped = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const m = /listening on (http:\/\/\S+)/.exec(stderr);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`dad serve exited with ${code}: ${stderr}`)));
  });
  return { url, stop: async () => { child.kill('SIGTERM'); await stopped; } };
}

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { connections: { type: 'string', default: '64' }, duration: { type: 'string', default: '30' }, detector: { type: 'string', default: 'iforest' }, rows: { type: 'string', default: '8' } },
    strict: true,
  });
  const connections = Number(values.connections);
  const duration = Number(values.duration);
  const rows = Number(values.rows);
  if (!Number.isInteger(connections) || connections < 1) throw new InputError(`--connections must be a whole number ≥ 1. Got ${JSON.stringify(values.connections)} instead.`);
  if (!(duration > 0)) throw new InputError(`--duration must be a positive number of seconds. Got ${JSON.stringify(values.duration)} instead.`);
  if (!Number.isInteger(rows) || rows < 1 || rows > 500) throw new InputError(`--rows must be a whole number from 1 to 500. Got ${JSON.stringify(values.rows)} instead.`);

  const dir = mkdtempSync(join(tmpdir(), 'dad-load-'));
  try {
    const fit = spawnSync(process.execPath, [bin, 'fit', join(root, 'examples', 'transactions.csv'), '-d', values.detector, '--label', 'label', '-m', join(dir, 'tx.dad'), '-q'], { encoding: 'utf8' });
    if (fit.status !== 0) throw new Error(`dad fit failed: ${fit.stderr}`);
    const server = await startServe(dir);
    const payload = body(rows);
    const request = { method: 'POST' as const, headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body: payload };
    let result: autocannon.Result;
    try {
      // one check that the request is right before measuring it
      const check = await fetch(`${server.url}/models/tx/score`, request);
      if (check.status !== 200) throw new Error(`POST /models/tx/score answered ${check.status}: ${await check.text()}`);
      const load = [loadavg()[0]!];
      result = await autocannon({ url: `${server.url}/models/tx/score`, connections, duration, ...request });
      load.push(loadavg()[0]!);
      const failed = result.errors + result.timeouts + result.non2xx + (result.resets ?? 0);
      const summary = {
        command: `npm run bench -- load --connections ${connections} --duration ${duration} --detector ${values.detector} --rows ${rows}`,
        endpoint: 'POST /models/tx/score',
        detector: values.detector,
        bodyBytes: Buffer.byteLength(payload),
        rowsPerRequest: rows,
        connections,
        durationSeconds: duration,
        requests: result.requests.total,
        ok2xx: result['2xx'],
        failed,
        errors: result.errors,
        timeouts: result.timeouts,
        non2xx: result.non2xx,
        requestsPerSecond: result.requests.average,
        latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max, mean: result.latency.average },
        machine: `${cpus().length} cores (${cpus()[0]?.model ?? 'cpu'}), load average ${load.map((l) => l.toFixed(1)).join(' → ')}; measured under load (machine shared with other jobs)`,
        node: process.version,
      };
      const md = [
        '# HTTP service under load',
        '',
        `\`${summary.command}\``,
        '',
        '| endpoint | clients | seconds | requests | failed | req/s | p50 ms | p90 ms | p99 ms | max ms |',
        '|---|---|---|---|---|---|---|---|---|---|',
        `| ${summary.endpoint} (${values.detector}, ${rows} rows, ${summary.bodyBytes} B JSON) | ${connections} | ${duration} | ${summary.requests} | ${failed} | ${summary.requestsPerSecond.toFixed(0)} | ${summary.latencyMs.p50} | ${summary.latencyMs.p90} | ${summary.latencyMs.p99} | ${summary.latencyMs.max} |`,
        '',
        `Server (\`dad serve\`, bearer token on) and load generator (autocannon 8) on one machine over loopback: ${summary.machine}; Node ${process.version}.`,
        '',
      ].join('\n');
      process.stdout.write(md);
      const out = fileURLToPath(new URL('./results/', import.meta.url));
      mkdirSync(out, { recursive: true });
      await writeFileAtomic(join(out, 'load.json'), `${JSON.stringify(summary, null, 2)}\n`);
      await writeFileAtomic(join(out, 'load.md'), md);
      if (failed > 0) {
        process.stderr.write(`load: ${failed} failed request(s) (errors ${result.errors}, timeouts ${result.timeouts}, non-2xx ${result.non2xx}); zero is required.\n`);
        process.exitCode = 1;
      }
    } finally {
      await server.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
