/**
 * The flagged rows on two features (the two that contribute most to the top anomalies' scores): a seeded sample of
 * the other rows in grey for context, the flagged rows in red, the top anomalies ringed and numbered by rank.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { Matrix } from '../../core/matrix.ts';
import { sampleIndices } from '../downsample.ts';
import { base, COLORS, type PlotSpec } from './style.ts';

export const MAX_NORMAL_POINTS = 4000;
export const MAX_FLAGGED_POINTS = 2000;

export interface ScatterInput {
  X: Matrix;
  features: readonly string[];
  /** the two feature columns to plot */
  columns: readonly [number, number];
  scores: ArrayLike<number>;
  flagged: ArrayLike<number>;
  /** row indices of the top anomalies, in rank order */
  top: readonly number[];
}

export function featureScatter(input: ScatterInput): PlotSpec {
  const { X, columns } = input;
  const [a, b] = columns;
  const normalRows: number[] = [];
  const flaggedRows: number[] = [];
  for (let i = 0; i < X.rows; i++) (input.flagged[i] === 1 ? flaggedRows : normalRows).push(i);
  const normalShown = sampleIndices(normalRows.length, MAX_NORMAL_POINTS, 1).map((k) => normalRows[k]!);
  // the highest-scoring flagged rows when there are too many to draw
  const flaggedShown = flaggedRows.length <= MAX_FLAGGED_POINTS ? flaggedRows : [...flaggedRows].sort((p, q) => input.scores[q]! - input.scores[p]!).slice(0, MAX_FLAGGED_POINTS);
  const point = (i: number, group: string): Record<string, unknown> => ({ x: X.data[i * X.cols + a]!, y: X.data[i * X.cols + b]!, group });
  const normalName = normalShown.length < normalRows.length ? `normal (sample of ${normalShown.length})` : 'normal';
  const flaggedName = flaggedShown.length < flaggedRows.length ? `flagged (top ${flaggedShown.length} by score)` : 'flagged';
  const values = [...normalShown.map((i) => point(i, normalName)), ...flaggedShown.map((i) => point(i, flaggedName))];
  const ranks = input.top.map((i, r) => ({ ...point(i, 'top'), rank: String(r + 1) }));
  const xName = input.features[a] ?? `feature ${a}`;
  const yName = input.features[b] ?? `feature ${b}`;
  const xs = values.map((v) => v['x'] as number);
  const ys = values.map((v) => v['y'] as number);
  const xScale = axisScale(xs);
  const yScale = axisScale(ys);
  const scaleNote = (scale: Record<string, unknown>): string => (scale['type'] === 'symlog' ? ' (symlog scale)' : '');
  const title = 'Flagged rows on the two most contributing features';
  const spec = {
    ...base(title),
    width: 420,
    height: 320,
    layer: [
      {
        data: { values },
        mark: { type: 'point', filled: true, size: 14, opacity: 0.7 },
        encoding: {
          x: { field: 'x', type: 'quantitative', title: `${xName}${scaleNote(xScale)}`, scale: xScale, axis: axisOf(xScale, xs) },
          y: { field: 'y', type: 'quantitative', title: `${yName}${scaleNote(yScale)}`, scale: yScale, axis: axisOf(yScale, ys) },
          color: { field: 'group', type: 'nominal', title: null, scale: { domain: [normalName, flaggedName], range: [COLORS.normal, COLORS.flagged] } },
          order: { field: 'group', sort: 'descending' },
        },
      },
      {
        data: { values: ranks },
        layer: [
          { mark: { type: 'point', size: 120, color: '#000', strokeWidth: 1.2 }, encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } } },
          { mark: { type: 'text', dx: 9, dy: -7, fontSize: 10, fontWeight: 'bold' }, encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' }, text: { field: 'rank' } } },
        ],
      },
    ],
  } as unknown as TopLevelSpec;
  let caption = `Each row as a point on ${quote(xName)} and ${quote(yName)} (raw values), the two features with the largest total contribution to the top anomalies' scores; ringed numbers are the top anomalies by rank.`;
  if (normalShown.length < normalRows.length) caption += ` ${normalShown.length} of the ${normalRows.length} unflagged rows are drawn (a uniform sample).`;
  if (flaggedShown.length < flaggedRows.length) caption += ` The ${flaggedShown.length} highest-scoring of the ${flaggedRows.length} flagged rows are drawn.`;
  return { id: 'feature-scatter', title, caption, spec };
}

/**
 * A symlog axis when a few extreme values would squeeze the rest into a corner (the full range over 50 times the
 * interquartile range, as anomalies often make it); a linear one otherwise.
 */
export function axisScale(values: readonly number[]): Record<string, unknown> {
  const sorted = values.filter(Number.isFinite).sort((p, q) => p - q);
  if (sorted.length < 4) return { zero: false };
  const at = (q: number): number => sorted[Math.floor(q * (sorted.length - 1))]!;
  const iqr = at(0.75) - at(0.25);
  const range = sorted[sorted.length - 1]! - sorted[0]!;
  return range > 50 * Math.max(iqr, Number.EPSILON) && iqr > 0 ? { type: 'symlog', zero: false } : { zero: false };
}

/** Tick values for a symlog axis over [lo, hi]: 0 and ±1, 2, 5 per decade (±1 only when there are many decades). */
export function symlogTicks(lo: number, hi: number): number[] {
  const reach = Math.max(Math.abs(lo), Math.abs(hi), 1);
  const decades = Math.ceil(Math.log10(reach)) + 1;
  const steps = decades > 5 ? [1] : [1, 2, 5];
  const ticks = [0];
  for (let d = 1; d <= reach * 10; d *= 10) {
    for (const m of steps) {
      const t = m * d;
      if (t <= hi) ticks.push(t);
      if (-t >= lo) ticks.push(-t);
    }
  }
  return ticks.filter((t) => t >= lo && t <= hi).sort((p, q) => p - q);
}

function axisOf(scale: Record<string, unknown>, values: readonly number[]): Record<string, unknown> {
  if (scale['type'] !== 'symlog') return {};
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return { values: symlogTicks(lo, hi) };
}

function quote(name: string): string {
  return `‘${name}’`;
}
