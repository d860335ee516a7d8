/**
 * The HTML report of a detection run: summary (data, detector and options, threshold and how it was chosen, what was
 * flagged, ROC-AUC / PR-AUC with labels), the score distribution with the threshold, ROC and PR curves with labels,
 * the series with its anomalies for time series, the top anomalies with their values and per-feature explanations
 * (a bar chart each), the flagged rows on the two most contributing features, and the model's settings.
 * Plots are Vega-Lite specs rendered to SVG here, at build time; the page is one file that needs nothing else.
 */
import type { Matrix } from '../core/matrix.ts';
import type { FeatureContribution } from '../explain/index.ts';
import { precisionRecallF1 } from '../metrics/index.ts';
import { packageVersion } from '../model-io/manifest.ts';
import type { ThresholdSpec } from '../thresholds/strategies.ts';
import { labelRanges } from '../timeseries/metrics/ranges.ts';
import { formatTimestamp } from '../timeseries/timestamps.ts';
import { el, Html, page, renderedSvg, table, type Content } from './page.ts';
import { contributionPlot, type Contribution } from './plots/contributions.ts';
import { labelCurves, prPlot, rocPlot, type Curves } from './plots/curves.ts';
import { scoreHistogram } from './plots/histogram.ts';
import { featureScatter } from './plots/scatter.ts';
import { seriesPlots, type SeriesInput } from './plots/series.ts';
import { formatNumber, type PlotSpec } from './plots/style.ts';
import { renderSvg } from './render.ts';
import { describeThreshold } from './threshold-text.ts';

export const DEFAULT_REPORT_TOP = 10;
/** features listed per anomaly in the overview table */
const TABLE_FEATURES = 3;

/** Per-feature contributions of some rows (rows × features), as `explainPipeline` gives them. */
export interface RowExplanation {
  method: string;
  description: string;
  features: readonly string[];
  contributions: Matrix;
}

export interface ReportInput {
  /** the data file (or a description of the input) */
  source: string;
  /** the command line that made the report, shown as is */
  command?: string | undefined;
  /** `options` undefined: not known (scores read back from a file) */
  detector: { name: string; title?: string | undefined; paper?: string | undefined; options?: Record<string, unknown> | undefined };
  /** other steps before the detector, in words (e.g. the scaling) */
  preprocessing?: string | undefined;
  threshold: number;
  /** how the threshold was set; undefined when unknown (scores read back from a file) */
  thresholdSpec?: ThresholdSpec | undefined;
  scores: ArrayLike<number>;
  /** 0/1 per row: above the threshold */
  flagged: ArrayLike<number>;
  /** 0/1 per row: the labels, when given */
  truth?: ArrayLike<number> | undefined;
  ids?: readonly string[] | undefined;
  /** tabular input: the rows as read (before scaling) and the feature names */
  table?: { X: Matrix; features: readonly string[] } | undefined;
  /** explains the given rows; called once, with the top anomalies */
  explain?: ((rows: readonly number[]) => RowExplanation) | undefined;
  /** top features saved with the scores (`--explain` results), when no `explain` is possible */
  savedExplanations?: readonly (readonly FeatureContribution[] | undefined)[] | undefined;
  /** time-series input: the series and, for several channels, each channel's score */
  series?: Omit<SeriesInput, 'scores' | 'threshold' | 'flagged' | 'truth'> | undefined;
  /** extra metrics for the summary, as [name, value] */
  metrics?: readonly (readonly [string, string])[] | undefined;
  /** what a row is, singular ('row' by default; 'session' for logs) */
  unit?: string | undefined;
  /** more about a listed row, one line each (e.g. the lines that made a log session anomalous), under `heading` */
  details?: { heading: string; of: (row: number) => readonly string[] } | undefined;
  /** a picture of each listed row, as trusted SVG (image reports: the image beside its anomaly map), under the table */
  pictures?: ((rows: readonly number[]) => readonly string[]) | undefined;
  /** how many top anomalies to list (default 10) */
  top?: number | undefined;
  fitSeconds?: number | undefined;
  /** anything the reader should know (shown under the summary) */
  notes?: readonly string[] | undefined;
}

export interface RenderedPlot extends PlotSpec {
  svg: string;
}

export interface Report {
  html: string;
  plots: RenderedPlot[];
  /** warnings of the plotting library (a spec it had to correct); empty when all is well */
  warnings: string[];
}

/** The rows to list: flagged rows by score, highest first; the highest-scoring rows when none is flagged. */
export function topRows(scores: ArrayLike<number>, flagged: ArrayLike<number>, top: number): { rows: number[]; flaggedOnly: boolean } {
  const all = Array.from({ length: scores.length }, (_, i) => i).filter((i) => Number.isFinite(scores[i]!));
  const anyFlagged = all.some((i) => flagged[i] === 1);
  const candidates = anyFlagged ? all.filter((i) => flagged[i] === 1) : all;
  candidates.sort((a, b) => scores[b]! - scores[a]! || a - b);
  return { rows: candidates.slice(0, top), flaggedOnly: anyFlagged };
}

interface Segment {
  start: number;
  end: number;
  peak: number;
}

/** Flagged stretches of a series by their peak score, highest first. */
export function topSegments(scores: ArrayLike<number>, flagged: ArrayLike<number>, top: number): Segment[] {
  const segments = labelRanges(flagged).map(([start, end]) => {
    let peak = start;
    for (let i = start; i <= end; i++) if (scores[i]! > scores[peak]!) peak = i;
    return { start, end, peak };
  });
  return segments.sort((a, b) => scores[b.peak]! - scores[a.peak]! || a.start - b.start).slice(0, top);
}

function count(values: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < values.length; i++) n += values[i] === 1 ? 1 : 0;
  return n;
}

function summaryRows(input: ReportInput, n: number, curves: Curves | undefined): [Content, Content][] {
  const flagged = count(input.flagged);
  const rows: [Content, Content][] = [
    ['data', el('code', {}, input.source)],
    [input.series ? 'timestamps' : `${input.unit ?? 'row'}s`, n],
  ];
  if (input.table) rows.push(['features', `${input.table.features.length}: ${preview(input.table.features)}`]);
  if (input.series) rows.push(['channels', `${input.series.channels.length}: ${preview(input.series.channels)}`]);
  rows.push(['detector', input.detector.title ? `${input.detector.name} (${input.detector.title})` : input.detector.name]);
  if (input.detector.paper) rows.push(['paper', input.detector.paper]);
  rows.push(['options', input.detector.options === undefined ? 'not recorded with the scores' : el('code', {}, optionsText(input.detector.options))]);
  if (input.preprocessing) rows.push(['preprocessing', input.preprocessing]);
  rows.push(['threshold', `${formatNumber(input.threshold)} — ${describeThreshold(input.thresholdSpec)}`]);
  rows.push(['flagged', el('span', { class: 'flag' }, `${flagged} of ${n} (${((100 * flagged) / Math.max(1, n)).toFixed(2)} %)`)]);
  if (input.truth !== undefined) {
    const anomalies = count(input.truth);
    rows.push(['labelled anomalies', `${anomalies} (${((100 * anomalies) / Math.max(1, n)).toFixed(2)} %)`]);
    if (curves !== undefined) {
      const at = precisionRecallF1(input.truth, input.flagged);
      rows.push(['ROC-AUC', curves.rocAuc.toFixed(4)]);
      rows.push(['PR-AUC (average precision)', curves.prAuc.toFixed(4)]);
      rows.push(['at the threshold', `precision ${at.precision.toFixed(4)}, recall ${at.recall.toFixed(4)}, F1 ${at.f1.toFixed(4)}`]);
    } else {
      rows.push(['ROC-AUC / PR-AUC', `need both classes in the labels; they hold ${anomalies === 0 ? 'no anomalies' : 'only anomalies'}`]);
    }
  }
  for (const [name, value] of input.metrics ?? []) rows.push([name, value]);
  if (input.fitSeconds !== undefined) rows.push(['fit time', `${input.fitSeconds.toFixed(2)} s`]);
  return rows;
}

function preview(names: readonly string[], max = 12): string {
  return names.length <= max ? names.join(', ') : `${names.slice(0, max).join(', ')}, … (${names.length - max} more)`;
}

function optionsText(options: Record<string, unknown>): string {
  return JSON.stringify(options, (_, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v));
}

/** The two features contributing most to the top anomalies; without contributions, the two whose flagged rows sit farthest from the rest (in standard deviations). */
function scatterColumns(X: Matrix, flagged: ArrayLike<number>, explanation: RowExplanation | undefined): [number, number] | undefined {
  if (X.cols < 2) return undefined;
  const weight = new Float64Array(X.cols);
  if (explanation !== undefined) {
    const c = explanation.contributions;
    for (let i = 0; i < c.rows; i++) for (let j = 0; j < c.cols; j++) weight[j]! += Math.max(0, c.data[i * c.cols + j]!);
  }
  if (!weight.some((w) => w > 0)) {
    for (let j = 0; j < X.cols; j++) {
      let sum = 0, sq = 0, fsum = 0, fn = 0;
      for (let i = 0; i < X.rows; i++) {
        const v = X.data[i * X.cols + j]!;
        sum += v;
        sq += v * v;
        if (flagged[i] === 1) {
          fsum += v;
          fn++;
        }
      }
      const mean = sum / X.rows;
      const std = Math.sqrt(Math.max(0, sq / X.rows - mean * mean));
      weight[j] = fn === 0 || std === 0 ? 0 : Math.abs(fsum / fn - mean) / std;
    }
  }
  const order = Array.from({ length: X.cols }, (_, j) => j).sort((a, b) => weight[b]! - weight[a]! || a - b);
  return [order[0]!, order[1]!];
}

export async function buildReport(input: ReportInput): Promise<Report> {
  const n = input.scores.length;
  const top = input.top ?? DEFAULT_REPORT_TOP;
  const notes = [...(input.notes ?? [])];
  const plots: PlotSpec[] = [];
  const sections: Content[] = [];
  const figures = new Map<string, Html>();
  const classes = input.truth ?? input.flagged;
  const classNames: [string, string] = input.truth !== undefined ? ['labelled normal', 'labelled anomaly'] : ['below the threshold', 'flagged'];
  plots.push(scoreHistogram({ scores: input.scores, threshold: input.threshold, classes, classNames }));
  const anomalies = input.truth === undefined ? 0 : count(input.truth);
  const curves = input.truth !== undefined && anomalies > 0 && anomalies < n ? labelCurves({ truth: input.truth, scores: input.scores, flagged: input.flagged }) : undefined;
  if (curves) plots.push(rocPlot(curves), prPlot(curves));
  if (input.series) {
    plots.push(...seriesPlots({ ...input.series, scores: input.scores, threshold: input.threshold, flagged: input.flagged, truth: input.truth }));
  }

  // top anomalies
  let topSection: Content | (() => Content);
  let explanation: RowExplanation | undefined;
  if (input.series) {
    topSection = seriesTop(input, top);
  } else {
    const { rows, flaggedOnly } = topRows(input.scores, input.flagged, top);
    if (!flaggedOnly) notes.push(`No row is above the threshold; the ${rows.length} highest-scoring rows are listed instead.`);
    if (input.explain !== undefined && rows.length > 0) {
      try {
        explanation = input.explain(rows);
      } catch (error) {
        notes.push(`The per-feature explanation failed, so the report has none: ${(error as Error).message}`);
      }
    }
    const perRow = rows.map((row, r) => contributionsOf(input, row, r, explanation));
    perRow.forEach((contributions, r) => {
      if (contributions !== undefined && contributions.length > 0) {
        plots.push(contributionPlot(`contributions-${r + 1}`, `#${r + 1}: ${rowName(input, rows[r]!)}, score ${formatNumber(input.scores[rows[r]!]!)}`, contributions, input.table?.features.length ?? contributions.length));
      }
    });
    if (input.table !== undefined && rows.length > 0) {
      const columns = scatterColumns(input.table.X, input.flagged, explanation);
      if (columns !== undefined) plots.push(featureScatter({ X: input.table.X, features: input.table.features, columns, scores: input.scores, flagged: input.flagged, top: rows }));
    }
    topSection = tabularTop(input, rows, perRow, explanation, figures);
    if (input.pictures !== undefined && rows.length > 0) {
      const svgs = input.pictures(rows);
      const listing = topSection;
      const gallery = el('div', { class: 'row' }, rows.map((row, r) => el('figure', { id: `picture-${r + 1}` }, renderedSvg(svgs[r] ?? ''), el('figcaption', {}, `#${r + 1}: ${rowName(input, row)}, score ${formatNumber(input.scores[row]!)}`))));
      topSection = () => [typeof listing === 'function' ? listing() : listing, gallery];
    }
  }

  const warnings: string[] = [];
  const rendered: RenderedPlot[] = [];
  for (const plot of plots) {
    const svg = await renderSvg(plot.spec, plot.id, warnings);
    rendered.push({ ...plot, svg });
    figures.set(plot.id, figure(plot, svg));
  }
  // the per-anomaly cards hold their bar charts, rendered above
  const topContent: Content = typeof topSection === 'function' ? topSection() : topSection;

  const title = `Anomaly report: ${input.source}`;
  sections.push(el('h1', {}, title));
  sections.push(el('p', { class: 'meta' }, `dadkit ${packageVersion()} · ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}`, input.command ? [' · ', el('code', {}, input.command)] : undefined));
  sections.push(el('h2', { id: 'summary' }, 'Summary'));
  sections.push(el('table', { class: 'summary' }, el('tbody', {}, summaryRows(input, n, curves).map(([k, v]) => el('tr', {}, el('th', {}, k), el('td', {}, v))))));
  if (notes.length > 0) sections.push(el('ul', { class: 'notes' }, notes.map((t) => el('li', {}, t))));
  sections.push(el('h2', { id: 'scores' }, 'Scores'), figures.get('score-histogram'));
  if (curves) sections.push(el('h2', { id: 'evaluation' }, 'Against the labels'), el('div', { class: 'row' }, figures.get('roc-curve'), figures.get('pr-curve')));
  if (input.series) sections.push(el('h2', { id: 'series' }, 'Series'), figures.get('series'), figures.get('channel-scores'));
  sections.push(el('h2', { id: 'top' }, input.series ? 'Top anomalous stretches' : 'Top anomalies'), topContent);
  if (figures.has('feature-scatter')) sections.push(el('h2', { id: 'features' }, 'Feature view'), figures.get('feature-scatter'));
  sections.push(el('h2', { id: 'settings' }, 'Model settings'), el('pre', {}, JSON.stringify({
    detector: input.detector.name,
    options: input.detector.options ?? 'not recorded with the scores',
    ...(input.preprocessing ? { preprocessing: input.preprocessing } : {}),
    threshold: input.threshold,
    ...(input.thresholdSpec ? { thresholdSpec: input.thresholdSpec } : {}),
  }, null, 2)));
  return { html: page(title, sections), plots: rendered, warnings };
}

function figure(plot: PlotSpec, svg: string): Html {
  return el('figure', { id: `plot-${plot.id}` }, renderedSvg(svg), el('figcaption', {}, plot.caption));
}

function signed(v: number): string {
  return v >= 0 ? `+${formatNumber(v)}` : formatNumber(v);
}

function rowName(input: ReportInput, row: number): string {
  const id = input.ids?.[row];
  const unit = input.unit ?? 'row';
  return id === undefined ? `${unit} ${row + 1}` : `${unit} ${row + 1} (id ${id})`;
}

/** All features' contributions of one top row, from the explanation, else from the saved top features. */
function contributionsOf(input: ReportInput, row: number, rank: number, explanation: RowExplanation | undefined): Contribution[] | undefined {
  const value = (feature: number): number | undefined => (input.table === undefined ? undefined : input.table.X.data[row * input.table.X.cols + feature]);
  if (explanation !== undefined) {
    const c = explanation.contributions;
    return explanation.features.map((feature, j) => ({ feature, contribution: c.data[rank * c.cols + j]!, value: value(j) }));
  }
  const saved = input.savedExplanations?.[row];
  if (saved === undefined) return undefined;
  const index = new Map((input.table?.features ?? []).map((f, j) => [f, j]));
  return saved.map((s) => ({ feature: s.feature, contribution: s.contribution, value: index.has(s.feature) ? value(index.get(s.feature)!) : undefined }));
}

function tabularTop(input: ReportInput, rows: readonly number[], perRow: readonly (Contribution[] | undefined)[], explanation: RowExplanation | undefined, figures: Map<string, Html>): () => Content {
  return () => {
    if (rows.length === 0) return el('p', {}, `No ${input.unit ?? 'row'}s to list.`);
    const headers: Content[] = ['#', input.unit ?? 'row'];
    if (input.ids) headers.push('id');
    headers.push('score');
    if (input.truth) headers.push('label');
    const explained = perRow.some((c) => c !== undefined);
    if (explained) headers.push('top features: value (contribution)');
    if (input.details) headers.push(input.details.heading);
    const tableRows = rows.map((row, r) => {
      const cells: Content[] = [r + 1, row + 1];
      if (input.ids) cells.push(input.ids[row] ?? '');
      cells.push(formatNumber(input.scores[row]!));
      if (input.truth) cells.push(input.truth[row] === 1 ? el('span', { class: 'flag' }, 'anomaly') : 'normal');
      if (explained) {
        const top = [...(perRow[r] ?? [])].sort((a, b) => b.contribution - a.contribution).slice(0, TABLE_FEATURES);
        cells.push(top.map((c, k) => [k > 0 ? '; ' : '', el('b', {}, c.feature), c.value === undefined ? '' : ` = ${formatNumber(c.value)}`, ` (${signed(c.contribution)})`]));
      }
      if (input.details) {
        const lines = input.details.of(row);
        cells.push(lines.length === 0 ? '—' : lines.map((line, k) => [k > 0 ? el('br', {}) : '', line]));
      }
      return cells;
    });
    const parts: Content[] = [table(headers, tableRows)];
    if (explanation !== undefined) parts.push(el('p', { class: 'meta' }, `Explanations: ${explanation.description} (${explanation.method}).`));
    else if (explained) parts.push(el('p', { class: 'meta' }, 'Explanations: the top features saved with the scores.'));
    const cards = rows.map((_, r) => figures.get(`contributions-${r + 1}`)).filter((f) => f !== undefined);
    if (cards.length > 0) parts.push(el('div', { class: 'cards' }, cards.map((f) => el('div', { class: 'card' }, f))));
    return parts;
  };
}

function seriesTop(input: ReportInput, top: number): Content {
  const series = input.series!;
  const segments = topSegments(input.scores, input.flagged, top);
  if (segments.length === 0) return el('p', {}, 'No timestamp is above the threshold.');
  // '2024-01-29 11:20:00' rather than ISO's T and milliseconds: the table stays narrow; the header says UTC
  const time = (i: number): string => (series.timestamps === undefined ? String(i + 1) : formatTimestamp(series.timestamps[i]!, series.numericTime).replace(/^(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)(\.000)?Z$/, '$1 $2'));
  const utc = series.timestamps !== undefined && !series.numericTime ? ' (UTC)' : '';
  const cs = series.channelScores;
  const headers: Content[] = ['#', series.timestamps === undefined ? 'rows' : `from${utc}`, ...(series.timestamps === undefined ? [] : [`to${utc}`]), 'samples', 'peak score', `peak at${utc}`];
  if (input.truth) headers.push('labelled');
  if (cs !== undefined && cs.cols > 1) headers.push('channels at the peak (channel score)');
  const rows = segments.map((s, r) => {
    const cells: Content[] = [r + 1];
    if (series.timestamps === undefined) cells.push(`${s.start + 1}–${s.end + 1}`);
    else cells.push(time(s.start), time(s.end));
    cells.push(s.end - s.start + 1, formatNumber(input.scores[s.peak]!), time(s.peak));
    if (input.truth) {
      let hit = 0;
      for (let i = s.start; i <= s.end; i++) hit += input.truth[i] === 1 ? 1 : 0;
      cells.push(hit === 0 ? 'no' : el('span', { class: 'flag' }, `${hit} of ${s.end - s.start + 1}`));
    }
    if (cs !== undefined && cs.cols > 1) {
      const order = Array.from({ length: cs.cols }, (_, c) => c).sort((a, b) => cs.data[s.peak * cs.cols + b]! - cs.data[s.peak * cs.cols + a]!);
      cells.push(order.slice(0, 3).map((c, k) => [k > 0 ? '; ' : '', el('b', {}, series.channels[c] ?? `channel ${c}`), ` (${formatNumber(cs.data[s.peak * cs.cols + c]!)})`]));
    }
    return cells;
  });
  return table(headers, rows);
}
