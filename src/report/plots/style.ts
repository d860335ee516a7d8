/**
 * The look every report plot shares: one font the browser and the PNG renderer both have (DejaVu, with sans-serif as
 * the fallback), white background, and no per-mark ARIA labels (thousands of points would each carry one; the
 * figure's caption describes the plot instead).
 */
import type { TopLevelSpec } from 'vega-lite';

export const COLORS = {
  normal: '#8a94a6',
  flagged: '#d62728',
  truth: '#ff7f0e',
  line: '#1f4e9c',
  threshold: '#d62728',
  negative: '#4c78a8',
} as const;

export const FONT = 'DejaVu Sans, Verdana, sans-serif';

/** A plot the report shows and exports: `id` names its PNG file and prefixes its SVG ids. */
export interface PlotSpec {
  id: string;
  title: string;
  /** what the plot shows, including any thinning of the data */
  caption: string;
  spec: TopLevelSpec;
}

/** The top-level properties every spec starts from. */
export function base(title: string): Record<string, unknown> {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, anchor: 'start', fontSize: 13 },
    background: 'white',
    padding: 8,
    config: {
      font: FONT,
      view: { stroke: '#ddd' },
      mark: { aria: false },
      axis: { labelFontSize: 10, titleFontSize: 11, gridColor: '#eee' },
      legend: { labelFontSize: 10, titleFontSize: 11, orient: 'top' },
    },
  };
}

/** Short text for a number on a plot or in a table. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v) && Math.abs(v) < 1e9) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a >= 1e5 || a < 1e-3) ? v.toExponential(3) : String(Number(v.toPrecision(4)));
}
