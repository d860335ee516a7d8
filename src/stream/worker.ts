/**
 * The worker loop: pull a micro-batch, score it, publish its results, and only then acknowledge it. Every way of
 * stopping keeps that order: a crash before the ack leaves the batch to be delivered again (at-least-once; its
 * results may then be published twice, with the same ids), and a stop request (SIGTERM) lets the batch in hand finish
 * — scored, published, acknowledged — before the snapshot of online state and the disconnect.
 */
import { Scorer } from './scorer.ts';
import type { Transport } from './transport.ts';

export interface WorkerOptions {
  transport: Transport;
  scorer: Scorer;
  /** most messages per micro-batch; default 256 */
  batch?: number;
  /** longest wait for a message before looking at the stop signal again, ms; default 500 */
  waitMs?: number;
  /** stop after the batch in hand */
  signal?: AbortSignal;
  /** online detectors: where their per-key state is snapshotted */
  statePath?: string;
  /** time between snapshots, ms; default 30 s (and one at every stop) */
  snapshotEveryMs?: number;
  /** a failed publish is retried this many times (with backoff) before the worker gives up; default 5 */
  publishRetries?: number;
  log?: (line: string) => void;
}

export interface WorkerStats {
  messages: number;
  batches: number;
  /** results that carry an error instead of a score */
  errors: number;
  snapshots: number;
  seconds: number;
}

export async function runWorker(options: WorkerOptions): Promise<WorkerStats> {
  const { transport, scorer } = options;
  const batch = options.batch ?? 256;
  const waitMs = options.waitMs ?? 500;
  const snapshotEveryMs = options.snapshotEveryMs ?? 30_000;
  const log = options.log ?? (() => undefined);
  const stats: WorkerStats = { messages: 0, batches: 0, errors: 0, snapshots: 0, seconds: 0 };
  const began = performance.now();
  let lastSnapshot = Date.now();
  const errorsBefore = scorer.errors;

  const snapshot = async (): Promise<void> => {
    if (scorer.states === undefined || options.statePath === undefined) return;
    lastSnapshot = Date.now();
    try {
      if (await scorer.states.save(options.statePath)) stats.snapshots++;
    } catch (error) {
      // scoring goes on: the previous snapshot is intact (atomic write), and the next one tries again
      log(`state snapshot to ${options.statePath} failed: ${(error as Error).message}`);
    }
  };

  while (options.signal?.aborted !== true) {
    const messages = await transport.pull(batch, waitMs);
    if (messages.length > 0) {
      const results = scorer.score(messages);
      await publishWithRetry(transport, results, options.publishRetries ?? 5, log);
      await transport.ack(messages);
      stats.messages += messages.length;
      stats.batches++;
    }
    if (Date.now() - lastSnapshot >= snapshotEveryMs) await snapshot();
  }
  await snapshot();
  stats.errors = scorer.errors - errorsBefore;
  stats.seconds = (performance.now() - began) / 1000;
  return stats;
}

async function publishWithRetry(transport: Transport, results: Parameters<Transport['publish']>[0], retries: number, log: (line: string) => void): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await transport.publish(results);
      return;
    } catch (error) {
      if (attempt >= retries) throw new Error(`could not publish results after ${attempt + 1} attempts: ${(error as Error).message}`, { cause: error });
      const delay = Math.min(5000, 200 * 2 ** attempt);
      log(`publishing results failed (${(error as Error).message}); retrying in ${delay} ms`);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
