/**
 * Seasonal decomposition residual, in the manner of STL — Cleveland, Cleveland, McRae & Terpenning, "STL: A
 * Seasonal-Trend Decomposition Procedure Based on Loess", Journal of Official Statistics 1990.
 * Idea: what trend and season do not explain is the anomaly evidence: a value's score is the size of its residual
 * x − trend − season in robust deviations of the training residuals.
 *
 * Per channel: the period is given or found as the highest autocorrelation peak of the training series (none when no
 * peak reaches `minAutocorrelation`). Trend: a centred moving average over one period; season: the per-phase mean of
 * the detrended series. As in STL's outer loop, the decomposition is repeated with bisquare robustness weights
 * (|r| / 6·MAD), so that the anomalies themselves do not bend trend and season. Moving averages stand in for
 * STL's loess smoothers. A scored series is decomposed on its own, with the training period and residual scale.
 */
import { z } from 'zod';
import { ModelFileError } from '../../core/errors.ts';
import { baseOptionsSchema, type DetectorInfo } from '../detector.ts';
import { ChannelwiseDetector, type ChannelModel } from './series-detector.ts';

const schema = baseOptionsSchema.extend({
  period: z.number().int().min(0).default(0).describe('Season length in samples; 0 finds it from the autocorrelation of the training series.'),
  maxPeriod: z.number().int().min(2).default(1000).describe('Longest period the search considers.'),
  minAutocorrelation: z.number().min(0).max(1).default(0.3).describe('An autocorrelation peak below this is no season (period 1: trend only).'),
  trendWindow: z.number().int().min(0).default(0).describe('Points of the trend moving average; 0: one period (at least 3).'),
  robustIterations: z.number().int().min(0).default(1).describe('Robustness passes (STL outer loop): refits with bisquare weights on the residuals.'),
}).strict();

export type SeasonalResidualOptions = z.input<typeof schema>;
type Options = z.output<typeof schema>;

export class SeasonalResidual extends ChannelwiseDetector<Options> {
  static readonly schema = schema;
  static readonly info: DetectorInfo = {
    name: 'seasonal-residual',
    title: 'Seasonal decomposition residual (STL-style)',
    modality: 'timeseries',
    family: 'statistical',
    supervision: ['unsupervised'],
    paper: 'Cleveland et al., STL: A Seasonal-Trend Decomposition Procedure Based on Loess, J. Official Statistics 1990',
    summary: 'The residual after a robust trend + season decomposition, in robust deviations of the training residuals.',
  };

  constructor(options: SeasonalResidualOptions = {}) {
    super(schema, options);
  }

  protected createChannelModel(): ChannelModel {
    const o = this.options;
    let period = 1;
    let center = 0;
    let scale = 1;
    const score = (v: Float64Array): Float64Array => {
      const r = decompose(v, period, o).residual;
      return Float64Array.from(r, (x) => Math.abs(x - center) / scale);
    };
    return {
      fit(v) {
        period = o.period > 0 ? o.period : findPeriod(v, o.maxPeriod, o.minAutocorrelation);
        const r = decompose(v, period, o).residual;
        center = median(r);
        scale = 1.4826 * median(Float64Array.from(r, (x) => Math.abs(x - center)));
        if (!(scale > 0)) scale = std(r) || 1;
        return score(v);
      },
      score,
      save: () => ({ params: { period, center, scale }, arrays: {} }),
      load(state) {
        period = Number(state.params.period);
        center = Number(state.params.center);
        scale = Number(state.params.scale);
        if (!Number.isInteger(period) || period < 1 || !Number.isFinite(center) || !(scale > 0)) {
          throw new ModelFileError('seasonal-residual: the saved period, center or scale is invalid.');
        }
      },
    };
  }

  protected override minTrainingRows(): number {
    return 4;
  }
}

export interface Decomposition {
  trend: Float64Array;
  seasonal: Float64Array;
  residual: Float64Array;
}

export function decompose(v: Float64Array, period: number, o: Pick<Options, 'trendWindow' | 'robustIterations'>): Decomposition {
  const n = v.length;
  const window = o.trendWindow > 0 ? o.trendWindow : Math.max(3, period);
  let weights = new Float64Array(n).fill(1);
  let out: Decomposition = { trend: new Float64Array(n), seasonal: new Float64Array(n), residual: new Float64Array(n) };
  for (let pass = 0; pass <= o.robustIterations; pass++) {
    const trend = weightedMovingAverage(v, weights, window);
    const seasonal = new Float64Array(n);
    if (period > 1) {
      const sum = new Float64Array(period);
      const weight = new Float64Array(period);
      for (let i = 0; i < n; i++) {
        sum[i % period]! += weights[i]! * (v[i]! - trend[i]!);
        weight[i % period]! += weights[i]!;
      }
      let mean = 0;
      for (let p = 0; p < period; p++) {
        sum[p] = weight[p]! > 0 ? sum[p]! / weight[p]! : 0;
        mean += sum[p]! / period;
      }
      for (let i = 0; i < n; i++) seasonal[i] = sum[i % period]! - mean;
    }
    const residual = Float64Array.from(v, (x, i) => x - trend[i]! - seasonal[i]!);
    out = { trend, seasonal, residual };
    // bisquare robustness weights, as STL's outer loop
    const h = 6 * median(Float64Array.from(residual, Math.abs));
    weights = Float64Array.from(residual, (r) => {
      if (!(h > 0)) return 1;
      const u = Math.abs(r) / h;
      return u < 1 ? (1 - u * u) ** 2 : 0;
    });
  }
  return out;
}

/** The lag of the highest local autocorrelation peak in [2, maxPeriod], or 1 when none reaches `threshold`. */
export function findPeriod(v: Float64Array, maxPeriod: number, threshold: number): number {
  const n = v.length;
  const mean = v.reduce((a, b) => a + b, 0) / n;
  let variance = 0;
  for (const x of v) variance += (x - mean) ** 2;
  if (!(variance > 0)) return 1;
  const limit = Math.min(maxPeriod, Math.floor(n / 2));
  const acf = new Float64Array(limit + 2);
  for (let lag = 1; lag <= limit + 1 && lag < n; lag++) {
    let s = 0;
    for (let i = 0; i + lag < n; i++) s += (v[i]! - mean) * (v[i + lag]! - mean);
    acf[lag] = s / variance;
  }
  let best = 1;
  let bestValue = threshold;
  for (let lag = 2; lag <= limit; lag++) {
    if (acf[lag]! > acf[lag - 1]! && acf[lag]! >= acf[lag + 1]! && acf[lag]! > bestValue) {
      best = lag;
      bestValue = acf[lag]!;
    }
  }
  return best;
}

/** Centred weighted moving average over `window` points (fewer at the ends). */
function weightedMovingAverage(v: Float64Array, w: Float64Array, window: number): Float64Array {
  const n = v.length;
  const half = Math.floor(window / 2);
  const cs = new Float64Array(n + 1);
  const cw = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) {
    cs[i + 1] = cs[i]! + w[i]! * v[i]!;
    cw[i + 1] = cw[i]! + w[i]!;
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = Math.max(0, i - half);
    const b = Math.min(n, i - half + window);
    const weight = cw[b]! - cw[a]!;
    out[i] = weight > 0 ? (cs[b]! - cs[a]!) / weight : v[i]!;
  }
  return out;
}

function median(a: Float64Array): number {
  const s = Float64Array.from(a).sort();
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function std(a: Float64Array): number {
  const mean = a.reduce((x, y) => x + y, 0) / a.length;
  return Math.sqrt(a.reduce((x, y) => x + (y - mean) ** 2, 0) / a.length);
}
