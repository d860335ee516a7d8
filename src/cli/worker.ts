/**
 * `dad worker --broker <url> --model <file>`: scores a broker's messages with a saved model and publishes one result per
 * message, at-least-once (src/stream/). NATS JetStream (--subject), Redis Streams (--stream) or Kafka (--topic).
 * SIGTERM / SIGINT: the batch in hand is finished (scored, published, acknowledged), online state snapshotted, then
 * the worker disconnects and exits 0. A second SIGINT exits at once (the batch is redelivered).
 */
import type { Command } from 'commander';
import { InputError, isDadError, OptionError } from '../core/errors.ts';
import { BrokerError, brokerKind, connectTransport, DEFAULT_GROUP, inputName } from '../stream/connect.ts';
import { redactUrl } from '../stream/redis.ts';
import { loadWorkerModel, Scorer } from '../stream/scorer.ts';
import { runWorker } from '../stream/worker.ts';

interface WorkerFlags {
  broker: string;
  model: string;
  subject?: string;
  stream?: string;
  topic?: string;
  results?: string;
  group?: string;
  consumer?: string;
  batch: string;
  ackWait: string;
  state?: string;
  snapshotEvery: string;
  maxKeys: string;
  quiet?: boolean;
}

export function registerWorker(program: Command): Command {
  return program
    .command('worker')
    .description('score messages from NATS JetStream, Redis Streams or Kafka with a saved model; publish {id, score, label, model, version} per message (at-least-once)')
    .requiredOption('--broker <url>', 'nats://host:port, redis://host:port or kafka://host:port[,host:port…]')
    .requiredOption('-m, --model <file>', 'model file written by `dad fit` or `dad detect --save`')
    .option('--subject <subject>', 'NATS: input subject (its JetStream stream is created when none holds it)')
    .option('--stream <key>', 'Redis: input stream key')
    .option('--topic <topic>', 'Kafka: input topic')
    .option('--results <name>', 'results subject / stream / topic (default: <input>.scores)')
    .option('--group <name>', 'NATS durable consumer / Redis or Kafka consumer group; workers with the same group share the input', DEFAULT_GROUP)
    .option('--consumer <name>', 'Redis: this worker\'s name in the group; keep it across restarts (default: <host>-<pid>)')
    .option('--batch <n>', 'most messages per micro-batch', '256')
    .option('--ack-wait <seconds>', 'NATS: redeliver a message not acknowledged this long; Redis: claim entries another consumer left pending this long', '30')
    .option('--state <file>', 'online detectors (half-space-trees, rrcf, …): snapshot of the per-key state, read at start, written atomically')
    .option('--snapshot-every <seconds>', 'time between state snapshots (one is also written at shutdown)', '30')
    .option('--max-keys <n>', 'online detectors: most keys kept in memory (least recently used dropped beyond)', '10000')
    .addHelpText('after', [
      '',
      'Input: each message\'s body is JSON — an object of feature values (the training file\'s columns) or an array of the',
      'model\'s features in order. Ids: NATS Nats-Msg-Id header, Redis field `id`, Kafka header `id` (else the broker\'s',
      'position of the message). Keys for online state: NATS header Dad-Key, Redis field `key`, Kafka message key.',
      'A message that cannot be scored gets {id, error, model, version}. See docs/workers.md.',
    ].join('\n'))
    .action(async (_flags: unknown, self: Command) => worker(self.optsWithGlobals<WorkerFlags>()));
}

async function worker(flags: WorkerFlags): Promise<void> {
  const note = (line: string): void => {
    if (flags.quiet !== true) process.stderr.write(`dad worker: ${line}\n`);
  };
  const batch = wholeNumber(flags.batch, '--batch', 1, 100_000);
  const ackWaitMs = positiveSeconds(flags.ackWait, '--ack-wait') * 1000;
  const snapshotEveryMs = positiveSeconds(flags.snapshotEvery, '--snapshot-every') * 1000;
  const maxKeys = wholeNumber(flags.maxKeys, '--max-keys', 1, 10_000_000);
  const spec = { broker: flags.broker, subject: flags.subject, stream: flags.stream, topic: flags.topic, results: flags.results, group: flags.group, consumer: flags.consumer, ackWaitMs, batch };
  brokerKind(flags.broker);
  inputName(spec); // bad flags fail before the model is loaded

  // handlers first: a stop asked for while the model loads or the broker connects ends the worker cleanly too
  const stop = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stop.signal.aborted) {
      if (signal === 'SIGINT') process.exit(130);
      return;
    }
    note(`${signal}: finishing the batch in hand, then stopping`);
    stop.abort();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  try {
    await serve(flags, spec, batch, snapshotEveryMs, maxKeys, stop.signal, note);
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  }
}

async function serve(flags: WorkerFlags, spec: Parameters<typeof connectTransport>[0], batch: number, snapshotEveryMs: number, maxKeys: number, signal: AbortSignal, note: (line: string) => void): Promise<void> {
  const model = await loadWorkerModel(flags.model);
  const scorer = new Scorer(model, { maxKeys });
  note(`model '${model.name}' version ${model.version} (${model.pipeline.detector.name}${model.online ? ', online: state per key' : ''})`);
  if (scorer.states !== undefined) {
    if (flags.state === undefined) note('no --state file: per-key state starts from the saved model and is not kept across restarts');
    else {
      const loaded = await scorer.states.load(flags.state);
      note('restored' in loaded ? `resumed ${loaded.restored} key state(s) from ${flags.state}` : `starting from the saved model: ${loaded.skipped}`);
    }
  }

  let transport;
  try {
    transport = await connectTransport(spec);
  } catch (error) {
    if (isDadError(error)) throw error;
    throw new InputError(`Cannot use the broker at ${redactUrl(flags.broker)}: ${(error as Error).message}`, { cause: error });
  }
  note(`reading ${transport.describe}; batches of ${batch}`);

  try {
    const stats = await runWorker({
      transport, scorer, batch, signal, snapshotEveryMs, log: note,
      ...(flags.state !== undefined ? { statePath: flags.state } : {}),
    });
    note(`stopped: ${stats.messages} message(s) in ${stats.batches} batch(es), ${stats.errors} error result(s), ${stats.snapshots} snapshot(s), ${stats.seconds.toFixed(1)} s`);
  } catch (error) {
    if (isDadError(error)) throw error;
    throw new BrokerError(`The broker failed (${redactUrl(flags.broker)}): ${(error as Error).message}. Unacknowledged messages will be delivered again; restart the worker.`, { cause: error });
  } finally {
    await transport.close().catch((error: Error) => note(`closing the broker connection failed: ${error.message}`));
  }
}

function wholeNumber(text: string, flag: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) throw new OptionError(`${flag} must be a whole number from ${min} to ${max}. Got '${text}' instead.`);
  return n;
}

function positiveSeconds(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new OptionError(`${flag} must be a positive number of seconds. Got '${text}' instead.`);
  return n;
}
