/**
 * One anomaly's explanation as horizontal bars: the features with the largest contributions (what pushed its score
 * up in red, what pulled it down in blue), each labelled with the row's value of that feature.
 */
import type { TopLevelSpec } from 'vega-lite';
import { base, COLORS, formatNumber, type PlotSpec } from './style.ts';

export interface Contribution {
  feature: string;
  contribution: number;
  /** the row's value of the feature, when the report has the data */
  value?: number | undefined;
}

export const MAX_BARS = 8;

/** The `MAX_BARS` largest contributions by size, largest first. */
export function largestContributions(contributions: readonly Contribution[], max = MAX_BARS): Contribution[] {
  return [...contributions]
    .filter((c) => Number.isFinite(c.contribution))
    .sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution) || a.feature.localeCompare(b.feature))
    .slice(0, max);
}

export function contributionPlot(id: string, heading: string, contributions: readonly Contribution[], total: number): PlotSpec {
  const shown = largestContributions(contributions);
  // Feature names are unique within a table, so the labels are too; they stay data (never part of an expression).
  const values = shown.map((c) => ({
    label: truncate(c.value === undefined ? c.feature : `${c.feature} = ${formatNumber(c.value)}`, 48),
    contribution: c.contribution,
    sign: c.contribution >= 0 ? 'raises the score' : 'lowers the score',
  }));
  const spec = {
    ...base(heading),
    width: 300,
    height: { step: 20 },
    data: { values },
    mark: { type: 'bar', height: 14 },
    encoding: {
      y: { field: 'label', type: 'nominal', title: null, sort: null, axis: { labelLimit: 280 } },
      x: { field: 'contribution', type: 'quantitative', title: 'contribution to the score' },
      color: { field: 'sign', type: 'nominal', title: null, scale: { domain: ['raises the score', 'lowers the score'], range: [COLORS.flagged, COLORS.negative] }, legend: null },
    },
  } as unknown as TopLevelSpec;
  const hidden = total - shown.length;
  return {
    id,
    title: heading,
    caption: `${hidden > 0 ? `The ${shown.length} largest of ${total} per-feature contributions` : 'Each feature\'s contribution'}, labelled with the row's value; red bars push the score up, blue ones pull it down.`,
    spec,
  };
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
