/**
 * The one interface a stream worker sees of a broker: a Source it pulls micro-batches of messages from and
 * acknowledges, and a Sink it publishes results to. Each adapter (NATS JetStream, Redis Streams, Kafka) implements
 * both, and one contract test suite (contract.test.ts) holds them to the same behaviour:
 *
 * - `pull(max, waitMs)` returns up to `max` messages, or none after about `waitMs` when the stream is idle.
 * - A message pulled and not acknowledged is delivered again — to this worker after a restart, or to another worker
 *   of the same group — with the same `id`. That is what makes the worker at-least-once: it acknowledges a batch only
 *   after `publish` of its results has been confirmed by the broker, so a crash anywhere before the ack means the
 *   batch is scored again (a duplicate result, never a lost one).
 * - `id` is stable across redeliveries (a producer-given id where the broker carries one, else the broker's own
 *   position of the message), so a consumer of results drops duplicates by id.
 */

/** One input message. `payload` is the message body (the worker reads it as JSON). */
export interface StreamMessage {
  id: string;
  /** partition / entity key: online detectors keep one state per key */
  key?: string;
  payload: Uint8Array;
  /** set by an adapter when the broker delivered something that has no payload to score (the worker publishes it as an error result) */
  problem?: string;
}

/** One result to publish: its body is JSON; `id` and `key` travel as broker metadata too where the broker has it. */
export interface ResultMessage {
  id: string;
  key?: string;
  body: string;
}

export interface Source {
  /** Up to `max` messages; an empty array when none arrived within about `waitMs`. */
  pull(max: number, waitMs: number): Promise<StreamMessage[]>;
  /** Acknowledges messages returned by `pull` (after their results were published). */
  ack(messages: readonly StreamMessage[]): Promise<void>;
}

export interface Sink {
  /** Publishes results; resolves once the broker has stored every one of them. */
  publish(results: readonly ResultMessage[]): Promise<void>;
}

/** A connected broker adapter: source and sink at once. */
export interface Transport extends Source, Sink {
  /** what the worker logs: the broker, where it reads and where it writes */
  readonly describe: string;
  /**
   * Disconnects. Messages pulled and not acknowledged are handed back for redelivery where the broker allows it
   * (NATS: nak; Kafka: not committed); otherwise they are redelivered after the broker's timeout.
   */
  close(): Promise<void>;
}

export const BROKER_KINDS = ['nats', 'redis', 'kafka'] as const;
export type BrokerKind = (typeof BROKER_KINDS)[number];

const decoder = new TextDecoder();

/** The payload as text (for error messages and JSON parsing). */
export function payloadText(message: StreamMessage): string {
  return decoder.decode(message.payload);
}
