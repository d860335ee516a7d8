/**
 * Anomaly likelihood — the post-processing of Numenta's HTM detector (Ahmad, Lavin, Purdy & Agha, "Unsupervised
 * real-time anomaly detection for streaming data", Neurocomputing 262, 2017, section 4.2; code: numenta/nupic
 * `src/nupic/algorithms/anomaly_likelihood.py`, used by numenta/NAB `nab/detectors/numenta/numenta_detector.py`).
 *
 * Idea: a raw anomaly score (here: any streaming detector's, ideally in [0, 1]) is noisy and its level differs from
 * stream to stream, so it is judged against its own recent history. The mean of the last `averagingWindow` raw scores
 * (short term) is compared with a normal distribution fitted to the moving averages of the last `historicWindowSize`
 * raw scores (long term, re-fitted every `reestimationPeriod` values); the likelihood is one minus the tail
 * probability of the short-term mean. As in nupic: the fitted mean and variance are floored at 0.03 and 0.0003; a
 * stream whose values barely vary (variance below 1.5e-5) gets the null distribution (mean 0.5, stdev 1000); a run of
 * tail probabilities at or below 1e-5 reports 1e-3 after its first; the first `learningPeriod + estimationSamples`
 * values report 0.5; the first `learningPeriod` values are left out of the fit until they leave the history window.
 * The reported score is NAB's log-scaled likelihood log(1.0000000001 − L) / log(1e-10), in [0, 1], so that the
 * corpus-wide threshold sweep can tell 0.9999 from 0.99999. NAB's HTM detector also reports 1 for a value more than
 * `spatialTolerance` × (seen range) outside the range of the values seen so far; 0 turns that off.
 *
 * `AnomalyLikelihood` is the bare streaming computation; the registered detector `anomaly-likelihood` wraps any
 * streaming detector of the registry (`base`, `baseOptions`): scoreOne scores a value without changing anything,
 * learnOne commits it (base first scores, then learns it).
 */
import { z } from 'zod';
import { InputError, ModelFileError, OptionError } from '../../core/errors.ts';
import type { Matrix } from '../../core/matrix.ts';
import { baseOptionsSchema, Detector, type DetectorInfo, type DetectorSnapshot, type DetectorState } from '../detector.ts';
import { createDetector } from '../registry.ts';
import { normalUpperTail } from '../../core/normal-tail.ts';
import type { StreamingDetector } from './series-detector.ts';

export interface LikelihoodSettings {
  learningPeriod: number;
  estimationSamples: number;
  historicWindowSize: number;
  reestimationPeriod: number;
  averagingWindow: number;
}

export const NUPIC_LIKELIHOOD: LikelihoodSettings = { learningPeriod: 288, estimationSamples: 100, historicWindowSize: 8640, reestimationPeriod: 100, averagingWindow: 10 };

interface Distribution {
  mean: number;
  stdev: number;
}

const NULL_DISTRIBUTION: Distribution = { mean: 0.5, stdev: 1e3 };
const RED = 1 - 0.99999;
const YELLOW = 1 - 0.999;

/** NAB's log scale: log(1.0000000001 − L) / log(1e-10). */
export function logLikelihood(likelihood: number): number {
  return Math.log(1.0000000001 - likelihood) / -23.02585084720009;
}

/** nupic's tailProbability: mirrored about the mean, 0.5 · erfc(z / 1.4142). */
export function tailProbability(x: number, d: Distribution): number {
  const xp = x < d.mean ? 2 * d.mean - x : x;
  const z = (xp - d.mean) / d.stdev;
  // 0.5 · erfc(z / 1.4142) = Q(z · √2 / 1.4142)
  return normalUpperTail((z * Math.SQRT2) / 1.4142);
}

function meanVariance(a: ArrayLike<number>, from: number): { mean: number; variance: number } {
  const n = a.length - from;
  let s = 0;
  for (let i = from; i < a.length; i++) s += a[i]!;
  const mean = s / n;
  let v = 0;
  for (let i = from; i < a.length; i++) v += (a[i]! - mean) ** 2;
  return { mean, variance: v / n };
}

/** The streaming anomaly likelihood of nupic's `AnomalyLikelihood` (values and raw scores, one at a time). */
export class AnomalyLikelihood {
  private iteration = 0;
  /** the last historicWindowSize (value, raw score) pairs */
  private values: number[] = [];
  private raws: number[] = [];
  private distribution: Distribution | undefined;
  /** moving-average window (raw scores) and its running total, as of the last committed value */
  private window: number[] = [];
  private total = 0;
  /** the last raw (unfiltered) tail probability */
  private lastTail: number | undefined;

  constructor(readonly settings: LikelihoodSettings = NUPIC_LIKELIHOOD) {}

  private get probation(): number {
    return this.settings.learningPeriod + this.settings.estimationSamples;
  }

  /** Whether the next value re-fits the distribution. */
  private refits(): boolean {
    return this.distribution === undefined || this.iteration % this.settings.reestimationPeriod === 0;
  }

  /** Re-fits the distribution to the history (nupic's estimateAnomalyLikelihoods); resets the moving average and last tail. */
  private estimate(): void {
    const { learningPeriod, historicWindowSize, averagingWindow } = this.settings;
    const shiftedOut = Math.max(0, this.iteration - historicWindowSize);
    const skip = Math.min(this.iteration, Math.max(0, learningPeriod - shiftedOut));
    const n = this.raws.length;
    const averages = new Float64Array(n);
    let window: number[] = [];
    let total = 0;
    for (let i = 0; i < n; i++) {
      if (window.length === averagingWindow) total -= window.shift()!;
      window.push(this.raws[i]!);
      total += this.raws[i]!;
      averages[i] = total / window.length;
    }
    let d: Distribution;
    if (n <= skip) {
      d = NULL_DISTRIBUTION;
    } else {
      const { mean, variance } = meanVariance(averages, skip);
      const m = Math.max(mean, 0.03);
      const v = Math.max(variance, 0.0003);
      d = { mean: m, stdev: Math.sqrt(v) };
      if (meanVariance(this.values, skip).variance < 1.5e-5) d = NULL_DISTRIBUTION;
    }
    this.distribution = d;
    this.window = window;
    this.total = total;
    this.lastTail = n > 0 ? tailProbability(averages[n - 1]!, d) : undefined;
  }

  /** The likelihood of the next value with raw score `raw`, and the state it would leave. */
  private step(raw: number): { likelihood: number; tail?: number; window?: number[]; total?: number } {
    if (this.iteration < this.probation) return { likelihood: 0.5 };
    if (this.refits()) this.estimate();
    const window = this.window.slice();
    let total = this.total;
    if (window.length === this.settings.averagingWindow) total -= window.shift()!;
    window.push(raw);
    total += raw;
    const tail = tailProbability(total / window.length, this.distribution!);
    const filtered = tail <= RED && this.lastTail !== undefined && this.lastTail <= RED ? YELLOW : tail;
    return { likelihood: 1 - filtered, tail, window, total };
  }

  /** The likelihood (in [0, 1]) of a value with raw score `raw`, without learning it. */
  peek(raw: number): number {
    return this.step(raw).likelihood;
  }

  /** The likelihood of a value with raw score `raw`; learns it. */
  update(value: number, raw: number): number {
    const s = this.step(raw);
    if (s.window !== undefined) {
      this.window = s.window;
      this.total = s.total!;
      this.lastTail = s.tail;
    }
    this.values.push(value);
    this.raws.push(raw);
    if (this.values.length > this.settings.historicWindowSize) {
      this.values.shift();
      this.raws.shift();
    }
    this.iteration += 1;
    return s.likelihood;
  }

  reset(): void {
    this.iteration = 0;
    this.values = [];
    this.raws = [];
    this.distribution = undefined;
    this.window = [];
    this.total = 0;
    this.lastTail = undefined;
  }

  save(): DetectorState {
    const d = this.distribution;
    return {
      params: { iteration: this.iteration, total: this.total, lastTail: this.lastTail ?? null, mean: d?.mean ?? null, stdev: d?.stdev ?? null },
      arrays: { values: Float64Array.from(this.values), raws: Float64Array.from(this.raws), window: Float64Array.from(this.window) },
    };
  }

  load(state: DetectorState): void {
    const { values, raws, window } = state.arrays;
    if (!(values instanceof Float64Array) || !(raws instanceof Float64Array) || !(window instanceof Float64Array)) {
      throw new ModelFileError('anomaly likelihood: expected Float64Array arrays values, raws and window.');
    }
    const p = state.params;
    this.iteration = Number(p.iteration);
    this.total = Number(p.total);
    this.lastTail = p.lastTail === null || p.lastTail === undefined ? undefined : Number(p.lastTail);
    this.distribution = p.mean === null || p.mean === undefined ? undefined : { mean: Number(p.mean), stdev: Number(p.stdev) };
    this.values = Array.from(values);
    this.raws = Array.from(raws);
    this.window = Array.from(window);
  }
}

const schema = baseOptionsSchema.extend({
  base: z.string().default('contextual-novelty').describe('Registry name of the streaming detector whose raw scores are post-processed.'),
  baseOptions: z.record(z.string(), z.unknown()).default({}).describe("The base detector's options."),
  learningPeriod: z.number().int().min(0).default(288).describe('Values left out of the first fits (nupic: 288).'),
  estimationSamples: z.number().int().min(1).default(100).describe('Values after the learning period before the first likelihood (nupic: 100).'),
  historicWindowSize: z.number().int().min(2).default(8640).describe('Raw scores the long-term distribution is fitted to (nupic: 8640).'),
  reestimationPeriod: z.number().int().min(1).default(100).describe('Values between re-fits of the long-term distribution (nupic: 100).'),
  averagingWindow: z.number().int().min(1).default(10).describe('Raw scores in the short-term mean (nupic: 10).'),
  spatialTolerance: z.number().min(0).default(0.05).describe("NAB HTM's spatial anomaly: a value this share of the seen range beyond it scores 1; 0: off."),
  logScale: z.boolean().default(true).describe("Report NAB's log-scaled likelihood (true) or the likelihood itself."),
}).strict();

export type AnomalyLikelihoodOptions = z.input<typeof schema>;

export class AnomalyLikelihoodDetector extends Detector<z.output<typeof schema>> implements StreamingDetector {
  static readonly schema = schema;
  static readonly info: DetectorInfo = {
    name: 'anomaly-likelihood',
    title: 'Anomaly likelihood',
    modality: 'timeseries',
    family: 'probabilistic',
    supervision: ['unsupervised'],
    paper: 'Ahmad et al., Neurocomputing 2017 (Numenta anomaly likelihood)',
    summary: "Any streaming detector's raw scores judged against their own history: short-term mean vs a rolling Gaussian of past scores.",
  };

  private baseDetector: Detector & StreamingDetector;
  private likelihood: AnomalyLikelihood;
  private min = Infinity;
  private max = -Infinity;
  /** the raw score computed by the last scoreOne, reused by learnOne of the same value */
  private pending: { value: number; raw: number } | undefined;

  constructor(options: AnomalyLikelihoodOptions = {}) {
    super(schema, options);
    this.baseDetector = this.createBase();
    const o = this.options;
    this.likelihood = new AnomalyLikelihood({
      learningPeriod: o.learningPeriod,
      estimationSamples: o.estimationSamples,
      historicWindowSize: o.historicWindowSize,
      reestimationPeriod: o.reestimationPeriod,
      averagingWindow: o.averagingWindow,
    });
  }

  private createBase(): Detector & StreamingDetector {
    if (this.options.base === 'anomaly-likelihood') throw new OptionError("anomaly-likelihood: the base cannot be 'anomaly-likelihood' itself.");
    const d = createDetector(this.options.base, this.options.baseOptions) as Detector & Partial<StreamingDetector>;
    if (typeof d.scoreOne !== 'function' || typeof d.learnOne !== 'function' || typeof d.reset !== 'function') {
      throw new OptionError(`anomaly-likelihood: the base detector '${this.options.base}' does not stream (scoreOne / learnOne / reset).`);
    }
    return d as Detector & StreamingDetector;
  }

  private spatial(value: number): boolean {
    const tol = this.options.spatialTolerance;
    if (tol === 0 || !(this.max > this.min)) return false;
    const margin = (this.max - this.min) * tol;
    return value > this.max + margin || value < this.min - margin;
  }

  private finalScore(value: number, likelihood: number): number {
    if (this.spatial(value)) return 1;
    return this.options.logScale ? logLikelihood(likelihood) : likelihood;
  }

  scoreOne(value: number | ArrayLike<number>): number {
    const v = scalar(value);
    const raw = this.baseDetector.scoreOne(v);
    this.pending = { value: v, raw };
    return this.finalScore(v, this.likelihood.peek(raw));
  }

  learnOne(value: number | ArrayLike<number>): void {
    const v = scalar(value);
    const raw = this.pending !== undefined && Object.is(this.pending.value, v) ? this.pending.raw : this.baseDetector.scoreOne(v);
    this.pending = undefined;
    this.likelihood.update(v, raw);
    this.baseDetector.learnOne(v);
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
  }

  reset(): void {
    this.baseDetector.reset();
    this.likelihood.reset();
    this.min = Infinity;
    this.max = -Infinity;
    this.pending = undefined;
  }

  protected fitModel(X: Matrix): Float64Array {
    checkOneSeries(X);
    this.reset();
    const out = new Float64Array(X.rows);
    for (let i = 0; i < X.rows; i++) {
      out[i] = this.scoreOne(X.data[i]!);
      this.learnOne(X.data[i]!);
    }
    // the base is fitted (a snapshot needs it) with the state the stream left: fit(X) replays the same stream
    this.baseDetector.fit(X);
    return out;
  }

  /** Scores each value against the fitted state, without learning (rows are independent, as the contract asks). */
  protected scoreModel(X: Matrix): Float64Array {
    checkOneSeries(X);
    return Float64Array.from(X.data, (v) => {
      const s = this.scoreOne(v);
      this.pending = undefined;
      return s;
    });
  }

  protected saveModel(): DetectorState {
    const { arrays: baseArrays, ...baseRest } = this.baseDetector.snapshot();
    const l = this.likelihood.save();
    const arrays: DetectorState['arrays'] = {};
    for (const [k, v] of Object.entries(baseArrays)) arrays[`base.${k}`] = v;
    for (const [k, v] of Object.entries(l.arrays)) arrays[`likelihood.${k}`] = v;
    return { params: { base: JSON.parse(JSON.stringify(baseRest)), likelihood: l.params, min: this.min, max: this.max }, arrays };
  }

  protected loadModel(state: DetectorState): void {
    const base = state.params.base as Omit<DetectorSnapshot, 'arrays'> | undefined;
    if (base === undefined || typeof base.detector !== 'string') throw new ModelFileError('anomaly-likelihood: the saved state lacks its base detector.');
    const part = (prefix: string): DetectorState['arrays'] => {
      const out: DetectorState['arrays'] = {};
      for (const [k, v] of Object.entries(state.arrays)) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = v;
      return out;
    };
    this.baseDetector = this.createBase();
    this.baseDetector.restore({ ...base, arrays: part('base.') } as DetectorSnapshot);
    this.likelihood.load({ params: state.params.likelihood as Record<string, unknown>, arrays: part('likelihood.') });
    this.min = state.params.min === null ? Infinity : Number(state.params.min);
    this.max = state.params.max === null ? -Infinity : Number(state.params.max);
    this.pending = undefined;
  }

  protected override minTrainingRows(): number {
    return 1;
  }
}

function scalar(value: number | ArrayLike<number>): number {
  const v = typeof value === 'number' ? value : value.length === 1 ? value[0]! : NaN;
  if (!Number.isFinite(v)) throw new InputError(`anomaly-likelihood: takes one finite value per timestamp. Got ${typeof value === 'number' ? value : `${value.length} values`} instead.`);
  return v;
}

function checkOneSeries(X: Matrix): void {
  if (X.cols !== 1) throw new InputError(`anomaly-likelihood: takes one series, a matrix with 1 column. Got ${X.cols} columns instead.`);
}
