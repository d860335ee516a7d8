/**
 * Spectral Residual — Ren, Xu, Wang, Yi, Wang, Zhang, Tong et al., "Time-Series Anomaly Detection Service at
 * Microsoft", KDD 2019 (reference code microsoft/anomalydetector `msanomalydetector/spectral_residual.py`).
 * Idea: the log amplitude spectrum of a series minus its local average is the "surprising" part of it; transformed
 * back (with the original phase) it gives a saliency map that peaks where the series does something unexpected.
 *
 * Per channel: the series is extended by `extendPoints` values estimated from the gradient of its last points (so that
 * the last real points are not at the transform's edge), the saliency map computed, and a timestamp's score is
 * |S − S̄| / S̄ with S̄ the trailing mean of the saliency over `scoreWindow` points. Nothing is learned but the option
 * values: a scored series is transformed on its own.
 */
import { z } from 'zod';
import { fft } from '../../timeseries/fft.ts';
import { baseOptionsSchema, type DetectorInfo, type DetectorState } from '../detector.ts';
import { ChannelwiseDetector, type ChannelModel } from './series-detector.ts';

const schema = baseOptionsSchema.extend({
  amplitudeWindow: z.number().int().min(1).default(3).describe('Points of the local average of the log amplitude spectrum (paper: q = 3).'),
  scoreWindow: z.number().int().min(1).default(21).describe('Points of the trailing mean the saliency is compared with (paper: z = 21).'),
  extendPoints: z.number().int().min(0).default(5).describe('Estimated points appended before the transform (paper: m = 5).'),
  lookBack: z.number().int().min(1).default(5).describe('Last points whose gradient estimates the appended ones (reference: 5).'),
}).strict();

export type SpectralResidualOptions = z.input<typeof schema>;
type Options = z.output<typeof schema>;

const EPS = 1e-8;

export class SpectralResidual extends ChannelwiseDetector<Options> {
  static readonly schema = schema;
  static readonly info: DetectorInfo = {
    name: 'spectral-residual',
    title: 'Spectral Residual',
    modality: 'timeseries',
    family: 'spectral',
    supervision: ['unsupervised'],
    paper: 'Ren et al., Time-Series Anomaly Detection Service at Microsoft, KDD 2019',
    summary: 'The log amplitude spectrum minus its local average, transformed back, peaks where the series is surprising.',
  };

  constructor(options: SpectralResidualOptions = {}) {
    super(schema, options);
  }

  protected createChannelModel(): ChannelModel {
    const o = this.options;
    const run = (v: Float64Array): Float64Array => spectralResidualScores(v, o);
    return { fit: run, score: run, save: (): DetectorState => ({ params: {}, arrays: {} }), load: () => undefined };
  }

  protected override minTrainingRows(): number {
    return 3;
  }
}

/** The saliency map of a series (before scoring). */
export function saliencyMap(values: Float64Array, amplitudeWindow: number): Float64Array {
  const n = values.length;
  const re = Float64Array.from(values);
  const im = new Float64Array(n);
  fft(re, im);
  const amplitude = new Float64Array(n);
  const logAmplitude = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    amplitude[k] = Math.sqrt(re[k]! ** 2 + im[k]! ** 2);
    logAmplitude[k] = Math.log(amplitude[k]! + EPS);
  }
  const average = trailingMean(logAmplitude, amplitudeWindow);
  for (let k = 0; k < n; k++) {
    // exp(R + iP) = e^R · (re, im) / |A|: the original phase with the residual as amplitude
    const residual = Math.exp(logAmplitude[k]! - average[k]!);
    const scale = amplitude[k]! > EPS ? residual / amplitude[k]! : 0;
    re[k]! *= scale;
    im[k]! *= scale;
  }
  fft(re, im, true);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.sqrt(re[i]! ** 2 + im[i]! ** 2);
  return out;
}

export function spectralResidualScores(values: Float64Array, o: Pick<Options, 'amplitudeWindow' | 'scoreWindow' | 'extendPoints' | 'lookBack'>): Float64Array {
  const n = values.length;
  const extended = extend(values, o.extendPoints, o.lookBack);
  const saliency = saliencyMap(extended, o.amplitudeWindow).subarray(0, n);
  const average = trailingMean(saliency, o.scoreWindow);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = average[i]! > EPS ? Math.abs(saliency[i]! - average[i]!) / average[i]! : 0;
  return out;
}

/** The reference's estimate: next = x[n−m] + m · mean gradient from the last m points to the last one; repeated. */
function extend(values: Float64Array, count: number, lookBack: number): Float64Array {
  const n = values.length;
  if (count === 0 || n < 2) return values;
  const m = Math.min(lookBack, n - 1);
  const last = values[n - 1]!;
  let gradient = 0;
  for (let i = 1; i <= m; i++) gradient += (last - values[n - 1 - i]!) / i;
  gradient /= m;
  const next = values[n - m]! + gradient * m;
  const out = new Float64Array(n + count);
  out.set(values);
  out.fill(next, n);
  return out;
}

/** Mean of the last `w` values up to each index (fewer at the start), the reference's `average_filter`. */
export function trailingMean(values: ArrayLike<number>, w: number): Float64Array {
  const out = new Float64Array(values.length);
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    sum += values[i]!;
    if (i >= w) sum -= values[i - w]!;
    out[i] = sum / Math.min(i + 1, w);
  }
  return out;
}
