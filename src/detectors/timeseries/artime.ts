/**
 * ARTime — Mark Hampton's adaptive-resonance detector (2021), the best published NAB entry (74.85 standard); the
 * algorithm as in its open edition (markNZed/ARTimeNAB.jl), re-implemented here.
 *
 * Idea: downsample the stream so that NAB's probationary period holds about `windowsPerProbation` windows, keep the
 * spikes (each step reports the extreme of its block when it stands out from a moving average), quantise to `levels`
 * levels and snap values near the running median to it; each window of `window` steps becomes a feature vector (its
 * values scaled to [0, 1] beside their Haar wavelet coefficients, also scaled). A dual-vigilance fuzzy ART network
 * (components/dual-vigilance-fuzzy-art.ts) clusters the vectors online; a vector that founds a new cluster is a
 * candidate anomaly, reported unless it falls in a masking period (just after an anomaly or a new category) and is not
 * clearly less similar than the last anomaly. The vigilance bounds start from the probationary period (a network
 * trained on its windows, least typical first, at ρ = `initialRho`) and adapt: the upper bound follows the mean match,
 * the lower one rises towards the least similar recent match or falls with the recent shortfalls, never below the mean
 * match of past anomalies. The score of a reported anomaly is a confidence from how far its match falls below the two
 * bounds and from its energy (newest value) match; every other step scores 0.
 *
 * ARTime needs the range and length of the stream, which NAB's detector API hands every detector (inputMin, inputMax
 * and the file's length; the probationary period is 15 % of it, at most 750). Given them as options it runs exactly
 * that setting; `fit` reads them off the training series; a stream started without them buffers `calibration` values,
 * takes their range (later values are clipped to it) and a probationary period of 750, then replays the buffer.
 */
import { z } from 'zod';
import { InputError, ModelFileError } from '../../core/errors.ts';
import type { Matrix } from '../../core/matrix.ts';
import { DualVigilanceFuzzyArt } from '../components/dual-vigilance-fuzzy-art.ts';
import { baseOptionsSchema, Detector, type DetectorInfo, type DetectorState } from '../detector.ts';
import type { StreamingDetector } from './series-detector.ts';

const schema = baseOptionsSchema.extend({
  inputMin: z.number().finite().optional().describe("Smallest value of the stream (NAB's inputMin); default: from the data."),
  inputMax: z.number().finite().optional().describe("Largest value of the stream (NAB's inputMax); default: from the data."),
  length: z.number().int().min(16).optional().describe('Length of the stream, which sets the probationary period (15 %, at most 750); default: from the data.'),
  window: z.union([z.literal(4), z.literal(8), z.literal(16), z.literal(32)]).default(8).describe('Downsampled steps per feature window (a power of two, for the Haar transform; ARTime: 8).'),
  windowsPerProbation: z.number().int().min(1).default(13).describe('Feature windows the probationary period should hold; sets the downsampling step (ARTime: 13).'),
  levels: z.number().int().min(2).max(10_000).default(80).describe('Quantisation levels of the scaled values (ARTime: 80).'),
  discretizeChomp: z.number().min(0).max(1).default(0.075).describe('Values within this distance of the running median snap to it (ARTime: 0.075).'),
  initialRho: z.number().gt(0).lt(1).default(0.8).describe('Vigilance of the network that sets the starting bounds (ARTime: 0.8).'),
  calibration: z.number().int().min(16).default(750).describe('Values buffered to learn the range when a stream starts without inputMin / inputMax / length.'),
}).strict();

export type ArtimeOptions = z.input<typeof schema>;
type Options = z.output<typeof schema>;

interface Geometry {
  min: number;
  max: number;
  /** downsampling step */
  step: number;
  /** downsampled steps in the probationary period (ARTime's trend_window) */
  trend: number;
  /** steps masked after an anomaly */
  mask: number;
}

function geometry(o: Options, min: number, max: number, length: number): Geometry {
  let probation = length < 5000 ? Math.floor(0.15 * length) : 750;
  probation -= probation % 2;
  const step = Math.max(1, Math.floor(probation / (o.window * o.windowsPerProbation)));
  const trend = Math.max(o.window, Math.floor(probation / step));
  return { min, max, step, trend, mask: Math.floor(o.window * 1.5) };
}

/** Julia's round (half to even), which ARTime's quantiser uses. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Full Haar decomposition of a power-of-two vector: [approximation, coarsest detail, …, finest details]. */
export function haarTransform(x: ArrayLike<number>): Float64Array {
  const out = new Float64Array(x.length);
  let a = Float64Array.from(x);
  for (let n = x.length; n > 1; n /= 2) {
    const half = n / 2;
    const next = new Float64Array(half);
    for (let k = 0; k < half; k++) {
      next[k] = (a[2 * k]! + a[2 * k + 1]!) * Math.SQRT1_2;
      out[half + k] = (a[2 * k + 1]! - a[2 * k]!) * Math.SQRT1_2;
    }
    a = next;
  }
  out[0] = a[0] ?? 0;
  return out;
}

function scaleToUnit(v: Float64Array): Float64Array {
  let min = Infinity;
  for (const x of v) min = Math.min(min, x);
  let max = 0;
  for (let k = 0; k < v.length; k++) {
    v[k] = v[k]! - min;
    max = Math.max(max, v[k]!);
  }
  if (max !== 0) for (let k = 0; k < v.length; k++) v[k] = v[k]! / max;
  return v;
}

/** Cosine similarity, with ARTime's convention for zero vectors. */
function similarity(a: Float64Array, b: Float64Array): number {
  let na = 0;
  let nb = 0;
  let dot = 0;
  for (let k = 0; k < a.length; k++) {
    na += a[k]! * a[k]!;
    nb += b[k]! * b[k]!;
    dot += a[k]! * b[k]!;
  }
  na = Math.sqrt(na);
  nb = Math.sqrt(nb);
  if (na === 0) return 1 - nb;
  if (nb === 0) return 1 - na;
  return dot / (na * nb);
}

function pushShift(window: Float64Array, value: number): void {
  window.copyWithin(0, 1);
  window[window.length - 1] = value;
}

/** Everything ARTime learns from a stream; `clone` copies it cheaply (the network's categories are copy-on-write). */
class ArtimeState {
  sample = 1;
  stepIndex = 1;
  art: DualVigilanceFuzzyArt;
  lastAnomalyStep = 0;
  lastAnomalySimilarity = 0;
  lastRhoUpdateStep = 0;
  maskAfterCategory = false;
  noNewCategoryCount = 0;
  probationFeatures: Float64Array[] = [];
  anomalySimilarities: number[] = [];
  similarityShortfalls: Float64Array;
  matchCount = 0;
  matchMean = 0;
  similarities: Float64Array;
  block: Float64Array;
  movingAverage = 0;
  levelCounts: Int32Array;
  medianLevel = 0;
  belowMedian = 0;
  aboveMedian = 0;
  recent: Float64Array;

  constructor(readonly g: Geometry, o: Options) {
    this.art = new DualVigilanceFuzzyArt(2 * o.window);
    this.similarities = new Float64Array(Math.floor(g.trend / 2) + 1).fill(1);
    this.similarityShortfalls = new Float64Array(g.trend + 1);
    this.block = new Float64Array(g.step);
    this.levelCounts = new Int32Array(o.levels + 1);
    this.recent = new Float64Array(o.window);
  }

  clone(): ArtimeState {
    const c = Object.create(ArtimeState.prototype) as ArtimeState;
    Object.assign(c, this);
    c.art = this.art.clone();
    c.probationFeatures = this.probationFeatures.slice();
    c.anomalySimilarities = this.anomalySimilarities.slice();
    c.similarityShortfalls = this.similarityShortfalls.slice();
    c.similarities = this.similarities.slice();
    c.block = this.block.slice();
    c.levelCounts = this.levelCounts.slice();
    c.recent = this.recent.slice();
    return c;
  }
}

export class Artime extends Detector<Options> implements StreamingDetector {
  static readonly schema = schema;
  static readonly info: DetectorInfo = {
    name: 'artime',
    title: 'ARTime (adaptive resonance)',
    modality: 'timeseries',
    family: 'clustering',
    supervision: ['unsupervised'],
    paper: 'Hampton, ARTime (2021; NAB scoreboard), on dual-vigilance fuzzy ART (da Silva et al., Neural Networks 2019)',
    summary: 'Downsampled, quantised windows and their Haar coefficients clustered online by dual-vigilance fuzzy ART; a new cluster is an anomaly.',
  };

  private state: ArtimeState | undefined;
  private buffer: number[] = [];
  /** the result of the last scoreOne, adopted by learnOne when it learns the same value */
  private pending: { value: number; state: ArtimeState } | undefined;

  constructor(options: ArtimeOptions = {}) {
    super(schema, options);
  }

  private configured(): Geometry | undefined {
    const { inputMin, inputMax, length } = this.options;
    if (inputMin === undefined || inputMax === undefined || length === undefined) return undefined;
    if (inputMax < inputMin) throw new InputError(`artime: inputMax (${inputMax}) is below inputMin (${inputMin}).`);
    return geometry(this.options, inputMin, inputMax, length);
  }

  /** Scores `value` as the next value of the stream, without learning it. */
  scoreOne(value: number): number {
    checkValue(value, 'artime.scoreOne');
    if (this.state === undefined) return 0;
    const trial = this.state.clone();
    const score = this.step(trial, value);
    this.pending = { value, state: trial };
    return score;
  }

  learnOne(value: number): void {
    checkValue(value, 'artime.learnOne');
    const pending = this.pending;
    this.pending = undefined;
    if (this.state === undefined) {
      const g = this.configured();
      if (g !== undefined) this.state = new ArtimeState(g, this.options);
      else {
        this.buffer.push(value);
        if (this.buffer.length >= this.options.calibration) this.calibrate();
        return;
      }
    }
    if (pending !== undefined && Object.is(pending.value, value)) this.state = pending.state;
    else this.step(this.state, value);
  }

  private calibrate(): void {
    let min = Infinity;
    let max = -Infinity;
    for (const v of this.buffer) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    const state = new ArtimeState(geometry(this.options, min, max, Number.POSITIVE_INFINITY), this.options);
    for (const v of this.buffer) this.step(state, v);
    this.buffer = [];
    this.state = state;
  }

  reset(): void {
    this.state = undefined;
    this.buffer = [];
    this.pending = undefined;
  }

  /** One raw value through downsampling, quantisation and (every `step` values) the network. */
  private step(s: ArtimeState, value: number): number {
    const o = this.options;
    const g = s.g;
    pushShift(s.block, value);
    let anomaly = 0;
    if (s.sample % g.step === 0) {
      let sum = 0;
      let hi = -Infinity;
      let lo = Infinity;
      for (const v of s.block) {
        sum += v;
        hi = Math.max(hi, v);
        lo = Math.min(lo, v);
      }
      const mean = sum / s.block.length;
      if (s.stepIndex === 1) s.movingAverage = mean;
      s.movingAverage = (s.movingAverage + mean) / 2;
      // keep the block's spike, above or below, if it stands out by 10 % of the mean
      let ds = Math.abs(hi - s.movingAverage) < Math.abs(lo - s.movingAverage) ? lo : hi;
      if (Math.abs(ds - mean) < 0.1 * mean) ds = mean;
      ds -= g.min;
      if (g.max - g.min !== 0) ds /= g.max - g.min;
      const level = Math.min(o.levels, Math.max(0, roundHalfEven(ds * o.levels)));
      ds = level / o.levels;
      this.trackMedian(s, level);
      const median = s.medianLevel / o.levels;
      if (Math.abs(ds - median) < o.discretizeChomp) ds = median;
      pushShift(s.recent, ds);
      const features = new Float64Array(2 * o.window);
      if (s.stepIndex >= o.window) {
        features.set(scaleToUnit(haarTransform(scaleToUnit(s.recent.slice()))), 0);
        features.set(s.recent, o.window);
      }
      anomaly = this.processFeatures(s, features, s.stepIndex);
      s.stepIndex += 1;
    }
    s.sample += 1;
    return anomaly;
  }

  /** ARTime's running median of the levels: not exact, but close and O(1) per step. */
  private trackMedian(s: ArtimeState, level: number): void {
    const top = s.levelCounts.length - 1;
    s.levelCounts[level] = s.levelCounts[level]! + 1;
    const position = Math.floor(s.stepIndex / 2);
    if (s.stepIndex === 1) s.medianLevel = level;
    if (s.medianLevel > level) s.belowMedian += 1;
    else if (s.medianLevel < level) s.aboveMedian += 1;
    if (position < s.aboveMedian) {
      s.belowMedian += s.levelCounts[s.medianLevel]!;
      s.medianLevel += 1;
      while (s.medianLevel < top && s.levelCounts[s.medianLevel] === 0) s.medianLevel += 1;
      s.aboveMedian -= s.levelCounts[s.medianLevel]!;
    } else if (position < s.belowMedian) {
      s.aboveMedian += s.levelCounts[s.medianLevel]!;
      s.medianLevel -= 1;
      while (s.medianLevel > 0 && s.levelCounts[s.medianLevel] === 0) s.medianLevel -= 1;
      s.belowMedian -= s.levelCounts[s.medianLevel]!;
    }
  }

  private processFeatures(s: ArtimeState, features: Float64Array, i: number): number {
    const g = s.g;
    if (i > g.trend) return this.detect(s, features, i);
    s.probationFeatures.push(features);
    if (i === g.trend) {
      const rho = this.initialRho(s.probationFeatures.slice(this.options.window - 1, g.trend), g.trend);
      s.art.rhoLower = rho;
      s.art.rhoUpper = rho;
      const all = s.probationFeatures;
      s.probationFeatures = [];
      all.forEach((f, k) => this.detect(s, f, k + 1));
    }
    return 0;
  }

  /** The starting vigilance: the mean match, over the later half, of a network trained on the probationary windows, least typical first. */
  private initialRho(windows: Float64Array[], trend: number): number {
    const n = windows.length;
    const totals = new Float64Array(n).fill(1); // each window's similarity to itself
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < i; j++) {
        const sim = similarity(windows[i]!, windows[j]!);
        totals[i] = totals[i]! + sim;
        totals[j] = totals[j]! + sim;
      }
    }
    const order = Array.from({ length: n }, (_, k) => k).sort((a, b) => totals[a]! - totals[b]!);
    const art = new DualVigilanceFuzzyArt(2 * this.options.window);
    art.rhoLower = this.options.initialRho;
    art.rhoUpper = this.options.initialRho;
    const matches = art.trainAll(order.map((k) => windows[k]!));
    const later = matches.slice(Math.floor(trend / 2) - 1);
    return later.length === 0 ? this.options.initialRho : later.reduce((a, b) => a + b, 0) / later.length;
  }

  private detect(s: ArtimeState, f: Float64Array, i: number): number {
    const g = s.g;
    const afterAnomaly = i - s.lastAnomalyStep;
    const updateAfterAnomaly = afterAnomaly === g.mask;
    const updateForTrend = i - s.lastRhoUpdateStep >= Math.floor(g.trend / 2);
    const maskAfterAnomaly = afterAnomaly <= g.mask;
    if (i > g.trend + g.mask && s.maskAfterCategory && s.noNewCategoryCount >= g.mask) s.maskAfterCategory = false;
    // windows before the first complete one only keep the network's bookkeeping aligned; they are not learned
    const result = i < this.options.window ? s.art.train(f, false) : s.art.train(f);
    const newCluster = i < this.options.window || result.label === -1;
    s.noNewCategoryCount = newCluster ? 0 : s.noNewCategoryCount + 1;
    const match = result.similarity;
    s.matchCount += 1;
    s.matchMean += (match - s.matchMean) / s.matchCount;
    pushShift(s.similarities, match);
    pushShift(s.similarityShortfalls, s.art.rhoUpper - match);
    const history = s.anomalySimilarities;
    if (afterAnomaly < g.mask && history.length > 0 && match < history[history.length - 1]!) history[history.length - 1] = match;
    const masking = s.maskAfterCategory || maskAfterAnomaly;
    const belowLast = match < s.lastAnomalySimilarity * (maskAfterAnomaly ? 0.9 : 0.7);
    let anomaly = 0;
    if (i > g.trend && newCluster && (!masking || belowLast)) {
      anomaly = this.confidence(s, match, result.energy);
      history.push(match);
      s.lastAnomalySimilarity = match;
      s.lastAnomalyStep = i;
    }
    s.maskAfterCategory = newCluster || s.maskAfterCategory;
    if (i > g.trend && (updateAfterAnomaly || updateForTrend)) this.adaptVigilance(s, i);
    return anomaly;
  }

  private adaptVigilance(s: ArtimeState, i: number): void {
    const g = s.g;
    let lowest = Infinity;
    for (const v of s.similarities) lowest = Math.min(lowest, v);
    const upper = Math.min(0.97, s.matchMean);
    const previous = s.art.rhoLower;
    let lower: number;
    if (previous <= lowest) lower = previous + (lowest - previous) * 0.19;
    else {
      let decrease = 0;
      if (i > g.trend * 2) {
        let sum = 0;
        let count = 0;
        for (const d of s.similarityShortfalls) {
          if (d > 0.05) {
            sum += Math.min(0.37, d);
            count += 1;
          }
        }
        if (count > 0) decrease = sum / count;
      }
      lower = previous - Math.max(0.01, decrease) / 2;
      const history = s.anomalySimilarities;
      if (history.length > 0) lower = Math.max(history.reduce((a, b) => a + b, 0) / history.length, lower);
    }
    s.art.rhoLower = Math.min(upper, lower);
    s.art.rhoUpper = upper;
    s.lastRhoUpdateStep = i;
    s.maskAfterCategory = true;
  }

  private confidence(s: ArtimeState, match: number, energy: number): number {
    const m = Math.min(0.999, match);
    const upper = (1 - m - (1 - s.art.rhoUpper)) / (1 - m);
    const lower = (1 - m - (1 - s.art.rhoLower)) / (1 - m);
    const c = Math.min(1, upper * 0.35 + lower * 0.65 + (1 - energy) * 1.5);
    return Math.round(c * 1e6) / 1e6;
  }

  protected fitModel(X: Matrix): Float64Array {
    checkOneSeries(X);
    this.reset();
    let g = this.configured();
    if (g === undefined) {
      let min = Infinity;
      let max = -Infinity;
      for (const v of X.data) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
      g = geometry(this.options, this.options.inputMin ?? min, this.options.inputMax ?? max, this.options.length ?? X.rows);
    }
    const state = new ArtimeState(g, this.options);
    const out = Float64Array.from(X.data, (v) => this.step(state, v));
    this.state = state;
    return out;
  }

  /** The series scored as the continuation of the fitted stream, without changing the fitted state. */
  protected scoreModel(X: Matrix): Float64Array {
    checkOneSeries(X);
    const state = this.state!.clone();
    return Float64Array.from(X.data, (v) => this.step(state, v));
  }

  protected saveModel(): DetectorState {
    const s = this.state!;
    const { art, g } = s;
    return {
      params: {
        geometry: { ...g },
        scalars: [s.sample, s.stepIndex, s.lastAnomalyStep, s.lastAnomalySimilarity, s.lastRhoUpdateStep, s.maskAfterCategory ? 1 : 0, s.noNewCategoryCount,
          s.matchCount, s.matchMean, s.movingAverage, s.medianLevel, s.belowMedian, s.aboveMedian, art.rhoLower, art.rhoUpper, art.clusters],
        labels: art.labels,
        anomalySimilarities: s.anomalySimilarities,
        probationWindows: s.probationFeatures.length,
      },
      arrays: {
        weights: concat(art.weights, 4 * this.options.window),
        probationFeatures: concat(s.probationFeatures, 2 * this.options.window),
        similarityShortfalls: s.similarityShortfalls,
        similarities: s.similarities,
        block: s.block,
        levelCounts: Float64Array.from(s.levelCounts),
        recent: s.recent,
      },
    };
  }

  protected loadModel(state: DetectorState): void {
    const p = state.params as { geometry?: Geometry; scalars?: number[]; labels?: number[]; anomalySimilarities?: number[] };
    const { geometry: g, scalars, labels, anomalySimilarities } = p;
    if (g === undefined || !Array.isArray(scalars) || scalars.length !== 16 || !Array.isArray(labels) || !Array.isArray(anomalySimilarities)) {
      throw new ModelFileError('artime model: expected the geometry, 16 scalars, the cluster labels and the anomaly similarities.');
    }
    const s = new ArtimeState(g, this.options);
    const arrays = state.arrays;
    const take = (name: string, length: number): Float64Array => {
      const a = arrays[name];
      if (!(a instanceof Float64Array) || a.length !== length) throw new ModelFileError(`artime model: the array '${name}' should hold ${length} values.`);
      return a;
    };
    const w = 4 * this.options.window;
    const weights = arrays['weights'];
    if (!(weights instanceof Float64Array) || weights.length !== labels.length * w) throw new ModelFileError(`artime model: expected ${labels.length} categories of ${w} weights.`);
    s.art.weights = split(weights, w);
    s.art.labels = labels.map(Number);
    const probation = arrays['probationFeatures'];
    if (!(probation instanceof Float64Array) || probation.length % (w / 2) !== 0) throw new ModelFileError('artime model: the probationary windows are damaged.');
    s.probationFeatures = split(probation, w / 2);
    s.similarityShortfalls = take('similarityShortfalls', s.similarityShortfalls.length);
    s.similarities = take('similarities', s.similarities.length);
    s.block = take('block', s.block.length);
    s.levelCounts = Int32Array.from(take('levelCounts', s.levelCounts.length));
    s.recent = take('recent', s.recent.length);
    s.anomalySimilarities = anomalySimilarities.map(Number);
    [s.sample, s.stepIndex, s.lastAnomalyStep, s.lastAnomalySimilarity, s.lastRhoUpdateStep] = scalars as [number, number, number, number, number];
    s.maskAfterCategory = scalars[5] === 1;
    [s.noNewCategoryCount, s.matchCount, s.matchMean, s.movingAverage, s.medianLevel, s.belowMedian, s.aboveMedian] = scalars.slice(6, 13) as [number, number, number, number, number, number, number];
    [s.art.rhoLower, s.art.rhoUpper, s.art.clusters] = scalars.slice(13) as [number, number, number];
    this.state = s;
    this.buffer = [];
    this.pending = undefined;
  }

  protected override minTrainingRows(): number {
    return 16;
  }
}

function concat(rows: readonly Float64Array[], width: number): Float64Array {
  const out = new Float64Array(rows.length * width);
  rows.forEach((r, k) => out.set(r, k * width));
  return out;
}

function split(flat: Float64Array, width: number): Float64Array[] {
  return Array.from({ length: flat.length / width }, (_, k) => flat.slice(k * width, (k + 1) * width));
}

function checkOneSeries(X: Matrix): void {
  if (X.cols !== 1) throw new InputError(`artime: takes one series, a matrix with 1 column. Got ${X.cols} columns instead.`);
}

function checkValue(value: number, where: string): void {
  if (!Number.isFinite(value)) throw new InputError(`${where}: the value must be a finite number. Got ${value} instead.`);
}
