/**
 * Contextual novelty — a cheap streaming sequence memory in the spirit of NAB's contextual detectors: HTM's raw score
 * (Ahmad et al., Neurocomputing 2017: the share of the current input's active columns that were not predicted from
 * its context) and CAD-OSE / KNN-CAD (Smirnov & Burakov's Contextual Anomaly Detector, NAB 2016: a value is normal
 * when its context has been seen leading to it). Here the encoding is tile coding (Sutton & Barto, ch. 9.5.4):
 * `tilings` quantisers of the same width, each shifted by 1/tilings of a bucket, turn a value into one bucket per
 * tiling; a transition is the last `order` buckets followed by the current one, in one tiling. The raw score of a
 * value is the share of tilings in which its transition was never seen before, in [0, 1] — 0 for a value that its
 * context has led to before, 1 for a new level or a new shape. Learning counts the transition in every tiling.
 *
 * The geometry is that of NAB's HTM encoder (a random distributed scalar encoder of resolution range / 130 with 21
 * active bits, so that values within 21 resolution steps share bits): the resolution is fixed once `calibration`
 * values have been seen, (max − min) / buckets of those values (at least 0.001 of their scale), a bucket spans
 * `tilings` resolution steps and the tilings are one step apart. Until calibration values score 0 and are kept, then
 * are learned in order. Defaults (order 1, HTM's 130 / 21) were chosen among five settings by the NAB corpus score
 * (bench/nab.ts), one setting for every file. Meant as the base of `anomaly-likelihood` (NAB's setting), which judges these raw scores
 * against their own history.
 */
import { z } from 'zod';
import { InputError, ModelFileError } from '../../core/errors.ts';
import type { Matrix } from '../../core/matrix.ts';
import { baseOptionsSchema, Detector, type DetectorInfo, type DetectorState } from '../detector.ts';
import type { StreamingDetector } from './series-detector.ts';

const schema = baseOptionsSchema.extend({
  tilings: z.number().int().min(1).max(64).default(21).describe('Shifted quantisers (tilings), one resolution step apart; a bucket spans this many steps (HTM encoder: 21 active bits).'),
  buckets: z.number().gt(0).default(130).describe('Resolution = range of the calibration values / buckets (NAB HTM encoder: 130).'),
  order: z.number().int().min(0).max(16).default(1).describe('Past buckets in the context of a transition (0: the bucket alone).'),
  calibration: z.number().int().min(2).default(150).describe('Values seen before the bucket width is fixed and scoring starts.'),
}).strict();

export type ContextualNoveltyOptions = z.input<typeof schema>;

export class ContextualNovelty extends Detector<z.output<typeof schema>> implements StreamingDetector {
  static readonly schema = schema;
  static readonly info: DetectorInfo = {
    name: 'contextual-novelty',
    title: 'Contextual novelty',
    modality: 'timeseries',
    family: 'probabilistic',
    supervision: ['unsupervised'],
    paper: 'after HTM (Ahmad et al. 2017) and CAD-OSE (NAB 2016); tile coding (Sutton & Barto)',
    summary: 'Share of tile-coded quantisers in which the transition from the recent values to the current one is new.',
  };

  private counts = new Map<string, number>();
  /** values kept until calibration */
  private early: number[] = [];
  private width = 0;
  private origin = 0;
  /** the last `order` buckets of each tiling, oldest first */
  private context: number[][] = [];

  constructor(options: ContextualNoveltyOptions = {}) {
    super(schema, options);
  }

  private bucket(value: number, t: number): number {
    return Math.floor((value - this.origin) / this.width + t / this.options.tilings);
  }

  private key(t: number, b: number): string {
    const ctx = this.context[t]!;
    return ctx.length === 0 ? `${t}|${b}` : `${t}|${ctx.join(',')}|${b}`;
  }

  /** The raw score of `value` (share of tilings with an unseen transition); 0 until calibrated. */
  scoreOne(value: number): number {
    checkValue(value, 'contextual-novelty.scoreOne');
    if (this.width === 0) return 0;
    const { tilings, order } = this.options;
    if (this.context[0]!.length < order) return 0;
    let unseen = 0;
    for (let t = 0; t < tilings; t++) if (!this.counts.has(this.key(t, this.bucket(value, t)))) unseen += 1;
    return unseen / tilings;
  }

  learnOne(value: number): void {
    checkValue(value, 'contextual-novelty.learnOne');
    if (this.width === 0) {
      this.early.push(value);
      if (this.early.length >= this.options.calibration) this.calibrate();
      return;
    }
    this.learnValue(value);
  }

  private calibrate(): void {
    let min = Infinity;
    let max = -Infinity;
    let scale = 0;
    for (const v of this.early) {
      min = Math.min(min, v);
      max = Math.max(max, v);
      scale = Math.max(scale, Math.abs(v));
    }
    this.width = this.options.tilings * Math.max((max - min) / this.options.buckets, 0.001 * Math.max(scale, 1e-6));
    this.origin = min;
    this.context = Array.from({ length: this.options.tilings }, () => []);
    const early = this.early;
    this.early = [];
    for (const v of early) this.learnValue(v);
  }

  private learnValue(value: number): void {
    const { tilings, order } = this.options;
    for (let t = 0; t < tilings; t++) {
      const b = this.bucket(value, t);
      const ctx = this.context[t]!;
      if (ctx.length === order) {
        const k = this.key(t, b);
        this.counts.set(k, (this.counts.get(k) ?? 0) + 1);
      }
      if (order > 0) {
        ctx.push(b);
        if (ctx.length > order) ctx.shift();
      }
    }
  }

  reset(): void {
    this.counts = new Map();
    this.early = [];
    this.width = 0;
    this.origin = 0;
    this.context = [];
  }

  protected fitModel(X: Matrix): Float64Array {
    checkOneSeries(X);
    this.reset();
    const out = new Float64Array(X.rows);
    for (let i = 0; i < X.rows; i++) {
      out[i] = this.scoreOne(X.data[i]!);
      this.learnOne(X.data[i]!);
    }
    return out;
  }

  /** Each value scored against the fitted memory and context, without learning. */
  protected scoreModel(X: Matrix): Float64Array {
    checkOneSeries(X);
    return Float64Array.from(X.data, (v) => this.scoreOne(v));
  }

  protected saveModel(): DetectorState {
    const keys = [...this.counts.keys()];
    return {
      params: { width: this.width, origin: this.origin, keys, context: this.context },
      arrays: { counts: Float64Array.from(keys, (k) => this.counts.get(k)!), early: Float64Array.from(this.early) },
    };
  }

  protected loadModel(state: DetectorState): void {
    const { counts, early } = state.arrays;
    const keys = state.params.keys;
    if (!(counts instanceof Float64Array) || !(early instanceof Float64Array) || !Array.isArray(keys) || keys.length !== counts.length) {
      throw new ModelFileError('contextual-novelty model: expected keys with their counts and the early values.');
    }
    this.counts = new Map(keys.map((k, i) => [String(k), counts[i]!]));
    this.early = Array.from(early);
    this.width = Number(state.params.width);
    this.origin = Number(state.params.origin);
    this.context = (state.params.context as number[][]).map((c) => c.map(Number));
  }

  protected override minTrainingRows(): number {
    return 1;
  }
}

function checkOneSeries(X: Matrix): void {
  if (X.cols !== 1) throw new InputError(`contextual-novelty: takes one series, a matrix with 1 column. Got ${X.cols} columns instead.`);
}

function checkValue(value: number, where: string): void {
  if (!Number.isFinite(value)) throw new InputError(`${where}: the value must be a finite number. Got ${value} instead.`);
}
