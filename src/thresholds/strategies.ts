import { z } from 'zod';
import { OptionError } from '../core/errors.ts';

/**
 * Threshold strategies turn the training scores into the cut that separates normal from anomalous.
 * They are data (a discriminated union), so a model file stores the strategy with the threshold it produced.
 *
 * - contamination: the (1 − c) quantile of the training scores, as PyOD; needs an expected anomaly share.
 * - fixed: a value the user gives.
 * - mad: median + k · 1.4826 · MAD of the training scores; needs no contamination, robust to the anomalies in them.
 * - gaussian-tail: mean + z · std where z is the normal quantile of 1 − p; for roughly Gaussian scores.
 * - pot: peaks over threshold (Siffer et al., KDD 2017): a generalised Pareto tail fitted above a high quantile, cut at
 *   risk q; needs no contamination, made for heavy-tailed scores.
 */
export const thresholdSchema = z.discriminatedUnion('method', [
  z.object({ method: z.literal('contamination'), contamination: z.number().gt(0).lte(0.5).default(0.1) }).strict(),
  z.object({ method: z.literal('fixed'), value: z.number().refine(Number.isFinite, 'must be finite') }).strict(),
  z.object({ method: z.literal('mad'), k: z.number().gt(0).default(3) }).strict(),
  z.object({ method: z.literal('gaussian-tail'), p: z.number().gt(0).lt(0.5).default(0.01) }).strict(),
  z.object({ method: z.literal('pot'), q: z.number().gt(0).lt(0.1).default(1e-3), level: z.number().gt(0.5).lt(1).default(0.98) }).strict(),
]);

export type ThresholdSpec = z.infer<typeof thresholdSchema>;
export type ThresholdMethod = ThresholdSpec['method'];
export const THRESHOLD_METHODS: readonly ThresholdMethod[] = ['contamination', 'fixed', 'mad', 'gaussian-tail', 'pot'];

/** The threshold for `scores` (training scores, higher = more anomalous) under `spec`. */
export function computeThreshold(scores: Float64Array, spec: ThresholdSpec): number {
  if (scores.length === 0) throw new OptionError('Cannot set a threshold from zero training scores.');
  switch (spec.method) {
    case 'contamination':
      return quantile(scores, 1 - spec.contamination);
    case 'fixed':
      return spec.value;
    case 'mad': {
      const med = quantile(scores, 0.5);
      const dev = new Float64Array(scores.length);
      for (let i = 0; i < scores.length; i++) dev[i] = Math.abs(scores[i]! - med);
      const mad = quantile(dev, 0.5) * 1.4826;
      // A zero MAD (over half the scores equal) would flag every larger score; fall back to the std in that case.
      const spread = mad > 0 ? mad : std(scores);
      return med + spec.k * spread;
    }
    case 'gaussian-tail': {
      let mean = 0;
      for (const s of scores) mean += s;
      mean /= scores.length;
      return mean + normalQuantile(1 - spec.p) * std(scores);
    }
    case 'pot':
      return potThreshold(scores, spec.q, spec.level);
  }
}

/** Linear-interpolated quantile (numpy's default 'linear' method), q in [0, 1]. Does not modify `values`. */
export function quantile(values: ArrayLike<number>, q: number): number {
  const sorted = Float64Array.from(values as ArrayLike<number>).sort();
  return quantileSorted(sorted, q);
}

export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const pos = Math.min(Math.max(q, 0), 1) * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  const frac = pos - lo;
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * frac;
}

function std(values: Float64Array): number {
  let mean = 0;
  for (const v of values) mean += v;
  mean /= values.length;
  let ss = 0;
  for (const v of values) ss += (v - mean) * (v - mean);
  return Math.sqrt(ss / values.length);
}

/** Inverse standard normal CDF (Acklam's rational approximation, relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const plow = 0.02425;
  if (p < plow) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  if (p > 1 - plow) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}

/**
 * Peaks over threshold: fit a generalised Pareto distribution to the excesses over the `level` quantile by the
 * method of moments (robust, closed form), then return the score exceeded with probability q.
 */
function potThreshold(scores: Float64Array, q: number, level: number): number {
  const sorted = Float64Array.from(scores).sort();
  const t = quantileSorted(sorted, level);
  const excess: number[] = [];
  for (const s of sorted) if (s > t) excess.push(s - t);
  const n = sorted.length;
  const nt = excess.length;
  if (nt < 3) return sorted[n - 1]!;
  let mean = 0;
  for (const e of excess) mean += e;
  mean /= nt;
  let variance = 0;
  for (const e of excess) variance += (e - mean) ** 2;
  variance /= nt - 1;
  if (variance <= 0) return t;
  // Method-of-moments GPD estimates: shape γ = (1 − mean²/var)/2, scale σ = mean (1 − γ).
  const gamma = 0.5 * (1 - (mean * mean) / variance);
  const sigma = mean * (1 - gamma);
  const ratio = (q * n) / nt;
  if (Math.abs(gamma) < 1e-9) return t - sigma * Math.log(ratio);
  return t + (sigma / gamma) * (Math.pow(ratio, -gamma) - 1);
}
