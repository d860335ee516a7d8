// One contract for every broker adapter (transport.ts): the same tests run over NATS JetStream and Redis Streams on
// real servers started here on loopback, and over Kafka against the in-process fake broker. Each test uses its own
// input and results names, and waits by polling with a generous deadline, never by sleeping a fixed time.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { connect, headers, type NatsConnection } from 'nats';
import { Redis } from 'ioredis';
import { FakeKafka } from './kafka-fake.ts';
import { KafkaTransport } from './kafka.ts';
import { startNatsServer, startRedisServer, type LocalServer } from './local-servers.ts';
import { KEY_HEADER, NatsTransport, streamNameFor, subjectMatches } from './nats.ts';
import { RedisTransport } from './redis.ts';
import type { StreamMessage, Transport } from './transport.ts';

interface Input {
  id?: string;
  key?: string;
  body: string;
}

interface Output {
  id: string;
  key?: string;
  body: string;
}

interface Harness {
  /** why this adapter's tests are skipped here, if they are */
  skip(): string | undefined;
  setup(): Promise<void>;
  teardown(): Promise<void>;
  /** a worker's connection to `input` (results to `input.out`); `consumer` names the worker where the broker names them */
  connect(input: string, options?: { consumer?: string; ackWaitMs?: number }): Promise<Transport>;
  produce(input: string, messages: Input[]): Promise<void>;
  results(input: string): Promise<Output[]>;
  /** several live consumers of one group split the messages between them */
  sharesWork: boolean;
  /** the worker stops dead, as on SIGKILL: no nak, no close (NATS: its connection drops) */
  vanish(t: Transport): Promise<void>;
}

function natsHarness(): Harness {
  let server: LocalServer | undefined;
  let nc: NatsConnection | undefined;
  let missing = false;
  return {
    sharesWork: true,
    vanish: async (t) => {
      await (t as unknown as { nc: NatsConnection }).nc.close();
    },
    skip: () => (missing ? 'nats-server is not installed (Debian package nats-server)' : undefined),
    async setup() {
      server = await startNatsServer();
      if (server === undefined) missing = true;
      else nc = await connect({ servers: server.url });
    },
    async teardown() {
      await nc?.close();
      await server?.stop();
    },
    connect: (input, options = {}) => NatsTransport.connect({
      url: server!.url, subject: input, results: `${input}.out`, durable: 'workers', ackWaitMs: options.ackWaitMs ?? 30_000,
    }),
    async produce(input, messages) {
      const js = nc!.jetstream();
      for (const m of messages) {
        const h = headers();
        if (m.key !== undefined) h.set(KEY_HEADER, m.key);
        await js.publish(input, new TextEncoder().encode(m.body), { headers: h, ...(m.id !== undefined ? { msgID: m.id } : {}) });
      }
    },
    async results(input) {
      const jsm = await nc!.jetstreamManager();
      const stream = streamNameFor(`${input}.out`);
      const count = (await jsm.streams.info(stream)).state.messages;
      const out: Output[] = [];
      for (let seq = 1; seq <= count; seq++) {
        const m = await jsm.streams.getMessage(stream, { seq });
        const key = m.header?.get(KEY_HEADER);
        const body = new TextDecoder().decode(m.data);
        out.push({ id: (JSON.parse(body) as { id: string }).id, body, ...(key ? { key } : {}) });
      }
      return out;
    },
  };
}

function redisHarness(): Harness {
  let server: LocalServer | undefined;
  let redis: Redis | undefined;
  let missing = false;
  return {
    sharesWork: true,
    vanish: async () => undefined, // its entries stay pending under its name; it reads nothing more
    skip: () => (missing ? 'redis-server is not installed (Debian package redis-server)' : undefined),
    async setup() {
      server = await startRedisServer();
      if (server === undefined) missing = true;
      else redis = new Redis(server.url);
    },
    async teardown() {
      await redis?.quit();
      await server?.stop();
    },
    connect: (input, options = {}) => RedisTransport.connect({
      url: server!.url, stream: input, results: `${input}.out`, group: 'workers', consumer: options.consumer ?? 'worker-a', claimIdleMs: options.ackWaitMs ?? 30_000,
    }),
    async produce(input, messages) {
      for (const m of messages) {
        await redis!.xadd(input, '*', 'data', m.body, ...(m.key !== undefined ? ['key', m.key] : []), ...(m.id !== undefined ? ['id', m.id] : []));
      }
    },
    async results(input) {
      const entries = await redis!.xrange(`${input}.out`, '-', '+');
      return entries.map(([, fields]) => {
        const f = new Map<string, string>();
        for (let i = 0; i + 1 < fields.length; i += 2) f.set(fields[i]!, fields[i + 1]!);
        const key = f.get('key');
        return { id: f.get('id')!, body: f.get('data')!, ...(key !== undefined ? { key } : {}) };
      });
    },
  };
}

function kafkaHarness(): Harness {
  const kafka = new FakeKafka(2);
  return {
    sharesWork: false, // the fake does not rebalance partitions between live consumers
    vanish: async () => undefined, // its batches stay open, uncommitted
    skip: () => undefined,
    setup: async () => undefined,
    teardown: async () => undefined,
    connect: (input) => KafkaTransport.connect({ url: 'kafka://fake:9092', topic: input, results: `${input}.out`, group: 'workers', kafka }),
    async produce(input, messages) {
      for (const m of messages) kafka.append(input, { key: m.key ?? null, value: m.body, ...(m.id !== undefined ? { headers: { id: m.id } } : {}) });
    },
    async results(input) {
      return kafka.messages(`${input}.out`).map((m) => ({
        id: m.headers['id']!.toString(), body: m.value!.toString(), ...(m.key !== null ? { key: m.key.toString() } : {}),
      }));
    },
  };
}

/** Pulls until `count` messages came (or the deadline passed). */
async function pullAll(t: Transport, count: number, max = 4): Promise<StreamMessage[]> {
  const out: StreamMessage[] = [];
  const deadline = Date.now() + 20_000;
  while (out.length < count && Date.now() < deadline) out.push(...(await t.pull(max, 200)));
  return out;
}

const inputs = (n: number, tag: string): Input[] => Array.from({ length: n }, (_, i) => ({
  body: JSON.stringify({ x: i, tag }),
  ...(i % 2 === 0 ? { key: `k${i % 3}` } : {}),
  ...(i % 3 === 0 ? { id: `${tag}-${i}` } : {}),
}));

const echo = (m: StreamMessage) => ({ id: m.id, ...(m.key !== undefined ? { key: m.key } : {}), body: JSON.stringify({ id: m.id, echo: new TextDecoder().decode(m.payload) }) });

for (const [name, harness] of [['NATS JetStream', natsHarness()], ['Redis Streams', redisHarness()], ['Kafka (fake broker)', kafkaHarness()]] as const) {
  describe(`stream transport contract: ${name}`, () => {
    before(() => harness.setup());
    after(() => harness.teardown());

    test('pull → publish → ack: each message once, ids stable and unique, keys and payloads intact, nothing redelivered', async (t) => {
      if (harness.skip()) return t.skip(harness.skip());
      const sent = inputs(10, 'a');
      const worker = await harness.connect('c1');
      await harness.produce('c1', sent);
      const got = await pullAll(worker, 10);
      assert.equal(got.length, 10);
      assert.equal(new Set(got.map((m) => m.id)).size, 10, 'ids are unique');
      const byBody = new Map(got.map((m) => [new TextDecoder().decode(m.payload), m]));
      for (const s of sent) {
        const m = byBody.get(s.body);
        assert.ok(m, `message ${s.body} arrived`);
        assert.equal(m.key, s.key);
        if (s.id !== undefined) assert.equal(m.id, s.id, 'the producer id is the message id');
      }
      await worker.publish(got.map(echo));
      await worker.ack(got);
      assert.deepEqual(await worker.pull(10, 300), [], 'acknowledged messages are not delivered again');
      await worker.close();
      const again = await harness.connect('c1');
      assert.deepEqual(await again.pull(10, 300), [], 'nor after a restart');
      await again.close();
      const results = await harness.results('c1');
      assert.deepEqual(results.map((r) => r.id).sort(), got.map((m) => m.id).sort());
      for (const r of results) assert.equal(r.key, got.find((m) => m.id === r.id)!.key, 'results carry the key');
    });

    test('a message pulled and not acknowledged is delivered again, with the same id, after the worker restarts', async (t) => {
      if (harness.skip()) return t.skip(harness.skip());
      const worker = await harness.connect('c2');
      await harness.produce('c2', inputs(6, 'b'));
      const first = await pullAll(worker, 6);
      assert.equal(first.length, 6);
      await worker.close();
      const restarted = await harness.connect('c2');
      const second = await pullAll(restarted, 6);
      assert.deepEqual(second.map((m) => m.id).sort(), first.map((m) => m.id).sort());
      await restarted.ack(second);
      await restarted.close();
    });

    test('messages left unacknowledged by a worker that vanished (no close) reach another worker of the group', async (t) => {
      if (harness.skip()) return t.skip(harness.skip());
      const dead = await harness.connect('c3', { consumer: 'worker-dead', ackWaitMs: 500 });
      await harness.produce('c3', inputs(5, 'c'));
      const taken = await pullAll(dead, 5);
      assert.equal(taken.length, 5);
      await harness.vanish(dead);
      const other = await harness.connect('c3', { consumer: 'worker-b', ackWaitMs: 500 });
      const recovered = await pullAll(other, 5);
      assert.deepEqual(recovered.map((m) => m.id).sort(), taken.map((m) => m.id).sort());
      await other.publish(recovered.map(echo));
      await other.ack(recovered);
      await other.close();
      await dead.close().catch(() => undefined);
    });

    test('two live workers of one group split the messages: each one goes to exactly one of them', async (t) => {
      if (harness.skip()) return t.skip(harness.skip());
      if (!harness.sharesWork) return t.skip('the in-process Kafka fake does not rebalance partitions between live consumers');
      const a = await harness.connect('c4', { consumer: 'worker-a' });
      const b = await harness.connect('c4', { consumer: 'worker-b' });
      await harness.produce('c4', inputs(40, 'd'));
      const seen: string[] = [];
      const deadline = Date.now() + 20_000;
      while (seen.length < 40 && Date.now() < deadline) {
        for (const w of [a, b]) {
          const got = await w.pull(5, 100);
          await w.publish(got.map(echo));
          await w.ack(got);
          seen.push(...got.map((m) => m.id));
        }
      }
      assert.equal(seen.length, 40);
      assert.equal(new Set(seen).size, 40, 'no message went to both workers');
      await a.close();
      await b.close();
    });
  });
}

test('NATS subject wildcards, as the check that a worker never reads its own results uses them', () => {
  assert.ok(subjectMatches('events.>', 'events.scores'));
  assert.ok(subjectMatches('events.*', 'events.scores'));
  assert.ok(!subjectMatches('events', 'events.scores'));
  assert.ok(!subjectMatches('events.*', 'events.a.scores'));
  assert.ok(!subjectMatches('events.>', 'events'));
});
