/**
 * `npm run bench -- stream [--events 100000] [--brokers nats,redis] [--workers 1,2] [--batch 1000] [--trees 100]`:
 * events per second through `dad worker` (child processes) with one and with two workers of one group on this
 * machine, on a nats-server (JetStream, file storage) and a redis-server started here on loopback.
 *
 * Protocol: the input is filled with `--events` JSON events first (8 features; an IForest fitted on 5,000 rows
 * of the same distribution scores them); then the workers start, and the clock starts when the last of them says it
 * is reading; it stops when the results stream holds one result per event. Rate = events scored after the clock
 * started / seconds. So process start and model load are outside the figure; publishing every result with the
 * broker's acknowledgement and acknowledging every input are inside it. Writes bench/results/stream.{json,md}.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { connect, StorageType } from 'nats';
import { OptionError } from '../src/core/errors.ts';
import { Rng } from '../src/core/rng.ts';
import '../src/detectors/index.ts';
import { Pipeline } from '../src/pipeline/pipeline.ts';
import { startNatsServer, startRedisServer, type LocalServer } from '../src/stream/local-servers.ts';
import { streamNameFor } from '../src/stream/nats.ts';

const FEATURES = 8;
const root = fileURLToPath(new URL('..', import.meta.url));

interface Row {
  broker: string;
  workers: number;
  events: number;
  batch: number;
  timedEvents: number;
  seconds: number;
  eventsPerSecond: number;
  loadAverage: number;
}

interface BrokerRun {
  fill(events: number): Promise<void>;
  results(): Promise<number>;
  args(worker: number): string[];
  close(): Promise<void>;
}

export async function run(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      events: { type: 'string', default: '100000' },
      brokers: { type: 'string', default: 'nats,redis' },
      workers: { type: 'string', default: '1,2' },
      batch: { type: 'string', default: '1000' },
      trees: { type: 'string', default: '100' },
    },
  });
  const events = Number(values.events);
  const batch = Number(values.batch);
  const workerCounts = values.workers.split(',').map(Number);
  if (!Number.isInteger(events) || events < 1) throw new OptionError(`--events must be a positive whole number. Got '${values.events}'.`);
  const dir = mkdtempSync(join(tmpdir(), 'dad-bench-stream-'));
  const model = join(dir, 'forest.dad');
  const rng = new Rng(11);
  const X = { rows: 5000, cols: FEATURES, data: Float64Array.from({ length: 5000 * FEATURES }, () => rng.normal()) };
  await new Pipeline({ detector: 'iforest', options: { trees: Number(values.trees), seed: 11 } }).fit(X).save(model);
  const rows: Row[] = [];
  try {
    for (const broker of values.brokers.split(',')) {
      for (const workers of workerCounts) {
        const server = broker === 'nats' ? await startNatsServer() : broker === 'redis' ? await startRedisServer() : undefined;
        if (server === undefined) {
          process.stderr.write(`bench stream: skipping ${broker}: ${broker === 'nats' || broker === 'redis' ? `${broker}-server is not installed` : 'unknown broker (nats or redis)'}\n`);
          break;
        }
        try {
          const b = broker === 'nats' ? await natsRun(server) : await redisRun(server);
          const row = await measure(broker, b, workers, events, batch, model);
          await b.close();
          rows.push(row);
          process.stderr.write(`bench stream: ${broker}, ${workers} worker(s): ${row.eventsPerSecond.toFixed(0)} events/s (${row.timedEvents} events in ${row.seconds.toFixed(2)} s, load ${row.loadAverage.toFixed(1)})\n`);
        } finally {
          await server.stop();
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const table = [
    `Stream workers: \`npm run bench -- stream --events ${events} --batch ${batch} --trees ${values.trees}\` — ${new Date().toISOString().slice(0, 10)}, ${cpus().length} CPU core(s).`,
    'Measured under load: other jobs shared the machine (load average beside each row), so these are lower bounds, not this code\'s speed on a quiet machine.',
    `Model: IForest (${values.trees} trees) on ${FEATURES} features; each result is published with the broker's acknowledgement before its input is acknowledged.`,
    '',
    '| broker | workers | events timed | seconds | events / s | load average |',
    '|---|---:|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.broker} | ${r.workers} | ${r.timedEvents} | ${r.seconds.toFixed(2)} | ${r.eventsPerSecond.toFixed(0)} | ${r.loadAverage.toFixed(1)} |`),
  ].join('\n');
  process.stdout.write(`${table}\n`);
  const out = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'stream.json'), `${JSON.stringify({ measuredUnderLoad: true, cpus: cpus().length, rows }, null, 2)}\n`);
  writeFileSync(join(out, 'stream.md'), `${table}\n`);
}

function eventPayload(i: number): string {
  // cheap deterministic features (the broker and the worker are measured, not the generator)
  return JSON.stringify(Array.from({ length: FEATURES }, (_, j) => Math.sin(i * (j + 1) * 0.37)));
}

async function measure(broker: string, b: BrokerRun, workers: number, events: number, batch: number, model: string): Promise<Row> {
  await b.fill(events);
  const children: { child: ChildProcess; ready: Promise<number> }[] = [];
  for (let w = 0; w < workers; w++) {
    const child = spawn(process.execPath, [join(root, 'bin', 'dad.js'), 'worker', '--model', model, '--batch', String(batch), ...b.args(w)], { stdio: ['ignore', 'ignore', 'pipe'] });
    let text = '';
    const ready = new Promise<number>((resolve, reject) => {
      child.stderr!.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        if (/reading /.test(text)) resolve(performance.now());
      });
      child.once('exit', (code) => reject(new Error(`worker exited (${code}) before it was ready: ${text}`)));
    });
    children.push({ child, ready });
  }
  try {
    const t0 = Math.max(...(await Promise.all(children.map((c) => c.ready))));
    const c0 = await b.results();
    let count = c0;
    const deadline = Date.now() + 30 * 60_000;
    while (count < events) {
      if (Date.now() > deadline) throw new Error(`bench stream: ${broker} did not finish within 30 minutes (${count} of ${events} results)`);
      await new Promise((resolve) => setTimeout(resolve, 50));
      count = await b.results();
    }
    const seconds = (performance.now() - t0) / 1000;
    return { broker, workers, events, batch, timedEvents: events - c0, seconds, eventsPerSecond: (events - c0) / seconds, loadAverage: loadavg()[0]! };
  } finally {
    for (const { child } of children) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  }
}

async function natsRun(server: LocalServer): Promise<BrokerRun> {
  const nc = await connect({ servers: server.url });
  const jsm = await nc.jetstreamManager({ timeout: 60_000 });
  const js = nc.jetstream({ timeout: 60_000 });
  const results = streamNameFor('events.scores');
  await jsm.streams.add({ name: streamNameFor('events'), subjects: ['events'], storage: StorageType.File });
  await jsm.streams.add({ name: results, subjects: ['events.scores'], storage: StorageType.File });
  const encoder = new TextEncoder();
  return {
    async fill(events) {
      for (let start = 0; start < events; start += 2000) {
        const sends: Promise<unknown>[] = [];
        for (let i = start; i < Math.min(events, start + 2000); i++) sends.push(js.publish('events', encoder.encode(eventPayload(i))));
        await Promise.all(sends);
      }
    },
    results: async () => (await jsm.streams.info(results)).state.messages,
    args: () => ['--broker', server.url, '--subject', 'events'],
    close: () => nc.close(),
  };
}

async function redisRun(server: LocalServer): Promise<BrokerRun> {
  const redis = new Redis(server.url);
  return {
    async fill(events) {
      for (let start = 0; start < events; start += 5000) {
        const pipeline = redis.pipeline();
        for (let i = start; i < Math.min(events, start + 5000); i++) pipeline.xadd('events', '*', 'data', eventPayload(i));
        await pipeline.exec();
      }
    },
    results: () => redis.xlen('events.scores'),
    args: (w) => ['--broker', server.url, '--stream', 'events', '--consumer', `bench-${w}`],
    close: async () => {
      await redis.quit();
    },
  };
}
