/**
 * A plain SVG plot of a series with its anomalies marked: one panel per channel (values as a line, flagged timestamps
 * shaded red, labelled anomalies, when known, as an orange band at the bottom) and a last panel of the scores with the
 * threshold. Stands in until the HTML report lands; no dependencies, readable in any browser.
 */
import type { Matrix } from '../core/matrix.ts';
import { labelRanges } from '../timeseries/metrics/ranges.ts';

export interface SeriesPlot {
  title: string;
  values: Matrix;
  channels: string[];
  scores: ArrayLike<number>;
  threshold: number;
  flagged: ArrayLike<number>;
  labels?: ArrayLike<number> | undefined;
}

const WIDTH = 1000;
const PANEL = 120;
const GAP = 28;
const LEFT = 60;
/** at most this many points per line: long series are drawn as per-pixel min / max */
const MAX_POINTS = 2000;

export function seriesSvg(plot: SeriesPlot): string {
  const n = plot.values.rows;
  const panels = plot.values.cols + 1;
  const height = GAP + panels * (PANEL + GAP);
  const x = (i: number): number => LEFT + ((WIDTH - LEFT - 10) * i) / Math.max(1, n - 1);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${LEFT}" y="16" font-size="13">${escape(plot.title)}</text>`,
  ];
  const bands = (top: number, ranges: readonly (readonly [number, number])[], fill: string, h = PANEL): void => {
    for (const [s, e] of ranges) parts.push(`<rect x="${x(s).toFixed(1)}" y="${top}" width="${Math.max(1, x(e) - x(s)).toFixed(1)}" height="${h}" fill="${fill}"/>`);
  };
  const line = (top: number, values: ArrayLike<number>, name: string, color: string, extra?: number): void => {
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < values.length; i++) {
      min = Math.min(min, values[i]!);
      max = Math.max(max, values[i]!);
    }
    if (extra !== undefined && Number.isFinite(extra)) {
      min = Math.min(min, extra);
      max = Math.max(max, extra);
    }
    if (max === min) max = min + 1;
    const y = (v: number): number => top + PANEL - ((v - min) / (max - min)) * PANEL;
    const step = Math.max(1, Math.ceil(values.length / MAX_POINTS));
    const points: string[] = [];
    for (let i = 0; i < values.length; i += step) {
      let lo = values[i]!;
      let hi = values[i]!;
      for (let k = i; k < Math.min(values.length, i + step); k++) {
        lo = Math.min(lo, values[k]!);
        hi = Math.max(hi, values[k]!);
      }
      points.push(`${x(i).toFixed(1)},${y(hi).toFixed(1)}`);
      if (step > 1) points.push(`${x(i).toFixed(1)},${y(lo).toFixed(1)}`);
    }
    parts.push(`<rect x="${LEFT}" y="${top}" width="${WIDTH - LEFT - 10}" height="${PANEL}" fill="none" stroke="#ccc"/>`);
    parts.push(`<polyline fill="none" stroke="${color}" stroke-width="1" points="${points.join(' ')}"/>`);
    parts.push(`<text x="${LEFT}" y="${top - 4}">${escape(name)}</text>`);
    parts.push(`<text x="${LEFT - 4}" y="${top + 10}" text-anchor="end">${fmt(max)}</text>`);
    parts.push(`<text x="${LEFT - 4}" y="${top + PANEL}" text-anchor="end">${fmt(min)}</text>`);
    if (extra !== undefined && Number.isFinite(extra)) {
      parts.push(`<line x1="${LEFT}" x2="${WIDTH - 10}" y1="${y(extra).toFixed(1)}" y2="${y(extra).toFixed(1)}" stroke="red" stroke-dasharray="4 3"/>`);
    }
  };
  const flagged = labelRanges(Array.from(plot.flagged));
  const truth = plot.labels === undefined ? [] : labelRanges(Array.from(plot.labels));
  for (let c = 0; c < plot.values.cols; c++) {
    const top = GAP + c * (PANEL + GAP) + 10;
    bands(top, flagged, 'rgba(220,0,0,0.18)');
    bands(top + PANEL - 6, truth, 'rgba(255,140,0,0.9)', 6);
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) v[i] = plot.values.data[i * plot.values.cols + c]!;
    line(top, v, plot.channels[c] ?? `channel ${c}`, '#1f4e9c');
  }
  const top = GAP + plot.values.cols * (PANEL + GAP) + 10;
  line(top, plot.scores, `anomaly score (threshold ${fmt(plot.threshold)}, dashed)`, '#333', plot.threshold);
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

function fmt(v: number): string {
  return Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-2 && v !== 0) ? v.toExponential(2) : v.toFixed(2);
}

function escape(s: string): string {
  return s.replace(/[<>&"]/g, (ch) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[ch]!);
}
