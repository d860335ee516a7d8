/**
 * The base of log detectors that read a session as its event-count vector (loglizer's event-count matrix): column 0
 * counts keys never seen at fit, column i the key of index i. A subclass supplies the scorer of count rows; the base
 * turns sessions into counts (optionally TF-IDF weighted, as loglizer's PCA preprocessing) and explains a session by
 * which keys' counts raise its score: for each key present, the score with that key's count set back to its training
 * median — the keys whose removal lowers the score most are the unexpected ones.
 */
import { createMatrix, type Matrix } from '../../core/matrix.ts';
import type { DetectorState } from '../detector.ts';
import { type BaseOptions } from '../detector.ts';
import { stateArray } from '../detector.ts';
import { SequenceDetector, type UnexpectedEvent } from './sequence-detector.ts';

export interface CountOptions extends BaseOptions {
  weighting: 'none' | 'tfidf';
}

export abstract class CountVectorDetector<O extends CountOptions = CountOptions> extends SequenceDetector<O> {
  private idf: Float64Array = new Float64Array(0);
  private medians: Float64Array = new Float64Array(0);

  /** Learns from count rows (weighted as the options say) and returns their scores. */
  protected abstract fitCounts(X: Matrix, y?: Uint8Array): Float64Array;
  protected abstract scoreCounts(X: Matrix): Float64Array;
  protected abstract saveCounts(): DetectorState;
  protected abstract loadCounts(state: DetectorState): void;

  /** Count rows of sessions, weighted; the same transform at fit and score. */
  protected counts(sessions: readonly Int32Array[]): Matrix {
    const d = this.keyCount;
    const X = createMatrix(sessions.length, d);
    sessions.forEach((s, i) => {
      for (const k of s) X.data[i * d + this.keyIndex(k)]! += 1;
    });
    return X;
  }

  private weigh(X: Matrix): Matrix {
    if (this.options.weighting === 'none') return X;
    const d = X.cols;
    const out = createMatrix(X.rows, d);
    for (let i = 0; i < X.rows; i++) for (let j = 0; j < d; j++) out.data[i * d + j] = X.data[i * d + j]! * this.idf[j]!;
    return out;
  }

  protected fitSequences(sessions: Int32Array[], y?: Uint8Array): Float64Array {
    const X = this.counts(sessions);
    const d = X.cols;
    this.idf = new Float64Array(d);
    this.medians = new Float64Array(d);
    const column = new Float64Array(X.rows);
    for (let j = 0; j < d; j++) {
      let present = 0;
      for (let i = 0; i < X.rows; i++) {
        column[i] = X.data[i * d + j]!;
        if (column[i]! > 0) present++;
      }
      // scikit-learn's smoothed idf, log((1 + N) / (1 + df)) + 1: loglizer's log(N / df) is 0 for a key present in every
      // session, which zeroes the vectors of sessions made only of such keys; a key unseen at fit weighs most
      this.idf[j] = Math.log((1 + X.rows) / (1 + present)) + 1;
      column.sort();
      this.medians[j] = column[Math.floor((X.rows - 1) / 2)]!;
    }
    return this.fitCounts(this.weigh(X), y);
  }

  protected scoreSequences(sessions: Int32Array[]): Float64Array {
    return this.scoreCounts(this.weigh(this.counts(sessions)));
  }

  protected explainSequence(session: Int32Array): UnexpectedEvent[] {
    const X = this.counts([session]);
    const d = X.cols;
    const present = [...new Set(session.map((k) => this.keyIndex(k)))];
    const variants = createMatrix(present.length + 1, d);
    for (let r = 0; r <= present.length; r++) variants.data.set(X.data, r * d);
    present.forEach((j, r) => { variants.data[(r + 1) * d + j] = this.medians[j]!; });
    const scores = this.scoreCounts(this.weigh(variants));
    const drops = present.map((j, r) => ({ j, drop: scores[0]! - scores[r + 1]! }));
    const top = Math.max(0, ...drops.map((x) => x.drop));
    const flagged = new Set(drops.filter((x) => x.j === 0 || (top > 0 && x.drop >= 0.5 * top)).map((x) => x.j));
    const out: UnexpectedEvent[] = [];
    session.forEach((key, position) => {
      const j = this.keyIndex(key);
      if (!flagged.has(j)) return;
      out.push({ position, key, reason: j === 0 ? 'never seen in training' : `count ${X.data[j]} where training sessions have ${this.medians[j]}` });
    });
    return out;
  }

  protected saveModel(): DetectorState {
    const inner = this.saveCounts();
    return {
      params: inner.params,
      arrays: { ...inner.arrays, ...this.vocabularyState(), countIdf: this.idf, countMedians: this.medians },
    };
  }

  protected loadModel(state: DetectorState): void {
    this.loadVocabulary(state);
    this.idf = stateArray(state, 'countIdf', 'f64', this.keyCount);
    this.medians = stateArray(state, 'countMedians', 'f64', this.keyCount);
    this.loadCounts(state);
  }
}
