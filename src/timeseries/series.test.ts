import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError, OptionError } from '../core/errors.ts';
import { createMatrix } from '../core/matrix.ts';
import { inspectSampling, resampleSeries } from './gaps.ts';
import { readSeries } from './read-series.ts';
import { parseTimestamp } from './timestamps.ts';
import { slidingWindows, windowScoresToPoints, windowStarts } from './windows.ts';

const dir = mkdtempSync(join(tmpdir(), 'dad-series-'));

test('timestamps: ISO with and without zone (UTC), dates, numbers; bad text names where', () => {
  assert.equal(parseTimestamp('2014-04-01 00:05:00', 'x'), Date.UTC(2014, 3, 1, 0, 5));
  assert.equal(parseTimestamp('2014-04-01T01:05:00+01:00', 'x'), Date.UTC(2014, 3, 1, 0, 5));
  assert.equal(parseTimestamp('2014-04-01', 'x'), Date.UTC(2014, 3, 1));
  assert.equal(parseTimestamp('17.5', 'x'), 17.5);
  assert.throws(() => parseTimestamp('yesterday', 'f.csv line 3'), (e: unknown) => e instanceof InputError && /f\.csv line 3/.test(e.message));
});

test('sampling: step = median difference, gaps with the samples missing, irregular steps, no step back', () => {
  const r = inspectSampling(Float64Array.from([0, 10, 20, 50, 60, 65, 70]));
  assert.equal(r.step, 10);
  assert.deepEqual(r.gaps, [{ after: 2, from: 20, to: 50, missing: 2 }]);
  assert.deepEqual(r.irregular, [5, 6]);
  assert.equal(r.regular, false);
  assert.equal(inspectSampling(Float64Array.from([0, 1, 2])).regular, true);
  assert.throws(() => inspectSampling(Float64Array.from([0, 1, 1])), (e: unknown) => e instanceof InputError && /row 2 .*repeats row 1/.test(e.message));
});

test('resampling fills gaps linearly (or carries forward) on a regular grid', () => {
  const series = { values: createMatrix(3, 2, Float64Array.from([0, 10, 1, 11, 4, 14])), timestamps: Float64Array.from([0, 1, 4]) };
  const r = resampleSeries(series);
  assert.deepEqual([...r.timestamps!], [0, 1, 2, 3, 4]);
  assert.deepEqual([...r.values.data], [0, 10, 1, 11, 2, 12, 3, 13, 4, 14]);
  const p = resampleSeries(series, { method: 'previous' });
  assert.deepEqual([...p.values.data], [0, 10, 1, 11, 1, 11, 1, 11, 4, 14]);
  assert.throws(() => resampleSeries({ values: series.values }), OptionError);
});

test('windows cover every row (an extra window ends at the last row); scores map back by mean, max or last', () => {
  assert.deepEqual([...windowStarts(10, { size: 4, stride: 3 })], [0, 3, 6]);
  assert.deepEqual([...windowStarts(11, { size: 4, stride: 3 })], [0, 3, 6, 7]);
  assert.deepEqual([...windowStarts(3, { size: 4 })], []);
  const values = createMatrix(5, 2, Float64Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
  const { windows, starts } = slidingWindows(values, { size: 2, stride: 2 });
  assert.deepEqual([...starts], [0, 2, 3]);
  assert.deepEqual([...windows.data], [0, 1, 2, 3, 4, 5, 6, 7, 6, 7, 8, 9]);
  assert.deepEqual([...windowScoresToPoints([1, 2, 4], starts, 5, 2, 'mean')], [1, 1, 2, 3, 4]);
  assert.deepEqual([...windowScoresToPoints([1, 2, 4], starts, 5, 2, 'max')], [1, 1, 2, 4, 4]);
  assert.deepEqual([...windowScoresToPoints([1, 2, 4], starts, 5, 2, 'last')], [1, 1, 1, 2, 4]);
  assert.throws(() => windowStarts(5, { size: 0 }), OptionError);
});

test('readSeries: CSV with a time column and value columns by name; gaps reported; resampled on request', async () => {
  const path = join(dir, 's.csv');
  writeFileSync(path, 'timestamp,note,b,a,label\n2020-01-01 00:00:00,x,1,10,0\n2020-01-01 00:01:00,y,2,20,0\n2020-01-01 00:04:00,z,5,50,1\n');
  const r = await readSeries(path, { time: 'timestamp', values: ['a', 'b'], label: 'label' });
  assert.deepEqual(r.series.channels, ['a', 'b']);
  assert.deepEqual([...r.series.values.data], [10, 1, 20, 2, 50, 5]);
  assert.deepEqual([...r.labels!], [0, 0, 1]);
  assert.equal(r.sampling!.step, 60_000);
  assert.deepEqual(r.sampling!.gaps.map((g) => g.missing), [2]);
  assert.equal(r.numericTime, false);
  const resampled = await readSeries(path, { time: 'timestamp', values: ['a'], resample: true });
  assert.deepEqual([...resampled.series.values.data], [10, 20, 30, 40, 50]);
  await assert.rejects(readSeries(path, { time: 'when' }), (e: unknown) => e instanceof OptionError && /no time column 'when'. Columns: timestamp, note, b, a, label/.test(e.message));
});

test('readSeries: a missing value is an error naming file and line, unless imputed; JSON lines by key', async () => {
  const path = join(dir, 'm.csv');
  writeFileSync(path, 't,v\n1,1\n2,\n3,3\n');
  await assert.rejects(readSeries(path, { time: 't' }), (e: unknown) => e instanceof InputError && /m\.csv/.test(e.message) && /line 3/.test(e.message));
  const imputed = await readSeries(path, { time: 't', impute: 'median' });
  assert.deepEqual([...imputed.series.values.data], [1, 2, 3]);
  assert.equal(imputed.numericTime, true);
  const jsonl = join(dir, 's.jsonl');
  writeFileSync(jsonl, '{"t":"2020-01-01","x":1,"y":2}\n{"t":"2020-01-02","x":3,"y":4}\n');
  const j = await readSeries(jsonl, { time: 't', values: ['y'] });
  assert.deepEqual([...j.series.values.data], [2, 4]);
});
