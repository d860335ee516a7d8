/**
 * What a worker does with a micro-batch: the messages' JSON payloads (an object of feature values, read through the
 * model's table schema as `dad score` reads a file's rows, or an array of the model's features in order) scored by a
 * saved model, one result per message, in order: `{id, key?, score, label, model, version}`, or
 * `{id, key?, error, model, version}` for a message that cannot be scored — never a crash, never a message dropped.
 *
 * A batch detector (IForest, ECOD, autoencoders, …) scores the good rows of a batch together; when one row fails, the
 * batch is split in halves until the bad rows are alone, so one bad message costs a few extra calls, not a row-by-row
 * batch. An online detector (Half-Space Trees, RRCF, contextual novelty, anomaly likelihood: those with scoreOne /
 * learnOne) scores each message then learns it, in arrival order, with one state per message key (KeyedStates).
 */
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { isDadError } from '../core/errors.ts';
import type { Matrix } from '../core/matrix.ts';
import { transformFromJSON, type Transform } from '../data/index.ts';
import { isPlainRecord } from '../data/records.ts';
import { isStreaming } from '../detectors/timeseries/series-detector.ts';
import { decodeModel } from '../model-io/index.ts';
import { readFileBytes } from '../model-io/read-bytes.ts';
import { Pipeline, type PipelinePreprocessing } from '../pipeline/pipeline.ts';
import { matrixFromRows, type RequestRow } from '../server/rows.ts';
import { KeyedStates } from './keyed-state.ts';
import { payloadText, type ResultMessage, type StreamMessage } from './transport.ts';

export interface WorkerModel {
  /** the file name without a `.dad` extension */
  name: string;
  /** sha256 of the model file, first 16 hex digits (as `dad serve` reports it) */
  version: string;
  pipeline: Pipeline;
  /** scaling of the pipeline, applied before an online detector's scoreOne */
  transform: Transform | undefined;
  bytes: Uint8Array;
  online: boolean;
}

export async function loadWorkerModel(path: string): Promise<WorkerModel> {
  const bytes = await readFileBytes(path, 'Model');
  const saved = decodeModel(bytes, path);
  const pipeline = Pipeline.fromParts(saved.detector, saved.preprocessing, path);
  const pre = saved.preprocessing as Partial<PipelinePreprocessing> | undefined;
  const transform = pre?.scale !== undefined && pre.scale !== 'none' ? transformFromJSON(pre.transform) : undefined;
  const file = basename(path);
  return {
    name: file.endsWith('.dad') && file.length > 4 ? file.slice(0, -4) : file,
    version: createHash('sha256').update(bytes).digest('hex').slice(0, 16),
    pipeline,
    transform,
    bytes,
    online: isStreaming(saved.detector),
  };
}

interface Parsed {
  message: StreamMessage;
  row?: RequestRow;
  error?: string;
  score?: number;
  label?: number;
}

export interface ScorerOptions {
  /** online detectors: most keys held in memory (least recently used dropped beyond); default 10,000 */
  maxKeys?: number;
}

export class Scorer {
  /** per-key states of an online model; undefined for a batch model */
  readonly states: KeyedStates | undefined;
  /** results so far that carry an error instead of a score */
  errors = 0;

  constructor(readonly model: WorkerModel, options: ScorerOptions = {}) {
    this.states = model.online ? new KeyedStates(model.bytes, { name: model.name, version: model.version }, options.maxKeys) : undefined;
  }

  /** One result per message, in order. */
  score(messages: readonly StreamMessage[]): ResultMessage[] {
    const parsed = messages.map(parse);
    const good = parsed.filter((p) => p.error === undefined);
    if (good.length > 0) {
      if (this.states !== undefined) this.scoreOnline(good);
      else this.scoreRows(good);
    }
    return parsed.map((p) => this.result(p));
  }

  private result(p: Parsed): ResultMessage {
    const { id, key } = p.message;
    const head = key === undefined ? { id } : { id, key };
    if (p.error !== undefined) this.errors++;
    const body = p.error !== undefined
      ? { ...head, error: p.error, model: this.model.name, version: this.model.version }
      : { ...head, score: p.score, label: p.label, model: this.model.name, version: this.model.version };
    return key === undefined ? { id, body: JSON.stringify(body) } : { id, key, body: JSON.stringify(body) };
  }

  /** Batch detectors: all rows in one call; on failure, halves until the failing rows are alone. */
  private scoreRows(rows: Parsed[]): void {
    const { pipeline } = this.model;
    try {
      const X = this.matrix(rows);
      const scores = pipeline.score({ X, features: pipeline.features });
      const labels = pipeline.labelsFor(scores);
      rows.forEach((r, i) => setScore(r, scores[i]!, labels[i]!));
    } catch (error) {
      if (rows.length === 1) {
        rows[0]!.error = reason(error);
        return;
      }
      const half = rows.length >> 1;
      this.scoreRows(rows.slice(0, half));
      this.scoreRows(rows.slice(half));
    }
  }

  /** Online detectors: each message scored, then learned, by its key's state, in order. */
  private scoreOnline(rows: Parsed[]): void {
    const X = this.onlineMatrix(rows);
    if (X === undefined) return;
    const d = X.cols;
    rows.forEach((r, i) => {
      if (r.error !== undefined) return;
      try {
        const state = this.states!.get(r.message.key ?? '');
        const x = X.data.subarray(i * d, (i + 1) * d);
        const score = state.scoreOne(x);
        state.learnOne(x);
        setScore(r, score, state.labelsFor([score])[0]!);
      } catch (error) {
        r.error = reason(error);
      }
    });
  }

  /** The rows as one (scaled) matrix; rows that cannot be read get their error and a zero row. */
  private onlineMatrix(rows: Parsed[]): Matrix | undefined {
    const d = this.model.pipeline.features.length;
    const data = new Float64Array(rows.length * d);
    const fill = (from: number, part: Parsed[]): void => {
      try {
        data.set(this.matrix(part).data, from * d);
      } catch (error) {
        if (part.length === 1) {
          part[0]!.error = reason(error);
          return;
        }
        const half = part.length >> 1;
        fill(from, part.slice(0, half));
        fill(from + half, part.slice(half));
      }
    };
    fill(0, rows);
    if (rows.every((r) => r.error !== undefined)) return undefined;
    return { rows: rows.length, cols: d, data };
  }

  private matrix(rows: readonly Parsed[]): Matrix {
    const X = matrixFromRows(this.model.pipeline, rows.map((r) => r.row!), messageRange(rows));
    return this.states !== undefined && this.model.transform !== undefined ? this.model.transform.transform(X) : X;
  }
}

function setScore(r: Parsed, score: number, label: number): void {
  if (!Number.isFinite(score)) {
    r.error = `the model gave a non-finite score (${score}) for this message`;
    return;
  }
  r.score = score;
  r.label = label;
}

function parse(message: StreamMessage): Parsed {
  if (message.problem !== undefined) return { message, error: message.problem };
  let value: unknown;
  try {
    value = JSON.parse(payloadText(message));
  } catch (error) {
    return { message, error: `the payload is not valid JSON: ${(error as Error).message}` };
  }
  if (!isPlainRecord(value) && !Array.isArray(value)) {
    return { message, error: `the payload must be a JSON object of feature values or an array of numbers; got ${value === null ? 'null' : typeof value}` };
  }
  return { message, row: value };
}

function messageRange(rows: readonly Parsed[]): string {
  return rows.length === 1 ? `message ${rows[0]!.message.id}` : `messages ${rows[0]!.message.id}…${rows[rows.length - 1]!.message.id}`;
}

function reason(error: unknown): string {
  // input problems are the sender's to fix; anything else is named as our failure, still as a result, not a crash
  return isDadError(error) ? (error as Error).message : `internal error while scoring: ${(error as Error)?.message ?? String(error)}`;
}
