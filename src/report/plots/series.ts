/**
 * A time series with its anomalies marked: one panel per channel (the values, flagged stretches shaded red, labelled
 * anomalies as an orange strip along the bottom), a panel of the anomaly score with the threshold, and for several
 * channels a plot of each channel's own score. Long series are drawn as per-bucket minimum and maximum, so a spike
 * of one sample still shows; the caption says how many samples were thinned to how many points.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { Matrix } from '../../core/matrix.ts';
import { column } from '../../core/matrix.ts';
import { labelRanges, type Range } from '../../timeseries/metrics/ranges.ts';
import { lineEnvelope, mergeRanges } from '../downsample.ts';
import { base, COLORS, formatNumber, type PlotSpec } from './style.ts';

export const LINE_BUCKETS = 1000;
export const MAX_CHANNELS = 10;
/** flagged stretches closer than 1/600 of the series are drawn as one band */
const BAND_RESOLUTION = 600;
const WIDTH = 860;
const PANEL = 100;

export interface SeriesInput {
  /** milliseconds since the epoch, or plain numbers when `numericTime`; rows are numbered without */
  timestamps?: ArrayLike<number> | undefined;
  numericTime: boolean;
  /** the values, T × channels; absent when only scores are known */
  values?: Matrix | undefined;
  channels: readonly string[];
  scores: ArrayLike<number>;
  threshold: number;
  flagged: ArrayLike<number>;
  truth?: ArrayLike<number> | undefined;
  /** each channel's score, T × channels */
  channelScores?: Matrix | undefined;
}

interface Axis {
  x: (i: number) => number;
  encoding: Record<string, unknown>;
}

function timeAxis(input: SeriesInput, n: number): Axis {
  const ts = input.timestamps;
  const x = ts === undefined ? (i: number) => i : (i: number) => ts[i]!;
  const temporal = ts !== undefined && !input.numericTime;
  const domain = [x(0), x(Math.max(0, n - 1))];
  return {
    x,
    encoding: temporal
      ? // no explicit domain: vega-lite turns a temporal one into datetime signals that conflict across layers
        { field: 'x', type: 'temporal', title: 'time (UTC)', scale: { type: 'utc', nice: false } }
      : { field: 'x', type: 'quantitative', title: ts === undefined ? 'row' : 'time', scale: { domain, nice: false, zero: false } },
  };
}

function bandLayer(ranges: readonly Range[], axis: Axis, n: number, mark: Record<string, unknown>, strip: boolean): Record<string, unknown>[] {
  if (ranges.length === 0) return [];
  const values = ranges.map(([s, e]) => ({ x: axis.x(s), x2: axis.x(Math.min(e + 1, n - 1)) }));
  const encoding: Record<string, unknown> = { x: axis.encoding, x2: { field: 'x2' } };
  if (strip) Object.assign(encoding, { y: { value: PANEL - 7 }, y2: { value: PANEL } });
  // the stroke keeps a stretch of one sample in a long series at least a pixel wide
  return [{ data: { values }, mark: { type: 'rect', strokeWidth: 1, ...mark }, encoding }];
}

/**
 * Flagged samples as shading. Few stretches: each one exactly. Many (scattered flags in a long series): one band per
 * bucket of 1/600 of the series that holds any, darker the larger its flagged share, so the shading stays truthful
 * instead of merging into one block.
 */
function flaggedLayer(flagged: ArrayLike<number>, axis: Axis, n: number): { layers: Record<string, unknown>[]; note: string } {
  const ranges = labelRanges(flagged);
  if (ranges.length <= BAND_RESOLUTION) {
    return { layers: bandLayer(ranges, axis, n, { color: COLORS.flagged, stroke: COLORS.flagged, opacity: 0.2 }, false), note: '' };
  }
  const size = Math.ceil(n / BAND_RESOLUTION);
  const values: Record<string, number>[] = [];
  for (let start = 0; start < n; start += size) {
    const end = Math.min(n, start + size);
    let hits = 0;
    for (let i = start; i < end; i++) hits += flagged[i] === 1 ? 1 : 0;
    if (hits > 0) values.push({ x: axis.x(start), x2: axis.x(Math.min(end, n - 1)), share: hits / (end - start) });
  }
  return {
    layers: [{
      data: { values },
      mark: { type: 'rect', color: COLORS.flagged },
      encoding: { x: axis.encoding, x2: { field: 'x2' }, opacity: { field: 'share', type: 'quantitative', scale: { domain: [0, 1], range: [0.08, 0.6] }, legend: null } },
    }],
    note: ` The ${ranges.length} flagged stretches are shaded per bucket of ${size} samples, darker the larger the flagged share.`,
  };
}

function linePanel(title: string, values: ArrayLike<number>, axis: Axis, bands: Record<string, unknown>[], extra: Record<string, unknown>[] = [], last = true): Record<string, unknown> {
  const points = lineEnvelope(values, LINE_BUCKETS).map((p) => ({ x: axis.x(p.index), v: p.value }));
  // panels above the last share its time axis: ticks only, no labels or title
  const x = last ? axis.encoding : { ...axis.encoding, axis: { labels: false, title: null } };
  return {
    width: WIDTH,
    height: PANEL,
    title: { text: title, fontSize: 11, fontWeight: 'normal', anchor: 'start' },
    layer: [
      ...bands,
      {
        data: { values: points },
        mark: { type: 'line', color: COLORS.line, strokeWidth: 1 },
        encoding: { x, y: { field: 'v', type: 'quantitative', title: null, scale: { zero: false } } },
      },
      ...extra,
    ],
  };
}

/** Channels to draw: all when few, else those whose own score peaks highest (the first ones without channel scores). */
export function channelsToDraw(input: SeriesInput, count: number): number[] {
  const all = Array.from({ length: count }, (_, c) => c);
  if (count <= MAX_CHANNELS) return all;
  const cs = input.channelScores;
  if (cs === undefined) return all.slice(0, MAX_CHANNELS);
  const peak = all.map((c) => {
    let m = -Infinity;
    for (let i = 0; i < cs.rows; i++) m = Math.max(m, cs.data[i * cs.cols + c]!);
    return m;
  });
  return all.sort((a, b) => peak[b]! - peak[a]! || a - b).slice(0, MAX_CHANNELS).sort((a, b) => a - b);
}

export function seriesPlots(input: SeriesInput): PlotSpec[] {
  const n = input.scores.length;
  const axis = timeAxis(input, n);
  const gap = Math.max(1, Math.floor(n / BAND_RESOLUTION));
  const { layers: flaggedBands, note: merged } = flaggedLayer(input.flagged, axis, n);
  // labelled anomalies are few stretches; closer ones merge only below a pixel's worth of samples
  const truth = input.truth === undefined ? [] : mergeRanges(labelRanges(input.truth), gap);
  const truthBands = bandLayer(truth, axis, n, { color: COLORS.truth, stroke: COLORS.truth }, true);
  const thinned = n > 2 * LINE_BUCKETS ? ` Each line has ${n} samples, drawn as the minimum and maximum of ${LINE_BUCKETS} buckets.` : '';
  const plots: PlotSpec[] = [];
  const panels: Record<string, unknown>[] = [];
  let shown: number[] = [];
  if (input.values !== undefined) {
    shown = channelsToDraw(input, input.values.cols);
    for (const c of shown) panels.push(linePanel(input.channels[c] ?? `channel ${c}`, column(input.values, c), axis, [...flaggedBands, ...truthBands], [], false));
  }
  const rule = {
    data: { values: [{ threshold: input.threshold }] },
    mark: { type: 'rule', color: COLORS.threshold, strokeDash: [5, 3] },
    encoding: { y: { field: 'threshold', type: 'quantitative' } },
  };
  panels.push(linePanel(`anomaly score (dashed: threshold ${formatNumber(input.threshold)})`, input.scores, axis, [...flaggedBands, ...truthBands], [rule]));
  const title = 'Series with anomalies marked';
  const omitted = input.values !== undefined && shown.length < input.values.cols
    ? ` ${shown.length} of ${input.values.cols} channels are drawn${input.channelScores ? ' (those whose own score peaks highest)' : ''}.`
    : '';
  plots.push({
    id: 'series',
    title,
    caption: `${input.values === undefined ? 'The anomaly score' : 'Each channel, then the anomaly score'} over time; red shading marks the flagged samples${input.truth === undefined ? '' : ', the orange strip the labelled anomalies'}.${omitted}${thinned}${merged}`,
    spec: { ...base(title), spacing: 12, vconcat: panels } as unknown as TopLevelSpec,
  });
  const cs = input.channelScores;
  if (cs !== undefined && cs.cols > 1) {
    const drawn = channelsToDraw(input, cs.cols);
    const values: Record<string, unknown>[] = [];
    for (const c of drawn) {
      const name = input.channels[c] ?? `channel ${c}`;
      for (const p of lineEnvelope(column(cs, c), LINE_BUCKETS / 2)) values.push({ x: axis.x(p.index), v: p.value, channel: name });
    }
    const heading = 'Score per channel';
    plots.push({
      id: 'channel-scores',
      title: heading,
      caption: `Each channel's own anomaly score: the channel that scores high at a flagged time is the one that carries the anomaly.${drawn.length < cs.cols ? ` The ${drawn.length} channels whose score peaks highest are drawn, of ${cs.cols}.` : ''}${thinned}`,
      spec: {
        ...base(heading),
        width: WIDTH,
        height: 160,
        layer: [
          ...flaggedBands,
          {
            data: { values },
            mark: { type: 'line', strokeWidth: 1 },
            encoding: {
              x: axis.encoding,
              y: { field: 'v', type: 'quantitative', title: 'channel score' },
              color: { field: 'channel', type: 'nominal', title: null, sort: null },
            },
          },
        ],
      } as unknown as TopLevelSpec,
    });
  }
  return plots;
}
