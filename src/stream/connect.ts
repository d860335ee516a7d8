/** A broker URL and the worker's flags to a connected Transport: nats://, redis:// (rediss://) or kafka://. */
import { hostname } from 'node:os';
import { DadError, OptionError } from '../core/errors.ts';
import { KafkaTransport, type KafkaLike } from './kafka.ts';
import { NatsTransport } from './nats.ts';
import { RedisTransport } from './redis.ts';
import type { BrokerKind, Transport } from './transport.ts';

export interface BrokerSpec {
  broker: string;
  /** NATS input subject */
  subject?: string | undefined;
  /** Redis input stream key */
  stream?: string | undefined;
  /** Kafka input topic */
  topic?: string | undefined;
  /** results subject / stream / topic; default `<input>.scores` */
  results?: string | undefined;
  /** NATS durable consumer name, Redis / Kafka consumer group; default 'dad-worker' */
  group?: string | undefined;
  /** Redis consumer name; default `<host>-<pid>` */
  consumer?: string | undefined;
  /** NATS: redelivery after this long without ack; Redis: claim entries pending this long; ms */
  ackWaitMs?: number | undefined;
  /** the worker's batch size: NATS buffers twice this many messages ahead */
  batch?: number | undefined;
  /** Kafka client to use instead of kafkajs (tests) */
  kafka?: KafkaLike | undefined;
}

export const DEFAULT_GROUP = 'dad-worker';

/**
 * The broker failed while the worker ran (connection lost beyond the client's retries, a publish never confirmed).
 * Exit code 1, not 2: nothing for the user to fix in the command; a supervisor restarts the worker, and the
 * unacknowledged batch is delivered again.
 */
export class BrokerError extends DadError {
  override readonly exitCode: number = 1;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BrokerError';
  }
}

export function brokerKind(url: string): BrokerKind {
  const scheme = /^([a-z]+):\/\//i.exec(url)?.[1]?.toLowerCase();
  if (scheme === 'nats' || scheme === 'tls') return 'nats';
  if (scheme === 'redis' || scheme === 'rediss') return 'redis';
  if (scheme === 'kafka') return 'kafka';
  throw new OptionError(`--broker must be a nats://, redis:// or kafka:// URL (for example nats://127.0.0.1:4222). Got '${url}'.`);
}

/** The input name the broker kind needs, checked: the flag that names it is the one the message asks for. */
export function inputName(spec: BrokerSpec): string {
  const kind = brokerKind(spec.broker);
  const [flag, value] = kind === 'nats' ? ['--subject', spec.subject] : kind === 'redis' ? ['--stream', spec.stream] : ['--topic', spec.topic];
  if (value === undefined || value === '') throw new OptionError(`A ${kind} broker needs ${flag} <name>: where the worker reads its input.`);
  return value;
}

export async function connectTransport(spec: BrokerSpec): Promise<Transport> {
  const kind = brokerKind(spec.broker);
  const input = inputName(spec);
  const results = spec.results ?? `${input}.scores`;
  const group = spec.group ?? DEFAULT_GROUP;
  if (kind === 'nats') {
    return NatsTransport.connect({ url: spec.broker, subject: input, results, durable: group,
      ...(spec.ackWaitMs !== undefined ? { ackWaitMs: spec.ackWaitMs } : {}),
      ...(spec.batch !== undefined ? { prefetch: Math.max(512, 2 * spec.batch) } : {}),
    });
  }
  if (kind === 'redis') {
    return RedisTransport.connect({
      url: spec.broker, stream: input, results, group,
      consumer: spec.consumer ?? `${hostname()}-${process.pid}`,
      ...(spec.ackWaitMs !== undefined ? { claimIdleMs: spec.ackWaitMs } : {}),
    });
  }
  return KafkaTransport.connect({ url: spec.broker, topic: input, results, group, ...(spec.kafka ? { kafka: spec.kafka } : {}) });
}
