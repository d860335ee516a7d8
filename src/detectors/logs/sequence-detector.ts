/**
 * The contract of log detectors: they learn from and score sessions — sequences of log keys (template ids, integers
 * ≥ 0) — rather than rows of numbers, and they can say which positions of an anomalous session were unexpected.
 *
 * A SequenceDetector IS a Detector, so thresholds, labels, probabilities, snapshots, the registry and model files
 * (src/model-io) all work unchanged. Sessions travel through the Matrix interface as a padded matrix: one session a
 * row, keys left-aligned, padded with −1 (`sessionsToMatrix`); `fitSessions` / `scoreSessions` do that for the
 * caller. Two differences from tabular detectors: `score` accepts any number of columns (sessions of any length), and
 * `nFeatures` is the number of distinct keys learned at fit, since the padded width means nothing.
 *
 * Every detector keeps a vocabulary of the keys seen at fit: it maps a key to an index 1…V, and every key never seen
 * to 0, "unknown" — in logs a new template is itself a sign of an anomaly.
 */
import { InputError } from '../../core/errors.ts';
import { checkMatrix, createMatrix, type Matrix } from '../../core/matrix.ts';
import { type BaseOptions, Detector, type DetectorState, type Labels, stateArray } from '../detector.ts';

export type KeySequence = ArrayLike<number>;

/** One position of a session that a detector found unexpected. */
export interface UnexpectedEvent {
  /** 0-based position in the session */
  position: number;
  key: number;
  /** why, in words: "not among the 9 most likely next keys", "never seen in training", "count 3, expected 1" */
  reason: string;
}

export const PADDING = -1;

/** Sessions as a padded matrix (−1 after each session's end); an InputError names a session with a bad key. */
export function sessionsToMatrix(sessions: readonly KeySequence[]): Matrix {
  let width = 1;
  for (const s of sessions) width = Math.max(width, s.length);
  const X = createMatrix(sessions.length, width);
  X.data.fill(PADDING);
  sessions.forEach((s, i) => {
    for (let t = 0; t < s.length; t++) {
      const k = s[t]!;
      if (!Number.isInteger(k) || k < 0) throw new InputError(`Session ${i}, position ${t}: the log key is ${k}; keys must be integers ≥ 0.`);
      X.data[i * width + t] = k;
    }
  });
  return X;
}

/** The sessions of a padded matrix; an InputError names a cell that is neither a key nor trailing padding. */
export function matrixToSessions(X: Matrix, what: string): Int32Array[] {
  const out: Int32Array[] = [];
  for (let i = 0; i < X.rows; i++) {
    const row = X.data.subarray(i * X.cols, (i + 1) * X.cols);
    let length = row.indexOf(PADDING);
    if (length < 0) length = X.cols;
    for (let t = 0; t < X.cols; t++) {
      const v = row[t]!;
      const ok = t < length ? Number.isInteger(v) && v >= 0 : v === PADDING;
      if (!ok) throw new InputError(`${what}: session ${i}, position ${t} is ${v}; expected a log key (integer ≥ 0)${t >= length ? ' or −1 padding up to the row end' : ''}.`);
    }
    out.push(Int32Array.from(row.subarray(0, length)));
  }
  return out;
}

export abstract class SequenceDetector<O extends BaseOptions = BaseOptions> extends Detector<O> {
  /** keys seen at fit, sorted; key `vocabulary[i]` has index i + 1 */
  protected vocabulary: Int32Array = new Int32Array(0);
  private indexOfKey = new Map<number, number>();

  /** Learns from sessions (and labels, for detectors that use them: 1 = anomalous session). */
  fitSessions(sessions: readonly KeySequence[], y?: Labels): this {
    return this.fit(sessionsToMatrix(sessions), y);
  }

  /** Anomaly scores of sessions, higher = more anomalous. */
  scoreSessions(sessions: readonly KeySequence[]): Float64Array {
    return sessions.length === 0 ? new Float64Array(0) : this.score(sessionsToMatrix(sessions));
  }

  predictSessions(sessions: readonly KeySequence[]): Uint8Array {
    return this.labelsFor(this.scoreSessions(sessions));
  }

  /** The positions of a session that the model did not expect, most telling first. */
  explainSession(session: KeySequence): UnexpectedEvent[] {
    this.checkFitted();
    const [s] = matrixToSessions(sessionsToMatrix([session]), `${this.name}.explainSession`);
    return this.explainSequence(s!);
  }

  override fit(X: Matrix, y?: Labels): this {
    super.fit(X, y);
    this.nFeatures = this.vocabulary.length;
    return this;
  }

  /** As Detector.score, except that sessions may be of any length (the padded width is free). */
  override score(X: Matrix): Float64Array {
    this.checkFitted();
    checkMatrix(X, `${this.name}.score`, { minRows: 0 });
    if (X.rows === 0) return new Float64Array(0);
    const scores = this.scoreModel(X);
    for (let i = 0; i < scores.length; i++) {
      if (!Number.isFinite(scores[i]!)) throw new Error(`${this.name}.score: session ${i} scored ${scores[i]} — a bug, or training diverged.`);
    }
    return scores;
  }

  /** Number of known keys plus the unknown index 0. */
  protected get keyCount(): number {
    return this.vocabulary.length + 1;
  }

  /** Index 1…V of a key seen at fit, 0 for an unknown one. */
  protected keyIndex(key: number): number {
    return this.indexOfKey.get(key) ?? 0;
  }

  protected indexSession(session: Int32Array): Int32Array {
    return session.map((k) => this.keyIndex(k));
  }

  protected learnVocabulary(sessions: readonly Int32Array[]): void {
    const keys = new Set<number>();
    for (const s of sessions) for (const k of s) keys.add(k);
    this.setVocabulary(Int32Array.from([...keys].sort((a, b) => a - b)));
  }

  protected vocabularyState(): DetectorState['arrays'] {
    return { vocabulary: this.vocabulary };
  }

  protected loadVocabulary(state: DetectorState): void {
    this.setVocabulary(Int32Array.from(stateArray(state, 'vocabulary', 'i32')));
  }

  private setVocabulary(vocabulary: Int32Array): void {
    this.vocabulary = vocabulary;
    this.indexOfKey = new Map(Array.from(vocabulary, (k, i) => [k, i + 1]));
  }

  protected fitModel(X: Matrix, y?: Uint8Array): Float64Array {
    const sessions = matrixToSessions(X, `${this.name}.fit`);
    this.learnVocabulary(sessions);
    return this.fitSequences(sessions, y);
  }

  protected scoreModel(X: Matrix): Float64Array {
    return this.scoreSequences(matrixToSessions(X, `${this.name}.score`));
  }

  /** Learns from sessions (vocabulary already learned) and returns their training scores. */
  protected abstract fitSequences(sessions: Int32Array[], y?: Uint8Array): Float64Array;
  protected abstract scoreSequences(sessions: Int32Array[]): Float64Array;
  protected abstract explainSequence(session: Int32Array): UnexpectedEvent[];
}
