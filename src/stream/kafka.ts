/**
 * Kafka adapter on kafkajs. Input: a consumer group on the input topic; kafkajs pushes batches per partition
 * (eachBatch), this adapter queues them for the worker to pull and holds the batch open until the worker has
 * acknowledged every message of it, then commits the offset after the batch's last message. Offsets are committed only
 * after the results were produced (the producer waits for all in-sync replicas: acks = -1), so a crash before the
 * commit means the partition is read again from the last commit: at-least-once. A rebalance in the middle of a batch
 * ends it uncommitted: the partition's new owner reads those messages again.
 *
 * Ids: the producer's `id` header when set, else `<topic>:<partition>:<offset>`. The key is the Kafka message key.
 * Results are produced to the results topic with the input's key (so a key's results stay in one partition, in order)
 * and an `id` header.
 *
 * The adapter talks to kafkajs through the few calls it needs (`KafkaLike`), so the contract tests run it against an
 * in-process fake broker (kafka-fake.ts) on machines where no Kafka broker can be installed.
 */
import { OptionError } from '../core/errors.ts';
import { PullQueue } from './queue.ts';
import type { ResultMessage, StreamMessage, Transport } from './transport.ts';

type HeaderValue = Buffer | string | (Buffer | string)[] | undefined;

export interface KafkaBatchLike {
  batch: {
    topic: string;
    partition: number;
    messages: { offset: string; key: Buffer | null; value: Buffer | null; headers?: Record<string, HeaderValue> }[];
  };
  resolveOffset(offset: string): void;
  heartbeat(): Promise<void>;
  isRunning(): boolean;
  isStale(): boolean;
}

export interface KafkaConsumerLike {
  connect(): Promise<void>;
  subscribe(subscription: { topics: string[]; fromBeginning?: boolean }): Promise<void>;
  run(config: { autoCommit?: boolean; eachBatchAutoResolve?: boolean; partitionsConsumedConcurrently?: number; eachBatch: (payload: KafkaBatchLike) => Promise<void> }): Promise<void>;
  commitOffsets(offsets: { topic: string; partition: number; offset: string }[]): Promise<void>;
  disconnect(): Promise<void>;
}

export interface KafkaProducerLike {
  connect(): Promise<void>;
  send(record: { topic: string; acks?: number; messages: { key?: string | null; value: string; headers?: Record<string, string> }[] }): Promise<unknown>;
  disconnect(): Promise<void>;
}

export interface KafkaLike {
  consumer(config: { groupId: string }): KafkaConsumerLike;
  producer(config?: Record<string, unknown>): KafkaProducerLike;
}

export interface KafkaOptions {
  /** kafka://host:port[,host:port…] */
  url: string;
  topic: string;
  results: string;
  group: string;
  /** a client to use instead of a real kafkajs one (the tests' fake broker) */
  kafka?: KafkaLike;
}

/** One eachBatch call, waiting for the worker to acknowledge its messages. */
interface OpenBatch {
  remaining: number;
  lastOffset: string;
  done: () => void;
  abandoned: boolean;
}

export class KafkaTransport implements Transport {
  readonly describe: string;
  private readonly queue = new PullQueue<StreamMessage>();
  private readonly owner = new Map<StreamMessage, OpenBatch>();
  private readonly open = new Set<OpenBatch>();
  private closing = false;
  private failure: Error | undefined;

  private constructor(private readonly consumer: KafkaConsumerLike, private readonly producer: KafkaProducerLike, private readonly options: KafkaOptions) {
    this.describe = `Kafka ${options.url}: topic '${options.topic}' group '${options.group}' → '${options.results}'`;
  }

  static async connect(options: KafkaOptions): Promise<KafkaTransport> {
    if (options.topic === options.results) throw new OptionError(`The results topic must differ from the input topic ('${options.topic}').`);
    const kafka = options.kafka ?? (await realKafka(options.url));
    const consumer = kafka.consumer({ groupId: options.group });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await consumer.connect();
    await consumer.subscribe({ topics: [options.topic], fromBeginning: true });
    const transport = new KafkaTransport(consumer, producer, options);
    await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, partitionsConsumedConcurrently: 8, eachBatch: (payload) => transport.eachBatch(payload) });
    return transport;
  }

  private async eachBatch(payload: KafkaBatchLike): Promise<void> {
    const { topic, partition, messages } = payload.batch;
    if (messages.length === 0 || this.closing) return;
    let done!: () => void;
    const finished = new Promise<void>((resolve) => (done = resolve));
    const open: OpenBatch = { remaining: messages.length, lastOffset: messages[messages.length - 1]!.offset, done, abandoned: false };
    this.open.add(open);
    for (const m of messages) {
      const id = headerText(m.headers?.['id']) ?? `${topic}:${partition}:${m.offset}`;
      const message: StreamMessage = { id, payload: m.value ?? new Uint8Array(0), ...(m.key !== null ? { key: m.key.toString() } : {}) };
      if (m.value === null) message.problem = `Kafka message ${topic}:${partition}:${m.offset} has no value`;
      this.owner.set(message, open);
      this.queue.push(message);
    }
    // keep the group membership alive while the worker scores; give up the batch (uncommitted) on a rebalance
    while (open.remaining > 0 && !open.abandoned) {
      const tick = new Promise<void>((resolve) => setTimeout(resolve, 1000));
      await Promise.race([finished, tick]);
      if (open.remaining === 0 || open.abandoned) break;
      if (!payload.isRunning() || payload.isStale()) {
        open.abandoned = true;
        break;
      }
      await payload.heartbeat().catch(() => undefined);
    }
    this.open.delete(open);
    if (open.abandoned) return;
    payload.resolveOffset(open.lastOffset);
    try {
      await this.consumer.commitOffsets([{ topic, partition, offset: (BigInt(open.lastOffset) + 1n).toString() }]);
    } catch (error) {
      this.failure = error as Error;
    }
  }

  async pull(max: number, waitMs: number): Promise<StreamMessage[]> {
    this.check();
    return this.queue.take(max, waitMs);
  }

  async publish(results: readonly ResultMessage[]): Promise<void> {
    if (results.length === 0) return;
    await this.producer.send({
      topic: this.options.results,
      acks: -1,
      messages: results.map((r) => ({ key: r.key ?? null, value: r.body, headers: { id: r.id } })),
    });
  }

  async ack(messages: readonly StreamMessage[]): Promise<void> {
    for (const m of messages) {
      const open = this.owner.get(m);
      this.owner.delete(m);
      if (open === undefined) continue;
      open.remaining--;
      if (open.remaining === 0) open.done();
    }
    // let the finished batch commit before the worker reports its batch done
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.check();
  }

  private check(): void {
    if (this.failure !== undefined) throw this.failure;
  }

  async close(): Promise<void> {
    this.closing = true;
    for (const open of this.open) {
      open.abandoned = true;
      open.done();
    }
    this.queue.close();
    this.owner.clear();
    await this.consumer.disconnect();
    await this.producer.disconnect();
  }
}

function headerText(value: HeaderValue): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return v === undefined ? undefined : v.toString();
}

async function realKafka(url: string): Promise<KafkaLike> {
  const { Kafka, logLevel } = await import('kafkajs');
  const brokers = url.replace(/^kafka:\/\//, '').split(',').filter((b) => b !== '');
  if (brokers.length === 0) throw new OptionError(`The Kafka URL names no broker: expected kafka://host:port[,host:port…]. Got '${url}'.`);
  // no cast: kafkajs's own types must satisfy KafkaLike, so the fake and the real client stay interchangeable
  return new Kafka({ clientId: 'dad-worker', brokers, logLevel: logLevel.WARN });
}
