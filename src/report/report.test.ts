import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMatrix, fromRows } from '../core/matrix.ts';
import { Rng } from '../core/rng.ts';
import { averagePrecision, rocAuc } from '../metrics/index.ts';
import { lineEnvelope, mergeRanges, sampleIndices, thinPoints } from './downsample.ts';
import { escapeHtml } from './escape.ts';
import { contributionPlot } from './plots/contributions.ts';
import { labelCurves, prPlot, rocPlot } from './plots/curves.ts';
import { scoreBins, scoreHistogram } from './plots/histogram.ts';
import { featureScatter } from './plots/scatter.ts';
import { seriesPlots } from './plots/series.ts';
import { prefixIds, renderSvg, svgToPng } from './render.ts';
import { buildReport, topRows, topSegments } from './report.ts';

const HOSTILE = `<script>alert("x")</script>&'`;

test('escapeHtml: markup characters become entities, for text and quoted attributes', () => {
  assert.equal(escapeHtml(HOSTILE), '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;');
  assert.equal(escapeHtml('plain'), 'plain');
});

test('prefixIds: ids and their references get the prefix, other urls stay', () => {
  const svg = '<svg><clipPath id="clip1"><rect/></clipPath><g clip-path="url(#clip1)"/><use href="#clip1"/><g fill="url(#other)"/></svg>';
  assert.equal(prefixIds(svg, 'a'), '<svg><clipPath id="a-clip1"><rect/></clipPath><g clip-path="url(#a-clip1)"/><use href="#a-clip1"/><g fill="url(#other)"/></svg>');
});

test('downsampling: envelopes keep spikes, curves keep their ends, samples are distinct and seeded, ranges merge', () => {
  const values = new Float64Array(100_000);
  values[54_321] = 9;
  values[77_777] = -4;
  const line = lineEnvelope(values, 500);
  assert.ok(line.length <= 1000);
  assert.ok(line.some((p) => p.index === 54_321 && p.value === 9));
  assert.ok(line.some((p) => p.index === 77_777 && p.value === -4));
  assert.ok(line.every((p, k) => k === 0 || p.index > line[k - 1]!.index));
  assert.equal(lineEnvelope([1, Number.NaN, 3], 10).length, 2);
  const thin = thinPoints(Array.from({ length: 10_001 }, (_, i) => i), 100);
  assert.equal(thin.length, 100);
  assert.equal(thin[0], 0);
  assert.equal(thin[99], 10_000);
  const sample = sampleIndices(1_000_000, 4000, 3);
  assert.equal(new Set(sample).size, 4000);
  assert.deepEqual(sample, sampleIndices(1_000_000, 4000, 3));
  assert.ok(sample.every((v, k) => v >= 0 && v < 1_000_000 && (k === 0 || v > sample[k - 1]!)));
  assert.deepEqual(sampleIndices(3, 10), [0, 1, 2]);
  assert.deepEqual(mergeRanges([[0, 1], [3, 4], [20, 22]], 2), [[0, 4], [20, 22]]);
});

test('score bins count every finite score once and span the threshold', () => {
  const scores = [0.1, 0.2, 0.2, 0.9, Number.NaN];
  const { bins, skipped } = scoreBins({ scores, threshold: 1.5, classes: [0, 0, 0, 1, 0], classNames: ['a', 'b'], bins: 10 });
  assert.equal(skipped, 1);
  assert.equal(bins.reduce((s, b) => s + b.count, 0), 4);
  assert.equal(bins.filter((b) => b.group === 'b').reduce((s, b) => s + b.count, 0), 1);
  // the range runs from the lowest score to the threshold: 10 bins of (1.5 − 0.1) / 10
  assert.ok(bins.every((b) => Math.abs(b.end - b.start - 0.14) < 1e-12));
  assert.equal(bins[0]!.start, 0.1);
});

test('curve areas integrated from the curves equal rocAuc and averagePrecision', () => {
  const rng = new Rng(4);
  const truth = Array.from({ length: 400 }, (_, i) => (i % 9 === 0 ? 1 : 0));
  const scores = truth.map((t) => Math.round((rng.normal() + 1.2 * t) * 20) / 20); // ties on purpose
  const flagged = scores.map((s) => (s > 1 ? 1 : 0));
  const curves = labelCurves({ truth, scores, flagged });
  assert.ok(Math.abs(curves.rocAuc - rocAuc(truth, scores)) < 1e-12);
  assert.ok(Math.abs(curves.prAuc - averagePrecision(truth, scores)) < 1e-12);
});

test('every spec builder renders to SVG with marks and without a plotting-library warning', async () => {
  const rng = new Rng(1);
  const n = 3000;
  const X = createMatrix(n, 3);
  for (let i = 0; i < X.data.length; i++) X.data[i] = rng.normal();
  const scores = Float64Array.from({ length: n }, (_, i) => Math.abs(X.data[i * 3]!));
  const flagged = Uint8Array.from(scores, (s) => (s > 2 ? 1 : 0));
  const truth = Uint8Array.from(scores, (s, i) => (s > 2.2 || i === 5 ? 1 : 0));
  const times = Float64Array.from({ length: n }, (_, i) => Date.UTC(2024, 0, 1) + i * 60_000);
  const plots = [
    scoreHistogram({ scores, threshold: 2, classes: truth, classNames: ['labelled normal', 'labelled anomaly'] }),
    rocPlot(labelCurves({ truth, scores, flagged })),
    prPlot(labelCurves({ truth, scores, flagged })),
    contributionPlot('contributions-1', `#1: ${HOSTILE}`, [{ feature: HOSTILE, contribution: 2, value: 1.5 }, { feature: 'b', contribution: -0.5 }], 2),
    featureScatter({ X, features: ['a', HOSTILE, 'c'], columns: [0, 1], scores, flagged, top: [0, 1, 2] }),
    ...seriesPlots({ timestamps: times, numericTime: false, values: X, channels: ['a', HOSTILE, 'c'], channelScores: X, scores, threshold: 2, flagged, truth }),
    ...seriesPlots({ numericTime: true, channels: ['a'], scores, threshold: 2, flagged }),
  ];
  const warnings: string[] = [];
  for (const plot of plots) {
    const svg = await renderSvg(plot.spec, plot.id, warnings);
    assert.match(svg, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/, plot.id);
    assert.match(svg, /class="mark-(rect|line|symbol|rule|text)[^"]*"[^>]*>\s*<(path|line|text)/, `${plot.id} has marks`);
    assert.ok(!svg.includes('<script'), plot.id);
    assert.ok(plot.caption.length > 0);
  }
  assert.deepEqual(warnings, []);
  const png = svgToPng(await renderSvg(plots[0]!.spec));
  assert.deepEqual([...png.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
});

test('top rows: flagged rows by score, else the highest scores; top segments by their peak', () => {
  assert.deepEqual(topRows([0.1, 0.9, 0.5, 0.7], [0, 1, 0, 1], 5), { rows: [1, 3], flaggedOnly: true });
  assert.deepEqual(topRows([0.1, 0.9, 0.5], [0, 0, 0], 2), { rows: [1, 2], flaggedOnly: false });
  assert.deepEqual(topSegments([0, 5, 6, 0, 9, 0], [0, 1, 1, 0, 1, 0], 5), [{ start: 4, end: 4, peak: 4 }, { start: 1, end: 2, peak: 2 }]);
});

test('buildReport: user strings from headers, ids and file names are escaped; no script; sections as the input allows', async () => {
  const X = fromRows([[1, 10], [2, 11], [3, 12], [40, 13], [5, 140], [6, 15]]);
  const scores = [0.1, 0.2, 0.15, 0.9, 0.8, 0.12];
  const flagged = [0, 0, 0, 1, 1, 0];
  const report = await buildReport({
    source: `data/${HOSTILE}.csv`,
    detector: { name: 'iforest', options: { note: HOSTILE } },
    threshold: 0.5,
    thresholdSpec: { method: 'contamination', contamination: 0.3 },
    scores,
    flagged,
    truth: [0, 0, 0, 1, 0, 0],
    ids: ['a', 'b', 'c', HOSTILE, 'e', 'f'],
    table: { X, features: [HOSTILE, `"quoted" & more`] },
    explain: (rows) => ({ method: 'exact', description: 'test', features: [HOSTILE, `"quoted" & more`], contributions: fromRows(rows.map((r) => [X.data[r * 2]!, X.data[r * 2 + 1]! / 10])) }),
  });
  assert.deepEqual(report.warnings, []);
  assert.ok(!/<script/i.test(report.html), 'no script element, and no unescaped user text');
  assert.match(report.html, /&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt;/);
  assert.match(report.html, /ROC-AUC<\/th><td>1\.0000/);
  assert.match(report.html, /contamination 0\.3: the 70 % quantile/);
  for (const id of ['score-histogram', 'roc-curve', 'pr-curve', 'contributions-1', 'contributions-2', 'feature-scatter']) {
    assert.match(report.html, new RegExp(`<figure id="plot-${id}"><svg`), id);
  }
  assert.deepEqual(report.plots.map((p) => p.id), ['score-histogram', 'roc-curve', 'pr-curve', 'contributions-1', 'contributions-2', 'feature-scatter']);
  // ids of the inline SVGs are unique across the page
  const ids = [...report.html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
  assert.equal(new Set(ids).size, ids.length);
  // without labels or data: histogram only, and a note when nothing is flagged
  const bare = await buildReport({ source: 'x', detector: { name: 'ecod' }, threshold: 5, scores, flagged: [0, 0, 0, 0, 0, 0] });
  assert.deepEqual(bare.plots.map((p) => p.id), ['score-histogram']);
  assert.match(bare.html, /No row is above the threshold/);
  assert.match(bare.html, /not recorded with the scores/);
  // another unit and per-row details (log sessions and their unexpected lines)
  const logs = await buildReport({ source: 'x.log', unit: 'session', detector: { name: 'deeplog' }, threshold: 0.5, scores, flagged, ids: ['s1', 's2', 's3', 's4', 's5', 's6'], details: { heading: 'unexpected lines', of: (row) => [`line ${row}: ${HOSTILE}`] } });
  assert.match(logs.html, /<th>sessions<\/th><td>6/);
  assert.match(logs.html, /<th>unexpected lines<\/th>/);
  assert.match(logs.html, /line 3: &lt;script&gt;/);
});

test('buildReport on a million rows stays a few megabytes and says what it thinned', async () => {
  const n = 1_000_000;
  const rng = new Rng(2);
  const X = createMatrix(n, 2);
  for (let i = 0; i < X.data.length; i++) X.data[i] = rng.normal();
  const scores = Float64Array.from({ length: n }, (_, i) => Math.hypot(X.data[2 * i]!, X.data[2 * i + 1]!));
  const flagged = Uint8Array.from(scores, (s) => (s > 3.5 ? 1 : 0));
  const report = await buildReport({ source: 'big', detector: { name: 'x', options: {} }, threshold: 3.5, scores, flagged, table: { X, features: ['a', 'b'] } });
  assert.ok(report.html.length < 3_000_000, `${report.html.length} bytes`);
  const scatter = report.plots.find((p) => p.id === 'feature-scatter')!;
  assert.match(scatter.caption, /4000 of the \d+ unflagged rows are drawn/);
});
