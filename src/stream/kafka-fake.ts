/**
 * An in-process stand-in for a Kafka cluster, with the slice of kafkajs's API the Kafka adapter uses — for the
 * contract tests, since no Kafka broker installs on the machines this project is tested on. What it keeps of Kafka's
 * semantics is what the adapter's guarantees rest on: topics of partitions (a message goes to the partition its key
 * hashes to), offsets, a committed offset per group and partition that a new consumer of the group starts from, and
 * a running consumer that re-reads from its last resolved position. What it leaves out: rebalancing between several
 * live consumers of a group (each consumer here reads every partition), retention, transactions.
 */
import type { KafkaBatchLike, KafkaConsumerLike, KafkaLike, KafkaProducerLike } from './kafka.ts';

interface StoredMessage {
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer>;
}

export class FakeKafka implements KafkaLike {
  private readonly topics = new Map<string, StoredMessage[][]>();
  private readonly committed = new Map<string, bigint>();
  private wake: Array<() => void> = [];

  constructor(private readonly partitions = 2) {}

  /** A topic's messages, all partitions (the tests read results through this). */
  messages(topic: string): StoredMessage[] {
    return (this.topics.get(topic) ?? []).flat();
  }

  committedOffset(group: string, topic: string, partition: number): bigint | undefined {
    return this.committed.get(`${group}/${topic}/${partition}`);
  }

  append(topic: string, message: { key?: string | null; value: string | null; headers?: Record<string, string> }): void {
    const parts = this.topic(topic);
    const key = message.key ?? null;
    const p = key === null ? 0 : hash(key) % parts.length;
    const part = parts[p]!;
    part.push({
      offset: String(part.length),
      key: key === null ? null : Buffer.from(key),
      value: message.value === null ? null : Buffer.from(message.value),
      headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, Buffer.from(v)])),
    });
    const waiting = this.wake;
    this.wake = [];
    for (const w of waiting) w();
  }

  private topic(name: string): StoredMessage[][] {
    let parts = this.topics.get(name);
    if (parts === undefined) {
      parts = Array.from({ length: this.partitions }, () => []);
      this.topics.set(name, parts);
    }
    return parts;
  }

  producer(): KafkaProducerLike {
    return {
      connect: async () => undefined,
      disconnect: async () => undefined,
      send: async (record) => {
        for (const m of record.messages) this.append(record.topic, m);
        return [];
      },
    };
  }

  consumer(config: { groupId: string }): KafkaConsumerLike {
    const group = config.groupId;
    let topics: string[] = [];
    let running = false;
    let loop: Promise<void> | undefined;
    const position = new Map<string, bigint>();

    // each partition read by its own loop, as kafkajs with partitionsConsumedConcurrently ≥ the partition count
    const partitionLoop = async (topic: string, p: number, eachBatch: (payload: KafkaBatchLike) => Promise<void>): Promise<void> => {
      const id = `${group}/${topic}/${p}`;
      while (running) {
        const from = position.get(id) ?? this.committed.get(id) ?? 0n;
        const messages = this.topic(topic)[p]!.slice(Number(from), Number(from) + 500);
        if (messages.length === 0) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, 50);
            this.wake.push(() => {
              clearTimeout(timer);
              resolve();
            });
          });
          continue;
        }
        let resolved: bigint | undefined;
        await eachBatch({
          batch: { topic, partition: p, messages: messages.map((m) => ({ ...m })) },
          resolveOffset: (offset) => {
            resolved = BigInt(offset) + 1n;
          },
          heartbeat: async () => undefined,
          isRunning: () => running,
          isStale: () => false,
        });
        // as kafkajs with eachBatchAutoResolve off: the next fetch starts after the last resolved offset, else at
        // the same place (the batch is read again); a new consumer of the group starts at the committed offset
        position.set(id, resolved ?? from);
      }
    };
    const runLoop = async (eachBatch: (payload: KafkaBatchLike) => Promise<void>): Promise<void> => {
      await Promise.all(topics.flatMap((topic) => this.topic(topic).map((_, p) => partitionLoop(topic, p, eachBatch))));
    };

    return {
      connect: async () => undefined,
      subscribe: async (subscription) => {
        topics = [...subscription.topics];
      },
      run: async (runConfig) => {
        running = true;
        loop = runLoop(runConfig.eachBatch);
      },
      commitOffsets: async (offsets) => {
        for (const o of offsets) this.committed.set(`${group}/${o.topic}/${o.partition}`, BigInt(o.offset));
      },
      disconnect: async () => {
        running = false;
        for (const w of this.wake) w();
        await loop;
      },
    };
  }
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}
