// Stream workers: score messages from NATS JetStream, Redis Streams or Kafka with a saved model, at-least-once.
export { BrokerError, brokerKind, connectTransport, DEFAULT_GROUP, type BrokerSpec } from './connect.ts';
export { FakeKafka } from './kafka-fake.ts';
export { KafkaTransport, type KafkaLike, type KafkaOptions } from './kafka.ts';
export { KeyedStates } from './keyed-state.ts';
export { NatsTransport, type NatsOptions } from './nats.ts';
export { RedisTransport, type RedisOptions } from './redis.ts';
export { loadWorkerModel, Scorer, type WorkerModel } from './scorer.ts';
export type { ResultMessage, Sink, Source, StreamMessage, Transport } from './transport.ts';
export { runWorker, type WorkerOptions, type WorkerStats } from './worker.ts';
