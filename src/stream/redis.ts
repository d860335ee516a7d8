/**
 * Redis Streams adapter. Input: a consumer group on the input stream (created at the stream's start, with the stream,
 * when missing): XREADGROUP hands each entry to one consumer of the group, XACK removes it from the group's pending
 * entries list. Recovery: a worker first re-reads its own pending entries (XREADGROUP … 0: what it had read and not
 * acknowledged when it died, if it restarts under the same consumer name), then, every `claimIdleMs`, claims with
 * XAUTOCLAIM the entries other consumers left pending longer than that (a worker that died and never came back).
 * Output: XADD to the results stream, pipelined, before the XACK of the inputs.
 *
 * Entry fields: `data` the JSON payload, optional `key` (the online detectors' state key) and `id` (the producer's id;
 * else the entry id, which is the same on every redelivery). Results are entries with fields `id`, `data` (the result
 * JSON) and `key` when the input had one.
 */
import { hostname } from 'node:os';
import { Redis } from 'ioredis';
import { OptionError } from '../core/errors.ts';
import type { ResultMessage, StreamMessage, Transport } from './transport.ts';

export interface RedisOptions {
  /** redis://[user:password@]host:port[/db] */
  url: string;
  /** input stream key */
  stream: string;
  /** results stream key */
  results: string;
  /** consumer group: workers in one group share the stream's entries */
  group: string;
  /** this worker's name in the group; keep it across restarts to resume its own pending entries at once */
  consumer?: string;
  /** entries pending on another consumer longer than this are claimed; default 30 s */
  claimIdleMs?: number;
}

type Entry = [id: string, fields: string[] | null];

export class RedisTransport implements Transport {
  readonly describe: string;
  readonly consumer: string;
  /** re-reading this consumer's own pending entries: after this entry id; undefined once done */
  private ownPending: string | undefined = '0';
  private claimCursor = '0-0';
  private nextClaim = 0;
  private readonly entryIds = new Map<StreamMessage, string>();

  private constructor(private readonly redis: Redis, private readonly options: RedisOptions) {
    this.consumer = options.consumer ?? `${hostname()}-${process.pid}`;
    this.describe = `Redis ${redactUrl(options.url)}: stream '${options.stream}' group '${options.group}' consumer '${this.consumer}' → '${options.results}'`;
  }

  static async connect(options: RedisOptions): Promise<RedisTransport> {
    if (options.stream === options.results) throw new OptionError(`The results stream must differ from the input stream ('${options.stream}').`);
    const redis = new Redis(options.url, { lazyConnect: true, maxRetriesPerRequest: 20 });
    let lastError: Error | undefined;
    redis.on('error', (error: Error) => {
      lastError = error; // reported through the failing command instead of an unhandled event
    });
    try {
      await redis.connect().catch((error: Error) => {
        throw lastError ?? error; // ioredis rejects with 'Connection is closed'; the socket error says why
      });
      await redis.xgroup('CREATE', options.stream, options.group, '0', 'MKSTREAM').catch((error: Error) => {
        if (!/BUSYGROUP/.test(error.message)) throw error;
      });
    } catch (error) {
      redis.disconnect();
      throw error;
    }
    return new RedisTransport(redis, options);
  }

  async pull(max: number, waitMs: number): Promise<StreamMessage[]> {
    const { stream, group } = this.options;
    if (this.ownPending !== undefined) {
      const own = await this.read(['COUNT', max, 'STREAMS', stream, this.ownPending]);
      const last = own.length > 0 ? this.entryIds.get(own[own.length - 1]!) : undefined;
      this.ownPending = last;
      if (own.length > 0) return own;
    }
    if (Date.now() >= this.nextClaim) {
      const claimIdleMs = this.options.claimIdleMs ?? 30_000;
      const reply = (await this.redis.xautoclaim(stream, group, this.consumer, claimIdleMs, this.claimCursor, 'COUNT', max)) as [string, Entry[], unknown];
      this.claimCursor = reply[0];
      // a full sweep of the pending list done: look again after another idle period
      if (this.claimCursor === '0-0') this.nextClaim = Date.now() + Math.max(100, claimIdleMs / 2);
      if (reply[1].length > 0) return this.messages(reply[1]);
    }
    return this.read(['COUNT', max, 'BLOCK', Math.max(1, Math.round(waitMs)), 'STREAMS', stream, '>']);
  }

  private async read(args: (string | number)[]): Promise<StreamMessage[]> {
    const reply = (await this.redis.call('XREADGROUP', 'GROUP', this.options.group, this.consumer, ...args)) as [string, Entry[]][] | null;
    return this.messages(reply?.[0]?.[1] ?? []);
  }

  private messages(entries: Entry[]): StreamMessage[] {
    const encoder = new TextEncoder();
    return entries.map(([entryId, fields]) => {
      const f = new Map<string, string>();
      for (let i = 0; fields !== null && i + 1 < fields.length; i += 2) f.set(fields[i]!, fields[i + 1]!);
      const id = f.get('id') ?? entryId;
      const key = f.get('key');
      const data = f.get('data');
      const message: StreamMessage = { id, payload: encoder.encode(data ?? ''), ...(key !== undefined ? { key } : {}) };
      if (fields === null) message.problem = `stream entry ${entryId} was deleted (trimmed) before it was processed`;
      else if (data === undefined) message.problem = `stream entry ${entryId} has no 'data' field (fields: ${[...f.keys()].join(', ') || 'none'})`;
      this.entryIds.set(message, entryId);
      return message;
    });
  }

  async publish(results: readonly ResultMessage[]): Promise<void> {
    if (results.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const r of results) {
      pipeline.xadd(this.options.results, '*', 'id', r.id, 'data', r.body, ...(r.key !== undefined ? ['key', r.key] : []));
    }
    const replies = await pipeline.exec();
    const failed = replies?.find(([error]) => error !== null);
    if (failed) throw failed[0];
  }

  async ack(messages: readonly StreamMessage[]): Promise<void> {
    const ids = messages.map((m) => this.entryIds.get(m)).filter((id): id is string => id !== undefined);
    for (const m of messages) this.entryIds.delete(m);
    if (ids.length > 0) await this.redis.xack(this.options.stream, this.options.group, ...ids);
  }

  async close(): Promise<void> {
    // entries read and not acknowledged stay pending under this consumer name: a restart re-reads them, others claim them
    this.entryIds.clear();
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

export function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//…@');
}
