/**
 * Windowed Gaussian — the baseline detector of the Numenta Anomaly Benchmark. Lavin & Ahmad, "Evaluating Real-time
 * Anomaly Detection Algorithms – the Numenta Anomaly Benchmark", ICMLA 2015; code: numenta/NAB
 * `nab/detectors/gaussian/windowedGaussian_detector.py`.
 * Idea: a value's score is 1 − Q(|z|), one minus the Gaussian tail probability of its distance from the mean of the
 * preceding values, in standard deviations; the mean and deviation come from a sliding window of past values.
 *
 * Streaming, as NAB runs it: each value is scored against the window, then learned. The window fills one value at a
 * time up to `windowSize`, then slides by `stepSize` values at once (the statistics refresh only then). The first
 * value scores 0; a window of equal values gets a deviation of 1e-6 rather than 0.
 */
import { z } from 'zod';
import { InputError } from '../../core/errors.ts';
import type { Matrix } from '../../core/matrix.ts';
import { baseOptionsSchema, Detector, type DetectorInfo, type DetectorState } from '../detector.ts';
import { normalUpperTail } from '../../core/normal-tail.ts';

const schema = baseOptionsSchema.extend({
  windowSize: z.number().int().min(1).default(6400).describe('Past values the mean and deviation are taken over (NAB: 6400).'),
  stepSize: z.number().int().min(1).default(100).describe('Once the window is full, it slides by this many values at a time (NAB: 100).'),
}).strict();

export type WindowedGaussianOptions = z.input<typeof schema>;

export class WindowedGaussian extends Detector<z.output<typeof schema>> {
  static readonly schema = schema;
  static readonly info: DetectorInfo = {
    name: 'windowed-gaussian',
    title: 'Windowed Gaussian',
    modality: 'timeseries',
    family: 'probabilistic',
    supervision: ['unsupervised'],
    paper: 'Lavin & Ahmad, ICMLA 2015 (NAB baseline)',
    summary: 'One minus the Gaussian tail probability of a value under the mean and deviation of a sliding window of past values.',
  };

  private window: number[] = [];
  private stepBuffer: number[] = [];
  private mean = 0;
  private std = 1;

  constructor(options: WindowedGaussianOptions = {}) {
    super(schema, options);
  }

  /** The score of `value` under the current window, without learning it; 0 before anything was learned. */
  scoreOne(value: number): number {
    checkValue(value, 'windowed-gaussian.scoreOne');
    if (this.window.length === 0) return 0;
    // Q(|z|): the tail on the side the value lies, as NAB mirrors values below the mean.
    const z = Math.abs(value - this.mean) / this.std;
    return 1 - normalUpperTail(z);
  }

  /** Adds `value` to the window (or to the step buffer, once the window is full). */
  learnOne(value: number): void {
    checkValue(value, 'windowed-gaussian.learnOne');
    const { windowSize, stepSize } = this.options;
    if (this.window.length < windowSize) {
      this.window.push(value);
      this.updateStatistics();
      return;
    }
    this.stepBuffer.push(value);
    if (this.stepBuffer.length === stepSize) {
      this.window = this.window.slice(stepSize).concat(this.stepBuffer);
      this.stepBuffer = [];
      this.updateStatistics();
    }
  }

  /** Forgets everything learned: the state NAB starts each file from. */
  reset(): void {
    this.window = [];
    this.stepBuffer = [];
    this.mean = 0;
    this.std = 1;
  }

  /** Scores a series in stream order, each value before it is learned (NAB's `handleRecord` loop). */
  scoreStream(values: ArrayLike<number>): Float64Array {
    const out = new Float64Array(values.length);
    for (let i = 0; i < values.length; i++) {
      out[i] = this.scoreOne(values[i]!);
      this.learnOne(values[i]!);
    }
    return out;
  }

  /** Learns the series X (one column) from scratch, in order; training scores are the streaming scores. */
  protected fitModel(X: Matrix): Float64Array {
    checkOneSeries(X, 'fit');
    this.reset();
    return this.scoreStream(X.data);
  }

  /** Scores each row against the fitted window, without learning (rows stay independent, as the contract asks). */
  protected scoreModel(X: Matrix): Float64Array {
    checkOneSeries(X, 'score');
    return Float64Array.from(X.data, (v) => this.scoreOne(v));
  }

  protected saveModel(): DetectorState {
    return {
      params: { mean: this.mean, std: this.std },
      arrays: { window: Float64Array.from(this.window), stepBuffer: Float64Array.from(this.stepBuffer) },
    };
  }

  protected loadModel(state: DetectorState): void {
    const { window, stepBuffer } = state.arrays;
    if (!(window instanceof Float64Array) || !(stepBuffer instanceof Float64Array)) {
      throw new InputError("windowed-gaussian model: expected Float64Array arrays 'window' and 'stepBuffer'.");
    }
    this.window = Array.from(window);
    this.stepBuffer = Array.from(stepBuffer);
    this.mean = Number(state.params.mean);
    this.std = Number(state.params.std);
  }

  private updateStatistics(): void {
    const n = this.window.length;
    const values = Float64Array.from(this.window);
    this.mean = pairwiseSum(values, 0, n) / n;
    for (let i = 0; i < n; i++) values[i] = (values[i]! - this.mean) ** 2;
    this.std = Math.sqrt(pairwiseSum(values, 0, n) / n);
    if (this.std === 0) this.std = 0.000001;
  }

  protected override minTrainingRows(): number {
    return 1;
  }
}

/**
 * NumPy's pairwise summation (`pairwise_sum` in numpy/core/src/umath/loops), which `numpy.mean` and `numpy.std` use:
 * matching it keeps our means and deviations equal to NAB's to the last bit or two, not just to 1e-12.
 */
function pairwiseSum(a: Float64Array, start: number, n: number): number {
  if (n < 8) {
    let s = -0.0;
    for (let i = 0; i < n; i++) s += a[start + i]!;
    return s;
  }
  if (n <= 128) {
    const r = [a[start]!, a[start + 1]!, a[start + 2]!, a[start + 3]!, a[start + 4]!, a[start + 5]!, a[start + 6]!, a[start + 7]!];
    let i = 8;
    for (; i < n - (n % 8); i += 8) {
      for (let k = 0; k < 8; k++) r[k]! += a[start + i + k]!;
    }
    let s = r[0]! + r[1]! + (r[2]! + r[3]!) + (r[4]! + r[5]! + (r[6]! + r[7]!));
    for (; i < n; i++) s += a[start + i]!;
    return s;
  }
  let half = Math.floor(n / 2);
  half -= half % 8;
  return pairwiseSum(a, start, half) + pairwiseSum(a, start + half, n - half);
}

function checkOneSeries(X: Matrix, where: string): void {
  if (X.cols !== 1) {
    throw new InputError(`windowed-gaussian.${where}: takes one series, a matrix with 1 column. Got ${X.cols} columns instead.`);
  }
}

function checkValue(value: number, where: string): void {
  if (!Number.isFinite(value)) throw new InputError(`${where}: the value must be a finite number. Got ${value} instead.`);
}
