/**
 * The score distribution with the threshold: bins counted here (a million scores become 50 rows of data), overlaid per
 * class — the true labels when known, else flagged or not — on a symlog count axis so that a handful of anomalies
 * still shows beside thousands of normal rows.
 */
import type { TopLevelSpec } from 'vega-lite';
import { base, COLORS, formatNumber, type PlotSpec } from './style.ts';

export interface HistogramInput {
  scores: ArrayLike<number>;
  threshold: number;
  /** 0/1 per score: the class each score is counted in */
  classes: ArrayLike<number>;
  /** names of class 0 and class 1 */
  classNames: readonly [string, string];
  bins?: number;
}

export interface Bin {
  start: number;
  end: number;
  group: string;
  count: number;
}

/** Counts per bin and class over the finite scores; the range includes the threshold so its rule is always drawn. */
export function scoreBins(input: HistogramInput): { bins: Bin[]; skipped: number } {
  const nBins = input.bins ?? 50;
  let lo = Infinity;
  let hi = -Infinity;
  let skipped = 0;
  for (let i = 0; i < input.scores.length; i++) {
    const s = input.scores[i]!;
    if (!Number.isFinite(s)) {
      skipped++;
      continue;
    }
    if (s < lo) lo = s;
    if (s > hi) hi = s;
  }
  if (Number.isFinite(input.threshold) && lo <= hi) {
    lo = Math.min(lo, input.threshold);
    hi = Math.max(hi, input.threshold);
  }
  if (!(lo <= hi)) return { bins: [], skipped };
  if (hi === lo) hi = lo + 1;
  const width = (hi - lo) / nBins;
  const counts = [new Float64Array(nBins), new Float64Array(nBins)];
  for (let i = 0; i < input.scores.length; i++) {
    const s = input.scores[i]!;
    if (!Number.isFinite(s)) continue;
    const b = Math.min(nBins - 1, Math.floor((s - lo) / width));
    counts[input.classes[i] === 1 ? 1 : 0]![b]!++;
  }
  const bins: Bin[] = [];
  for (let c = 0; c < 2; c++) {
    for (let b = 0; b < nBins; b++) {
      const count = counts[c]![b]!;
      if (count > 0) bins.push({ start: lo + b * width, end: lo + (b + 1) * width, group: input.classNames[c]!, count });
    }
  }
  return { bins, skipped };
}

/** 0, 1, 2, 5, 10, 20, 50, … up to the largest count: a symlog axis labels small counts too. */
function countTicks(bins: readonly Bin[]): number[] {
  const max = bins.reduce((m, b) => Math.max(m, b.count), 1);
  const ticks = [0];
  for (let decade = 1; decade <= max; decade *= 10) for (const m of [1, 2, 5]) if (m * decade <= max * 1.05) ticks.push(m * decade);
  return ticks;
}

export function scoreHistogram(input: HistogramInput): PlotSpec {
  const { bins, skipped } = scoreBins(input);
  const title = 'Score distribution';
  const spec = {
    ...base(title),
    width: 640,
    height: 240,
    layer: [
      {
        data: { values: bins },
        // overlaid, not stacked: stacking on a symlog axis would misstate the counts
        mark: { type: 'bar', opacity: 0.75 },
        encoding: {
          x: { field: 'start', type: 'quantitative', title: 'anomaly score (higher = more anomalous)', scale: { zero: false, nice: false } },
          x2: { field: 'end' },
          y: { field: 'count', type: 'quantitative', stack: null, title: 'rows (symlog scale)', scale: { type: 'symlog' }, axis: { values: countTicks(bins) } },
          y2: { datum: 0 },
          color: {
            field: 'group',
            type: 'nominal',
            title: null,
            scale: { domain: [...input.classNames], range: [COLORS.normal, COLORS.flagged] },
          },
          order: { field: 'group', sort: 'descending' },
        },
      },
      {
        data: { values: [{ threshold: input.threshold, text: `threshold ${formatNumber(input.threshold)}` }] },
        layer: [
          { mark: { type: 'rule', color: COLORS.threshold, strokeDash: [5, 3], strokeWidth: 1.5 }, encoding: { x: { field: 'threshold', type: 'quantitative' } } },
          {
            mark: { type: 'text', color: COLORS.threshold, align: 'left', dx: 4, dy: 2, baseline: 'top', fontSize: 11 },
            encoding: { x: { field: 'threshold', type: 'quantitative' }, y: { value: 0 }, text: { field: 'text' } },
          },
        ],
      },
    ],
  } as unknown as TopLevelSpec;
  const n = input.scores.length;
  let caption = `Histogram of the ${n} scores in ${input.bins ?? 50} bins, split into ${input.classNames[0]} and ${input.classNames[1]}; the dashed line is the threshold.`;
  if (skipped > 0) caption += ` ${skipped} non-finite scores are not drawn.`;
  return { id: 'score-histogram', title, caption, spec };
}
