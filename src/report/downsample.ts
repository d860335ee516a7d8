/**
 * Fewer points than rows, so a report on a million rows stays a few megabytes and opens at once: lines keep each
 * bucket's minimum and maximum (spikes survive, unlike plain striding), curves keep evenly spaced points with both
 * ends, scatter plots take a seeded sample. Every plot that thins its data says so in its caption.
 */
import { Rng } from '../core/rng.ts';
import type { Range } from '../timeseries/metrics/ranges.ts';

export interface LinePoint {
  index: number;
  value: number;
}

/**
 * The points of a line through `values` with at most 2 · `buckets` points: all of them when they fit, else per bucket
 * of consecutive indices its minimum and maximum, in index order. Non-finite values are skipped.
 */
export function lineEnvelope(values: ArrayLike<number>, buckets: number): LinePoint[] {
  const n = values.length;
  const out: LinePoint[] = [];
  if (n <= 2 * buckets) {
    for (let i = 0; i < n; i++) if (Number.isFinite(values[i]!)) out.push({ index: i, value: values[i]! });
    return out;
  }
  const size = n / buckets;
  for (let b = 0; b < buckets; b++) {
    const start = Math.floor(b * size);
    const end = Math.min(n, Math.floor((b + 1) * size));
    let lo = -1;
    let hi = -1;
    for (let i = start; i < end; i++) {
      const v = values[i]!;
      if (!Number.isFinite(v)) continue;
      if (lo < 0 || v < values[lo]!) lo = i;
      if (hi < 0 || v > values[hi]!) hi = i;
    }
    if (lo < 0) continue;
    const [first, second] = lo <= hi ? [lo, hi] : [hi, lo];
    out.push({ index: first, value: values[first]! });
    if (second !== first) out.push({ index: second, value: values[second]! });
  }
  return out;
}

/** At most `max` of `points`, evenly spaced, always with the first and the last. */
export function thinPoints<T>(points: readonly T[], max: number): T[] {
  if (points.length <= max) return [...points];
  const out: T[] = [];
  const step = (points.length - 1) / (max - 1);
  for (let k = 0; k < max; k++) out.push(points[Math.round(k * step)]!);
  return out;
}

/** `k` distinct indices of [0, n) drawn uniformly (seeded), ascending; all of them when k ≥ n. */
export function sampleIndices(n: number, k: number, seed = 0): number[] {
  if (k >= n) return Array.from({ length: n }, (_, i) => i);
  // Floyd's algorithm: k draws, no n-sized array, for any n.
  const rng = new Rng(seed);
  const chosen = new Set<number>();
  for (let j = n - k; j < n; j++) {
    const t = rng.int(j + 1);
    chosen.add(chosen.has(t) ? j : t);
  }
  return [...chosen].sort((a, b) => a - b);
}

/** Ranges closer than `gap` rows merged into one, so a plot draws at most a few hundred bands. */
export function mergeRanges(ranges: readonly Range[], gap: number): Range[] {
  const out: [number, number][] = [];
  for (const [s, e] of ranges) {
    const last = out[out.length - 1];
    if (last !== undefined && s - last[1] <= gap) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}
