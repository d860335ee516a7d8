/**
 * NATS JetStream adapter. Input: a durable pull consumer with explicit acks on the stream that holds the input subject
 * (created when missing), so workers sharing the durable name share the work and a restarted worker resumes where
 * the acknowledged ones end; a message not acknowledged within `ackWaitMs` is delivered again. Output: results are
 * published with JetStream (each publish waits for the stream's PubAck, so a result is stored before its input is
 * acknowledged) to the results subject, on a stream created for it when none holds it.
 *
 * Ids: the producer's `Nats-Msg-Id` header when set (JetStream also drops duplicate publishes of it), else
 * `<stream>:<sequence>`, the message's position in its stream — the same on every redelivery. The key is the
 * `Dad-Key` header. Results carry `Nats-Msg-Id: result:<id>`, so JetStream drops a duplicate result published within
 * the stream's duplicate window (2 minutes by default); consumers should still drop duplicates by id.
 */
import {
  AckPolicy, connect, DeliverPolicy, headers, nanos, StorageType,
  type ConsumerMessages, type JetStreamClient, type JetStreamManager, type JsMsg, type NatsConnection,
} from 'nats';
import { OptionError } from '../core/errors.ts';
import { PullQueue } from './queue.ts';
import type { ResultMessage, StreamMessage, Transport } from './transport.ts';

export interface NatsOptions {
  /** nats://host:port (a comma-separated list for a cluster) */
  url: string;
  /** input subject */
  subject: string;
  /** results subject */
  results: string;
  /** durable consumer name: workers with the same name share the stream's messages */
  durable: string;
  /** time the server waits for an ack before redelivering; default 30 s */
  ackWaitMs?: number;
  /** messages buffered ahead of the worker; default 512 */
  prefetch?: number;
}

export const KEY_HEADER = 'Dad-Key';
const ID_HEADER = 'Nats-Msg-Id';
const NAK_DELAY_MS = 500;
const PUBLISH_TIMEOUT_MS = 30_000;

export class NatsTransport implements Transport {
  readonly describe: string;
  private readonly queue = new PullQueue<JsMsg>();
  private readonly inFlight = new Map<StreamMessage, JsMsg>();
  private consuming: Promise<void> | undefined;
  private closing = false;
  private failure: Error | undefined;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly stream: string,
    private readonly options: NatsOptions,
    private messages: ConsumerMessages,
  ) {
    this.describe = `NATS ${options.url}: stream '${stream}' subject '${options.subject}' (durable '${options.durable}') → '${options.results}'`;
    this.consuming = this.pump();
  }

  static async connect(options: NatsOptions): Promise<NatsTransport> {
    if (options.subject === options.results) throw new OptionError(`The results subject must differ from the input subject ('${options.subject}').`);
    const nc = await connect({ servers: options.url.split(','), name: `dad worker ${options.durable}`, maxReconnectAttempts: -1 });
    try {
      const jsm = await nc.jetstreamManager({ timeout: PUBLISH_TIMEOUT_MS });
      const stream = await ensureStream(jsm, options.subject);
      const resultsStream = await ensureStream(jsm, options.results);
      if (resultsStream === stream && subjectMatches(options.subject, options.results)) {
        throw new OptionError(`The results subject '${options.results}' is stored in the input stream '${stream}' and matches the input subject '${options.subject}': the worker would read its own results. Choose a results subject outside it.`);
      }
      await ensureConsumer(jsm, stream, options);
      // a loaded server can take seconds to confirm a publish; waiting is better than a retry that duplicates results
      const js = nc.jetstream({ timeout: PUBLISH_TIMEOUT_MS });
      const consumer = await js.consumers.get(stream, options.durable);
      const messages = await consumer.consume({ max_messages: options.prefetch ?? 512 });
      return new NatsTransport(nc, js, stream, options, messages);
    } catch (error) {
      await nc.close().catch(() => undefined);
      throw error;
    }
  }

  private async pump(): Promise<void> {
    try {
      for await (const m of this.messages) this.queue.push(m);
      if (!this.closing) this.failure = new Error(`the JetStream consumer '${this.options.durable}' on stream '${this.stream}' stopped delivering (deleted?)`);
    } catch (error) {
      this.failure = error as Error;
    }
    this.queue.close();
  }

  async pull(max: number, waitMs: number): Promise<StreamMessage[]> {
    const batch = await this.queue.take(max, waitMs);
    if (batch.length === 0 && this.failure !== undefined) throw this.failure;
    return batch.map((m) => {
      const key = m.headers?.get(KEY_HEADER);
      const id = m.headers?.get(ID_HEADER) || `${this.stream}:${m.seq}`;
      const message: StreamMessage = key ? { id, key, payload: m.data } : { id, payload: m.data };
      this.inFlight.set(message, m);
      return message;
    });
  }

  async publish(results: readonly ResultMessage[]): Promise<void> {
    const encoder = new TextEncoder();
    await Promise.all(results.map((r) => {
      const h = headers();
      if (r.key !== undefined) h.set(KEY_HEADER, r.key);
      return this.js.publish(this.options.results, encoder.encode(r.body), { msgID: `result:${r.id}`, headers: h });
    }));
  }

  async ack(messages: readonly StreamMessage[]): Promise<void> {
    for (const message of messages) {
      this.inFlight.get(message)?.ack();
      this.inFlight.delete(message);
    }
    // acks are fire-and-forget; a flush round trip means the server has read them before we call the batch done
    await this.nc.flush();
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.messages.close();
    await this.consuming;
    // Hand back what was pulled or buffered but not acknowledged, for prompt redelivery. With a short delay: the
    // server may still hold this connection's pull request for a moment, and a redelivery to it would wait ack_wait.
    for (const m of [...this.inFlight.values(), ...this.queue.drain()]) m.nak(NAK_DELAY_MS);
    this.inFlight.clear();
    await this.nc.drain().catch(() => undefined);
  }
}

/** The stream that holds `subject`, created (file storage) when none does. */
async function ensureStream(jsm: JetStreamManager, subject: string): Promise<string> {
  try {
    return await jsm.streams.find(subject);
  } catch {
    const name = streamNameFor(subject);
    await jsm.streams.add({ name, subjects: [subject], storage: StorageType.File });
    return name;
  }
}

/** NATS subject matching: `*` one token, `>` the rest. */
export function subjectMatches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const t = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return t.length > i;
    if (i >= t.length || (p[i] !== '*' && p[i] !== t[i])) return false;
  }
  return p.length === t.length;
}

export function streamNameFor(subject: string): string {
  return `DAD_${subject.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

async function ensureConsumer(jsm: JetStreamManager, stream: string, options: NatsOptions): Promise<void> {
  const ackWait = nanos(options.ackWaitMs ?? 30_000);
  try {
    const info = await jsm.consumers.info(stream, options.durable);
    if (info.config.ack_wait !== ackWait) await jsm.consumers.update(stream, options.durable, { ack_wait: ackWait });
    return;
  } catch (error) {
    if (!/consumer not found/i.test((error as Error).message)) throw error;
  }
  await jsm.consumers.add(stream, {
    durable_name: options.durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    filter_subject: options.subject,
    ack_wait: ackWait,
    max_ack_pending: 65_536,
  });
}
