import { InputError, ModelFileError, ShapeError } from '../../core/errors.ts';
import { checkMatrix, column, createMatrix, type Matrix } from '../../core/matrix.ts';
import { asSeries, type Series } from '../../timeseries/series.ts';
import { type BaseOptions, Detector, type DetectorState, stateArray } from '../detector.ts';

/**
 * The time-series detector contract. A series is a T × C matrix (a row per timestamp, a column per channel), so a
 * series detector is a Detector (registry, thresholds, model files, CLI all apply) whose rows are not independent:
 * `fit(X)` learns from a training series and returns a score per timestamp; `score(X)` scores a whole series (each
 * timestamp in the context of its own series, with the model fixed at fit). Beyond the tabular contract:
 *
 * - `detect(series)` gives the score per timestamp and a score per channel (T × C), so that a user can see which
 *   signal was abnormal; `trainingChannelScores` holds the training ones.
 * - Streaming detectors also implement `StreamingDetector`: `scoreOne` then `learnOne`, one timestamp at a time, no
 *   look-ahead (NAB's setting; bench/nab.ts drives them).
 *
 * A detector writes `fitSeries` / `scoreSeries`. Deep forecasters and reconstructors plug in here: their per-channel
 * errors are the channel scores, and `src/timeseries/thresholds` (telemanom's dynamic threshold) applies to them.
 */
export interface SeriesScores {
  /** one score per timestamp, higher = more anomalous */
  scores: Float64Array;
  /** T × C: each channel's own score */
  channels: Matrix;
}

/** Learning one timestamp at a time. `value`: a number (one channel) or the channels' values at that timestamp. */
export interface StreamingDetector {
  scoreOne(value: number | ArrayLike<number>): number;
  learnOne(value: number | ArrayLike<number>): void;
  /** forgets everything learned */
  reset(): void;
}

export function isStreaming(d: unknown): d is StreamingDetector {
  const s = d as Partial<StreamingDetector> | null;
  return s !== null && typeof s === 'object' && typeof s.scoreOne === 'function' && typeof s.learnOne === 'function';
}

export abstract class SeriesDetector<O extends BaseOptions = BaseOptions> extends Detector<O> {
  /** T × C channel scores of the training series */
  trainingChannelScores: Matrix = createMatrix(0, 0);

  /** Per-timestamp and per-channel scores of a series (a Series or its T × C matrix). */
  detect(input: Series | Matrix): SeriesScores {
    this.checkFitted();
    const { values } = asSeries(input);
    checkMatrix(values, `${this.name}.detect`, { minRows: 1, features: this.nFeatures });
    const out = this.scoreSeries(values);
    checkScores(out, values, `${this.name}.detect`);
    return out;
  }

  /** Learns from a Series (or its matrix); as fit. */
  fitSeriesData(input: Series | Matrix): this {
    return this.fit(asSeries(input).values);
  }

  protected fitModel(X: Matrix): Float64Array {
    const out = this.fitSeries(X);
    checkScores(out, X, `${this.name}.fit`);
    this.trainingChannelScores = out.channels;
    return out.scores;
  }

  protected scoreModel(X: Matrix): Float64Array {
    const out = this.scoreSeries(X);
    checkScores(out, X, `${this.name}.score`);
    return out.scores;
  }

  /** Learns from the training series X (validated: finite, at least minTrainingRows rows); returns its scores. */
  protected abstract fitSeries(X: Matrix): SeriesScores;
  /** Scores the series X (validated; same channel count as at fit). Must not learn. */
  protected abstract scoreSeries(X: Matrix): SeriesScores;
}

function checkScores(out: SeriesScores, X: Matrix, where: string): void {
  if (out.scores.length !== X.rows || out.channels.rows !== X.rows || out.channels.cols !== X.cols) {
    throw new Error(`${where}: produced ${out.scores.length} scores and ${out.channels.rows} × ${out.channels.cols} channel scores for a ${X.rows} × ${X.cols} series (a bug).`);
  }
}

/** The learned state of one channel's model, for detectors that treat channels one at a time. */
export interface ChannelModel {
  /** learns one channel's training values; returns their scores */
  fit(values: Float64Array): Float64Array;
  /** scores one channel's values; must not learn */
  score(values: Float64Array): Float64Array;
  save(): DetectorState;
  load(state: DetectorState): void;
}

/**
 * A univariate method run on every channel separately. The timestamp score of a single-channel series is the
 * channel's own score; with several channels, each channel's scores are put on a common scale by the median and
 * inter-quartile range of its training scores ((s − median) / IQR), and the timestamp score is the largest of them,
 * so that one abnormal signal is enough and the channel that carries it is the one that shows.
 */
export abstract class ChannelwiseDetector<O extends BaseOptions = BaseOptions> extends SeriesDetector<O> {
  protected models: ChannelModel[] = [];
  protected center: Float64Array = new Float64Array(0);
  protected scale: Float64Array = new Float64Array(0);

  protected abstract createChannelModel(): ChannelModel;

  protected fitSeries(X: Matrix): SeriesScores {
    this.models = [];
    this.center = new Float64Array(X.cols);
    this.scale = new Float64Array(X.cols);
    const channels = createMatrix(X.rows, X.cols);
    for (let c = 0; c < X.cols; c++) {
      const model = this.createChannelModel();
      const s = model.fit(column(X, c));
      this.models.push(model);
      setColumn(channels, c, s);
      const sorted = Float64Array.from(s).sort();
      const q = (p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * (sorted.length - 1)))]!;
      this.center[c] = q(0.5);
      const iqr = q(0.75) - q(0.25);
      this.scale[c] = iqr > 0 ? iqr : (sorted[sorted.length - 1]! - sorted[0]!) || 1;
    }
    return { scores: this.combine(channels), channels };
  }

  protected scoreSeries(X: Matrix): SeriesScores {
    const channels = createMatrix(X.rows, X.cols);
    for (let c = 0; c < X.cols; c++) setColumn(channels, c, this.models[c]!.score(column(X, c)));
    return { scores: this.combine(channels), channels };
  }

  private combine(channels: Matrix): Float64Array {
    const out = new Float64Array(channels.rows);
    for (let i = 0; i < channels.rows; i++) out[i] = this.combineRow(channels.data.subarray(i * channels.cols, (i + 1) * channels.cols));
    return out;
  }

  /** One timestamp's score from its channel scores (raw maximum while no training scale is known). */
  protected combineRow(scores: Float64Array): number {
    if (scores.length === 1) return scores[0]!;
    let best = -Infinity;
    for (let c = 0; c < scores.length; c++) {
      const scale = this.scale.length === scores.length ? this.scale[c]! : 1;
      const center = this.center.length === scores.length ? this.center[c]! : 0;
      best = Math.max(best, (scores[c]! - center) / scale);
    }
    return best;
  }

  protected saveModel(): DetectorState {
    const params: Record<string, unknown> = { channels: this.models.length };
    const arrays: DetectorState['arrays'] = { center: this.center, scale: this.scale };
    this.models.forEach((m, c) => {
      const s = m.save();
      params[`channel${c}`] = s.params;
      for (const [k, v] of Object.entries(s.arrays)) arrays[`channel${c}.${k}`] = v;
    });
    return { params, arrays };
  }

  protected loadModel(state: DetectorState): void {
    const count = Number(state.params.channels);
    if (!Number.isInteger(count) || count < 1) throw new ModelFileError(`The saved state of '${this.name}' has no channel count.`);
    this.center = stateArray(state, 'center', 'f64', count);
    this.scale = stateArray(state, 'scale', 'f64', count);
    this.models = [];
    for (let c = 0; c < count; c++) {
      const prefix = `channel${c}.`;
      const arrays: DetectorState['arrays'] = {};
      for (const [k, v] of Object.entries(state.arrays)) if (k.startsWith(prefix)) arrays[k.slice(prefix.length)] = v;
      const model = this.createChannelModel();
      model.load({ params: (state.params[`channel${c}`] ?? {}) as Record<string, unknown>, arrays });
      this.models.push(model);
    }
  }
}

function setColumn(m: Matrix, c: number, values: Float64Array): void {
  if (values.length !== m.rows) throw new ShapeError(`A channel model returned ${values.length} scores for ${m.rows} values (a bug).`);
  for (let i = 0; i < m.rows; i++) m.data[i * m.cols + c] = values[i]!;
}

/** The channel values at one timestamp, as an array; `expected` channels (undefined: any). */
export function pointValues(value: number | ArrayLike<number>, expected: number | undefined, where: string): Float64Array {
  const v = typeof value === 'number' ? Float64Array.of(value) : Float64Array.from(value);
  if (expected !== undefined && v.length !== expected) throw new ShapeError(`${where}: expected ${expected} channel value(s). Got ${v.length} instead.`);
  for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i]!)) throw new InputError(`${where}: channel ${i} is ${v[i]}; values must be finite numbers.`);
  return v;
}
