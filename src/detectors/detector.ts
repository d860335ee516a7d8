import { z } from 'zod';
import { DadError, InputError, ModelFileError, NotFittedError, OptionError } from '../core/errors.ts';
import { checkMatrix, type Matrix } from '../core/matrix.ts';
import { parseOptions } from '../core/options.ts';
import { Rng } from '../core/rng.ts';
import { computeThreshold, thresholdSchema, type ThresholdSpec } from '../thresholds/strategies.ts';
import { erf } from '../core/normal-tail.ts';

/**
 * The detector contract (ARCHITECTURE.md, "Detector contract"), after PyOD's BaseDetector: the base class owns
 * validation, thresholding, labels and probabilities; a detector writes `fitModel` (returning its training scores)
 * and `scoreModel`, plus `saveModel` / `loadModel` for its learned state.
 *
 * Rules every detector keeps: options come only through the constructor (validated by its schema); data only through
 * `fit`; refitting forgets the old fit; `score` never refits and never looks at other test rows; higher score = more
 * anomalous, whatever the paper's sign; randomness only through `this.rng()` seeded from `options.seed`.
 */

export type Modality = 'tabular' | 'timeseries' | 'logs' | 'images' | 'streams';
export type Supervision = 'unsupervised' | 'semi-supervised' | 'supervised';

export interface DetectorInfo {
  /** registry name, lower-case, used on the command line: 'iforest' */
  name: string;
  /** display name: 'Isolation Forest' */
  title: string;
  modality: Modality;
  /** e.g. 'ensemble', 'proximity', 'probabilistic', 'linear', 'autoencoder', 'one-class', 'hybrid' */
  family: string;
  /** the label situations it supports; the first is its main one */
  supervision: readonly Supervision[];
  /** the paper: authors, title, venue year */
  paper: string;
  /** one sentence: the idea */
  summary: string;
}

/** Options every detector accepts. Each detector's schema extends this one. */
export const baseOptionsSchema = z.object({
  contamination: z.number().gt(0).lte(0.5).default(0.1)
    .describe('Expected share of anomalies in the training data; sets the threshold unless `threshold` says otherwise.'),
  threshold: thresholdSchema.optional()
    .describe("Threshold strategy: {method:'contamination'|'fixed'|'mad'|'gaussian-tail'|'pot', …}; default: contamination."),
  seed: z.number().int().default(0).describe('Seed of the random generator: same seed, same scores.'),
});
export type BaseOptions = z.output<typeof baseOptionsSchema>;

/** Learned state: small JSON-able values and named arrays (stored in the safetensors part of a model file). */
export interface DetectorState {
  params: Record<string, unknown>;
  arrays: Record<string, Float64Array | Float32Array | Int32Array | Uint8Array>;
}

export interface FitSummary {
  rows: number;
  features: number;
  seconds: number;
  scoreMin: number;
  scoreMax: number;
  scoreMean: number;
  scoreStd: number;
}

/** The whole of a fitted detector as data: what a model file stores. */
export interface DetectorSnapshot {
  detector: string;
  options: Record<string, unknown>;
  nFeatures: number;
  threshold: number;
  thresholdSpec: ThresholdSpec;
  summary: FitSummary;
  params: Record<string, unknown>;
  arrays: DetectorState['arrays'];
}

export type Labels = ArrayLike<number>;

export interface DetectorClass<D extends Detector = Detector> {
  readonly info: DetectorInfo;
  readonly schema: z.ZodObject;
  new (options?: Record<string, unknown>): D;
}

export abstract class Detector<O extends BaseOptions = BaseOptions> {
  readonly options: O;
  /** the score above which a row is labelled anomalous; NaN before fit */
  threshold = Number.NaN;
  /** number of features seen at fit */
  nFeatures = 0;
  /** scores of the training rows, as the detector defines them (PyOD's decision_scores_) */
  trainingScores: Float64Array = new Float64Array(0);
  summary: FitSummary | undefined;
  protected fitted = false;

  constructor(schema: z.ZodObject, options: Record<string, unknown> | undefined) {
    const info = (this.constructor as unknown as DetectorClass).info;
    this.options = parseOptions(schema, options, `detector '${info?.name ?? this.constructor.name}'`) as O;
  }

  get info(): DetectorInfo {
    return (this.constructor as unknown as DetectorClass).info;
  }

  get name(): string {
    return this.info.name;
  }

  get isFitted(): boolean {
    return this.fitted;
  }

  /** The threshold strategy in force: the `threshold` option, or the contamination quantile. */
  get thresholdSpec(): ThresholdSpec {
    return this.options.threshold ?? { method: 'contamination', contamination: this.options.contamination };
  }

  /** A fresh generator from the seed; call once per fit so that refitting gives the same result. */
  protected rng(): Rng {
    return new Rng(this.options.seed);
  }

  /** Learns from X (and y, for detectors that use labels: 1 = anomaly, 0 = normal). Refitting forgets the old fit. */
  fit(X: Matrix, y?: Labels): this {
    checkMatrix(X, `${this.name}.fit`, { minRows: this.minTrainingRows() });
    const labels = y === undefined ? undefined : checkLabels(y, X.rows, this.name);
    if (labels === undefined && this.info.supervision[0] === 'supervised') {
      throw new InputError(`Detector '${this.name}' is supervised: fit(X, y) needs labels (1 = anomaly, 0 = normal).`);
    }
    this.fitted = false;
    const started = performance.now();
    const scores = this.fitModel(X, labels);
    if (scores.length !== X.rows) {
      throw new Error(`${this.name}.fitModel returned ${scores.length} training scores for ${X.rows} rows.`);
    }
    assertFiniteScores(scores, `${this.name}.fit`);
    this.nFeatures = X.cols;
    this.trainingScores = scores;
    this.threshold = computeThreshold(scores, this.thresholdSpec);
    this.summary = { rows: X.rows, features: X.cols, seconds: (performance.now() - started) / 1000, ...stats(scores) };
    this.fitted = true;
    return this;
  }

  /** Anomaly scores of X, higher = more anomalous. Rows are scored independently. */
  score(X: Matrix): Float64Array {
    this.checkFitted();
    checkMatrix(X, `${this.name}.score`, { minRows: 0, features: this.nFeatures });
    if (X.rows === 0) return new Float64Array(0);
    const scores = this.scoreModel(X);
    assertFiniteScores(scores, `${this.name}.score`);
    return scores;
  }

  /** 0/1 labels: 1 where the score is above the threshold. */
  predict(X: Matrix): Uint8Array {
    return this.labelsFor(this.score(X));
  }

  labelsFor(scores: ArrayLike<number>): Uint8Array {
    this.checkFitted();
    const out = new Uint8Array(scores.length);
    for (let i = 0; i < scores.length; i++) out[i] = scores[i]! > this.threshold ? 1 : 0;
    return out;
  }

  /**
   * Probability of being an anomaly, in [0, 1]. 'linear': min-max of the training scores, clipped;
   * 'unify': the Gaussian CDF of the standardised score, clipped at 0 (Kriegel et al., SDM 2011), as PyOD.
   */
  predictProba(X: Matrix, method: 'linear' | 'unify' = 'linear'): Float64Array {
    const scores = this.score(X);
    const s = this.summary!;
    const out = new Float64Array(scores.length);
    for (let i = 0; i < scores.length; i++) {
      let p: number;
      if (method === 'linear') {
        const range = s.scoreMax - s.scoreMin;
        p = range > 0 ? (scores[i]! - s.scoreMin) / range : scores[i]! > s.scoreMax ? 1 : 0;
      } else {
        p = s.scoreStd > 0 ? erf((scores[i]! - s.scoreMean) / (s.scoreStd * Math.SQRT2)) : scores[i]! > s.scoreMean ? 1 : 0;
      }
      out[i] = Math.min(1, Math.max(0, p));
    }
    return out;
  }

  /** Re-derives the threshold from the training scores under another strategy, without refitting. */
  setThreshold(spec: ThresholdSpec): number {
    this.checkFitted();
    const parsed = thresholdSchema.safeParse(spec);
    if (!parsed.success) throw new OptionError(`Invalid threshold strategy ${JSON.stringify(spec)}: ${parsed.error.issues[0]?.message}`);
    (this.options as BaseOptions).threshold = parsed.data;
    this.threshold = computeThreshold(this.trainingScores, parsed.data);
    return this.threshold;
  }

  /** Everything needed to rebuild this fitted detector, as data. */
  snapshot(): DetectorSnapshot {
    this.checkFitted();
    const state = this.saveModel();
    return {
      detector: this.name,
      options: { ...this.options } as Record<string, unknown>,
      nFeatures: this.nFeatures,
      threshold: this.threshold,
      thresholdSpec: this.thresholdSpec,
      summary: this.summary!,
      params: state.params,
      arrays: { ...state.arrays, __trainingScores: this.trainingScores },
    };
  }

  /** Restores a snapshot made by `snapshot()` of a detector of the same kind. */
  restore(snap: DetectorSnapshot): this {
    if (snap.detector !== this.name) throw new OptionError(`Snapshot is of detector '${snap.detector}', not '${this.name}'.`);
    const { __trainingScores, ...arrays } = snap.arrays;
    try {
      this.loadModel({ params: snap.params, arrays });
    } catch (error) {
      if (error instanceof DadError) throw error;
      throw new ModelFileError(`The saved state of detector '${this.name}' is incomplete or damaged: ${(error as Error).message}`, { cause: error });
    }
    this.nFeatures = snap.nFeatures;
    this.threshold = snap.threshold;
    this.summary = snap.summary;
    this.trainingScores = __trainingScores instanceof Float64Array ? __trainingScores : Float64Array.from(__trainingScores ?? []);
    this.fitted = true;
    return this;
  }

  /** Fewest training rows the method can work with. */
  protected minTrainingRows(): number {
    return 2;
  }

  protected checkFitted(): void {
    if (!this.fitted) throw new NotFittedError(this.name);
  }

  /** Learns from X (already validated) and returns the scores of the training rows. */
  protected abstract fitModel(X: Matrix, y?: Uint8Array): Float64Array;
  /** Scores rows of X (already validated: finite, right feature count, at least one row). */
  protected abstract scoreModel(X: Matrix): Float64Array;
  protected abstract saveModel(): DetectorState;
  protected abstract loadModel(state: DetectorState): void;
}

type StateArrayKind = { f64: Float64Array; f32: Float32Array; i32: Int32Array; u8: Uint8Array };
const ARRAY_TYPES = { f64: Float64Array, f32: Float32Array, i32: Int32Array, u8: Uint8Array } as const;

/**
 * The named array of a saved state, checked: present, of the expected element type and (when given) length.
 * loadModel implementations use it so that a crafted or damaged file fails at load, not later inside score.
 */
export function stateArray<K extends keyof StateArrayKind>(state: DetectorState, name: string, kind: K, length?: number): StateArrayKind[K] {
  const a = state.arrays[name];
  if (a === undefined) throw new ModelFileError(`The saved state lacks the array '${name}'.`);
  if (!(a instanceof ARRAY_TYPES[kind])) {
    throw new ModelFileError(`The saved array '${name}' should be ${ARRAY_TYPES[kind].name}; it is ${a.constructor.name}.`);
  }
  if (length !== undefined && a.length !== length) {
    throw new ModelFileError(`The saved array '${name}' should have ${length} values; it has ${a.length}.`);
  }
  return a as StateArrayKind[K];
}

function checkLabels(y: Labels, rows: number, name: string): Uint8Array {
  if (y.length !== rows) throw new InputError(`${name}.fit: got ${y.length} labels for ${rows} rows; they must match.`);
  const out = new Uint8Array(rows);
  for (let i = 0; i < rows; i++) {
    const v = y[i];
    if (v !== 0 && v !== 1) throw new InputError(`${name}.fit: label ${i} is ${v}; labels must be 0 (normal) or 1 (anomaly).`);
    out[i] = v;
  }
  return out;
}

function assertFiniteScores(scores: Float64Array, where: string): void {
  for (let i = 0; i < scores.length; i++) {
    if (!Number.isFinite(scores[i]!)) {
      throw new Error(`${where}: score of row ${i} is ${scores[i]} — the detector produced a non-finite score (a bug, or training diverged).`);
    }
  }
}

function stats(scores: Float64Array): Pick<FitSummary, 'scoreMin' | 'scoreMax' | 'scoreMean' | 'scoreStd'> {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (const s of scores) {
    if (s < min) min = s;
    if (s > max) max = s;
    sum += s;
  }
  const mean = sum / scores.length;
  let ss = 0;
  for (const s of scores) ss += (s - mean) * (s - mean);
  return { scoreMin: min, scoreMax: max, scoreMean: mean, scoreStd: Math.sqrt(ss / scores.length) };
}
