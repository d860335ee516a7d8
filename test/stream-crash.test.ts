// Issue #7, stream workers: 100,000 events; the worker (`dad worker`, a child process) is killed with SIGKILL in the
// middle and started again; every input id must get a result, none lost, and the duplicates (results published
// twice because the killed worker had published them but not yet acknowledged their inputs) are counted and printed.
// Robust rather than timed: the kill comes after N results were observed, completion is "the broker reports nothing
// pending or unacknowledged and every id has a result", both polled with a generous deadline. Runs on real
// nats-server (JetStream) and redis-server started here on loopback; skips when a binary is missing.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test, type TestContext } from 'node:test';
import { connect, headers, StorageType, type NatsConnection } from 'nats';
import { Redis } from 'ioredis';
import { Rng } from '../src/core/rng.ts';
import '../src/detectors/index.ts';
import { Pipeline } from '../src/pipeline/pipeline.ts';
import { startNatsServer, startRedisServer } from '../src/stream/local-servers.ts';
import { streamNameFor } from '../src/stream/nats.ts';

// The size is 100,000 (DAD_CRASH_EVENTS=100000 npm test -- test/stream-crash.test.ts, about two minutes per
// broker on a loaded 2-core machine); the whole suite runs the same protocol on 5,000 to stay quick.
const EVENTS = Number(process.env['DAD_CRASH_EVENTS'] ?? 5_000);
const KILL_AFTER = Math.floor(EVENTS * 0.3);
const DEADLINE_MS = 240_000;
const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin', 'dad.js');
const dir = mkdtempSync(join(tmpdir(), 'dad-crash-'));
const model = join(dir, 'forest.dad');
after(() => rmSync(dir, { recursive: true, force: true }));

before(async () => {
  const rng = new Rng(7);
  const X = { rows: 2000, cols: 4, data: Float64Array.from({ length: 8000 }, () => rng.normal()) };
  await new Pipeline({ detector: 'iforest', options: { trees: 10, seed: 7 } }).fit(X).save(model);
});

const payload = (i: number): string => (i % 10_007 === 5 ? '{broken' : JSON.stringify([Math.sin(i), Math.cos(i), (i % 100) / 50 - 1, i % 7 === 0 ? 6 : 0]));

/** What the test needs of a broker besides the worker itself. */
interface Broker {
  args: string[];
  publish(count: number): Promise<void>;
  resultCount(): Promise<number>;
  /** the input is fully processed: nothing left to deliver, nothing delivered and unacknowledged */
  drained(): Promise<boolean>;
  resultIds(): Promise<string[]>;
}

function startWorker(args: string[]): { child: ChildProcess; stderr: () => string; exit: Promise<number | null> } {
  const child = spawn(process.execPath, [bin, 'worker', '--model', model, '--batch', '1000', '--ack-wait', '2', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let text = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, stderr: () => text, exit };
}

async function until(what: string, check: () => Promise<boolean>, worker: { child: ChildProcess; stderr: () => string }): Promise<void> {
  const deadline = Date.now() + DEADLINE_MS;
  while (!(await check())) {
    if (worker.child.exitCode !== null) assert.fail(`the worker exited (${worker.child.exitCode}) while waiting for ${what}: ${worker.stderr()}`);
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}; worker said: ${worker.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function crashAndRecover(t: TestContext, name: string, broker: Broker): Promise<void> {
  const began = Date.now();
  await broker.publish(EVENTS);
  const first = startWorker(broker.args);
  await until(`${KILL_AFTER} results`, async () => (await broker.resultCount()) >= KILL_AFTER, first);
  first.child.kill('SIGKILL');
  await first.exit;
  const atKill = await broker.resultCount();
  const second = startWorker(broker.args);
  await until('every event processed', async () => (await broker.drained()) && (await broker.resultCount()) >= EVENTS, second);
  // on a quick machine the first worker may have finished everything before its kill: stop the second only once it
  // is up (it prints 'reading …' when connected), or the signal lands while Node itself is still starting
  await until('the restarted worker to be reading', async () => second.stderr().includes('dad worker: reading '), second);
  second.child.kill('SIGTERM');
  assert.equal(await second.exit, 0, `a SIGTERM ends the worker cleanly: ${second.stderr()}`);
  assert.match(second.stderr(), /stopped: \d+ message/);

  const ids = await broker.resultIds();
  const distinct = new Set(ids);
  const missing: string[] = [];
  for (let i = 0; i < EVENTS; i++) if (!distinct.has(`e${i}`)) missing.push(`e${i}`);
  const duplicates = ids.length - distinct.size;
  const line = `${name}: ${EVENTS} events, SIGKILL after ${atKill} results, restarted: ${distinct.size} distinct ids with a result, ${missing.length} lost, ${duplicates} duplicate result(s), ${((Date.now() - began) / 1000).toFixed(1)} s`;
  t.diagnostic(line);
  assert.deepEqual(missing.slice(0, 10), [], 'no input id is lost');
  assert.equal(distinct.size, EVENTS);
}

test(`NATS JetStream: SIGKILL in the middle of ${EVENTS} events loses none`, async (t) => {
  const server = await startNatsServer();
  if (server === undefined) return t.skip('nats-server is not installed (Debian package nats-server)');
  let nc: NatsConnection | undefined;
  try {
    nc = await connect({ servers: server.url });
    const jsm = await nc.jetstreamManager({ timeout: 60_000 });
    const js = nc.jetstream({ timeout: 60_000 });
    const input = streamNameFor('events');
    const results = streamNameFor('events.scores');
    await jsm.streams.add({ name: input, subjects: ['events'], storage: StorageType.File });
    await jsm.streams.add({ name: results, subjects: ['events.scores'], storage: StorageType.File });
    await crashAndRecover(t, 'NATS', {
      args: ['--broker', server.url, '--subject', 'events'],
      async publish(count) {
        const encoder = new TextEncoder();
        for (let start = 0; start < count; start += 2000) {
          const end = Math.min(count, start + 2000);
          const sends: Promise<unknown>[] = [];
          for (let i = start; i < end; i++) {
            const h = headers();
            h.set('Nats-Msg-Id', `e${i}`);
            sends.push(js.publish('events', encoder.encode(payload(i)), { headers: h }));
          }
          await Promise.all(sends);
        }
      },
      resultCount: async () => (await jsm.streams.info(results)).state.messages,
      async drained() {
        const info = await jsm.consumers.info(input, 'dad-worker').catch(() => undefined);
        return info !== undefined && info.num_pending === 0 && info.num_ack_pending === 0;
      },
      async resultIds() {
        const total = (await jsm.streams.info(results)).state.messages;
        const consumer = await js.consumers.get(results);
        const messages = await consumer.consume({ max_messages: 5000 });
        const ids: string[] = [];
        const decoder = new TextDecoder();
        for await (const m of messages) {
          ids.push((JSON.parse(decoder.decode(m.data)) as { id: string }).id);
          if (ids.length >= total) break;
        }
        await messages.close();
        return ids;
      },
    });
  } finally {
    await nc?.close();
    await server.stop();
  }
});

test(`Redis Streams: SIGKILL in the middle of ${EVENTS} events loses none`, async (t) => {
  const server = await startRedisServer();
  if (server === undefined) return t.skip('redis-server is not installed (Debian package redis-server)');
  const redis = new Redis(server.url);
  try {
    await crashAndRecover(t, 'Redis', {
      // a stable consumer name: the restarted worker re-reads the entries it had pending when it was killed
      args: ['--broker', server.url, '--stream', 'events', '--consumer', 'worker-1'],
      async publish(count) {
        for (let start = 0; start < count; start += 5000) {
          const pipeline = redis.pipeline();
          for (let i = start; i < Math.min(count, start + 5000); i++) pipeline.xadd('events', '*', 'id', `e${i}`, 'data', payload(i));
          await pipeline.exec();
        }
      },
      resultCount: async () => redis.xlen('events.scores'),
      async drained() {
        const groups = (await redis.call('XINFO', 'GROUPS', 'events')) as unknown[][];
        const group = groups.map((g) => new Map(Array.from({ length: g.length / 2 }, (_, i) => [String(g[2 * i]), g[2 * i + 1]]))).find((g) => g.get('name') === 'dad-worker');
        return group !== undefined && Number(group.get('pending')) === 0 && Number(group.get('lag')) === 0;
      },
      async resultIds() {
        const ids: string[] = [];
        let from = '-';
        for (;;) {
          const entries = await redis.xrange('events.scores', from, '+', 'COUNT', 10_000);
          for (const [, fields] of entries) ids.push(fields[fields.indexOf('id') + 1]!);
          if (entries.length < 10_000) break;
          from = `(${entries[entries.length - 1]![0]}`;
        }
        return ids;
      },
    });
  } finally {
    await redis.quit();
    await server.stop();
  }
});
