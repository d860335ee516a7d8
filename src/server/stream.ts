/**
 * NDJSON in, NDJSON out: each input line is one row (an object or an array, as in /score), each output line the
 * result for it, in order — `{line, score, label}` or `{line, error}` for a line that cannot be scored (the stream goes
 * on). Lines are scored in batches of what has arrived (up to `batch` rows at a time), so a client that sends one line
 * and waits gets its answer, and a bulk upload is scored at batch speed. The model is the version current when the
 * stream opened, for the whole stream. Output waits for the client to read (backpressure), so a slow reader slows the
 * stream instead of filling memory.
 */
import type { StreamingApi } from 'hono/utils/stream';
import { isPlainRecord } from '../data/records.ts';
import { explainPipeline, topPipelineFeatures } from '../explain/index.ts';
import type { LoadedModel } from './model-store.ts';
import { matrixFromRows, type RequestRow } from './rows.ts';

export interface StreamOptions {
  /** rows per scoring call at most */
  batch: number;
  /** longest accepted line, in bytes */
  maxLineBytes: number;
  /** top features of each anomaly (the model must have an exact explanation) */
  explainTop: number | undefined;
  onRows: (count: number) => void;
}

/** A line waiting for its result: a row to score, or already an error (kept in line so results stay in order). */
interface Pending {
  line: number;
  row?: RequestRow;
  error?: string;
}

export async function scoreStream(model: LoadedModel, body: ReadableStream<Uint8Array> | null, out: StreamingApi, options: StreamOptions): Promise<void> {
  if (body === null) return;
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let carry = '';
  let skipping = false; // inside a line that was too long: drop bytes until its end
  let lineNumber = 0;
  let pending: Pending[] = [];
  const output: string[] = [];

  const emit = async (): Promise<void> => {
    if (output.length === 0) return;
    const text = output.join('');
    output.length = 0;
    await out.write(text);
  };
  const flush = async (): Promise<void> => {
    while (pending.length > 0) {
      const batch = pending.slice(0, options.batch);
      pending = pending.slice(batch.length);
      const rows = batch.filter((p) => p.error === undefined);
      const scored = rows.length > 0 ? scoreBatch(model, rows, options) : [];
      let k = 0;
      for (const p of batch) {
        const result = p.error === undefined ? scored[k++] : { line: p.line, error: p.error };
        output.push(`${JSON.stringify(result)}\n`);
      }
      await emit();
    }
  };
  const takeLine = (text: string): void => {
    lineNumber++;
    const trimmed = text.trim();
    if (trimmed === '') return;
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch (error) {
      pending.push({ line: lineNumber, error: `not valid JSON: ${(error as Error).message}` });
      return;
    }
    if (!isPlainRecord(value) && !Array.isArray(value)) {
      pending.push({ line: lineNumber, error: 'expected a row: a JSON object or an array of numbers' });
      return;
    }
    pending.push({ line: lineNumber, row: value });
  };

  for (;;) {
    if (out.aborted || out.closed) {
      await reader.cancel().catch(() => undefined);
      return;
    }
    const { done, value } = await reader.read();
    let text = done ? decoder.decode() : decoder.decode(value, { stream: true });
    while (text.length > 0) {
      const newline = text.indexOf('\n');
      const piece = newline < 0 ? text : text.slice(0, newline);
      text = newline < 0 ? '' : text.slice(newline + 1);
      if (skipping) {
        if (newline >= 0) skipping = false;
        continue;
      }
      if (carry.length + piece.length > options.maxLineBytes) {
        lineNumber++;
        pending.push({ line: lineNumber, error: `line longer than ${options.maxLineBytes} bytes` });
        carry = '';
        skipping = newline < 0;
        continue;
      }
      if (newline < 0) carry += piece;
      else {
        takeLine(carry + piece);
        carry = '';
        if (pending.length >= options.batch) await flush();
      }
    }
    if (done) {
      if (carry !== '' && !skipping) takeLine(carry);
      await flush();
      await emit();
      return;
    }
    await flush(); // score what has arrived before waiting for more
    await emit();
  }
}

/** Results for a batch: scored together when every row is good, else row by row so that one bad line fails alone. */
function scoreBatch(model: LoadedModel, batch: Pending[], options: StreamOptions): Record<string, unknown>[] {
  try {
    return scoreRows(model, batch, options);
  } catch (error) {
    if (batch.length === 1) return [{ line: batch[0]!.line, error: (error as Error).message }];
    return batch.flatMap((p) => scoreBatch(model, [p], options));
  }
}

function scoreRows(model: LoadedModel, batch: Pending[], options: StreamOptions): Record<string, unknown>[] {
  const { pipeline } = model;
  const X = matrixFromRows(pipeline, batch.map((p) => p.row!), `line ${batch[0]!.line}${batch.length > 1 ? `–${batch[batch.length - 1]!.line}` : ''}`);
  const scores = pipeline.score({ X, features: pipeline.features });
  const labels = pipeline.labelsFor(scores);
  options.onRows(batch.length);
  const results: Record<string, unknown>[] = batch.map((p, i) => ({ line: p.line, score: scores[i], label: labels[i] }));
  if (options.explainTop !== undefined && labels.some((l) => l === 1)) {
    const explanation = explainPipeline(pipeline, X, { method: 'exact' });
    topPipelineFeatures(explanation, options.explainTop).forEach((top, i) => {
      if (labels[i] === 1) results[i]!.top_features = top;
    });
  }
  return results;
}
