/** The per-row rewards of NAB's sweep, against values worked out by hand from numenta/NAB's formulas. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '../../core/errors.ts';
import { NAB_PROFILES } from './profiles.ts';
import { OUTSIDE_WINDOWS, PROBATIONARY, rowRewards, scaledSigmoid } from './reward.ts';
import { makeSeries } from './test-helpers.ts';
import { probationaryLength, windowsToLabels } from './windows.ts';

const close = (a: number, b: number, what: string): void => assert.ok(Math.abs(a - b) < 1e-12, `${what}: ${a} vs ${b}`);

test('scaledSigmoid has the values NAB documents', () => {
  close(scaledSigmoid(-1), 0.9866142981514305, 'left edge');
  close(scaledSigmoid(-0.5), 0.8482836399575131, 'middle');
  close(scaledSigmoid(0), 0, 'right edge');
  close(scaledSigmoid(1), -0.9866142981514303, 'one width past');
  assert.equal(scaledSigmoid(3.0000001), -1);
  close(scaledSigmoid(3), 2 / (1 + Math.exp(15)) - 1, 'exactly 3 is not cut');
});

test('probation is 15 % of the rows, at most 750', () => {
  assert.equal(probationaryLength(100), 15);
  assert.equal(probationaryLength(4032), 604);
  assert.equal(probationaryLength(5000), 750);
  assert.equal(probationaryLength(22695), 750);
  assert.equal(probationaryLength(100, 0.1), 10);
});

test('rewards inside, after and before windows follow the sweeper', () => {
  // 100 rows, probation 15, one window on rows 40..49 (width 10)
  const s = makeSeries('a.csv', 100, [[40, 49]]);
  const { reward, window } = rowRewards(s, NAB_PROFILES.standard);
  const maxTp = scaledSigmoid(-1);
  close(reward[40]!, 1.0, 'first row of the window earns exactly tpWeight');
  close(reward[45]!, scaledSigmoid(-(49 - 45 + 1) / 10) / maxTp, 'row 45');
  close(reward[49]!, scaledSigmoid(-1 / 10) / maxTp, 'last row');
  close(reward[20]!, -0.11, 'false positive before any window: full fpWeight');
  close(reward[50]!, 0.11 * scaledSigmoid(1 / 9), 'first row past the window: distance 1 over width − 1');
  close(reward[59]!, 0.11 * scaledSigmoid(10 / 9), 'ten rows past');
  close(reward[99]!, -0.11, 'far past: cut to −fpWeight');
  assert.equal(window[14], PROBATIONARY);
  assert.equal(window[15], OUTSIDE_WINDOWS);
  assert.equal(window[40], 0);
  assert.equal(window[49], 0);
  assert.equal(window[50], OUTSIDE_WINDOWS);
});

test('a false positive is measured from the nearest preceding window', () => {
  const s = makeSeries('b.csv', 200, [[40, 49], [100, 104]]);
  const { reward, window } = rowRewards(s, NAB_PROFILES.reward_low_FP_rate);
  close(reward[106]!, 0.22 * scaledSigmoid(2 / 4), 'two rows past the second window (width 5)');
  close(reward[100]!, 1.0, 'start of the second window');
  assert.equal(window[102], 1);
});

test('the weights of the profile scale the rewards', () => {
  const s = makeSeries('c.csv', 100, [[40, 49]]);
  const fn = rowRewards(s, NAB_PROFILES.reward_low_FN_rate).reward;
  const std = rowRewards(s, NAB_PROFILES.standard).reward;
  close(fn[45]!, std[45]!, 'tpWeight 1 in both');
  close(fn[70]!, std[70]!, 'fpWeight 0.11 in both');
  const custom = rowRewards(s, { tpWeight: 2, fpWeight: 0.5, fnWeight: 1, tnWeight: 1 }).reward;
  close(custom[40]!, 2, 'tpWeight 2');
  close(custom[20]!, -0.5, 'fpWeight 0.5');
});

test('windows whose limits are not row timestamps, or overlap, are refused with the file named', () => {
  const s = makeSeries('realX/file.csv', 100, [[40, 49]]);
  assert.throws(() => rowRewards({ ...s, windows: [{ start: 40.5 * 60_000, end: 49 * 60_000 }] }, NAB_PROFILES.standard),
    (e: unknown) => e instanceof InputError && /realX\/file\.csv: anomaly window 0 .*start is not a timestamp/.test(e.message));
  assert.throws(() => rowRewards({ ...s, windows: [{ start: 40 * 60_000, end: 49 * 60_000 }, { start: 45 * 60_000, end: 60 * 60_000 }] }, NAB_PROFILES.standard),
    (e: unknown) => e instanceof InputError && /window 1 .*sorted and disjoint/.test(e.message));
  assert.throws(() => rowRewards({ ...s, windows: [{ start: 49 * 60_000, end: 40 * 60_000 }] }, NAB_PROFILES.standard),
    (e: unknown) => e instanceof InputError && /ends \(row 40\) before it starts \(row 49\)/.test(e.message));
});

test('windowsToLabels marks the rows inside windows, limits included', () => {
  const s = makeSeries('d.csv', 12, [[2, 4], [8, 8]]);
  assert.deepEqual([...windowsToLabels(s.timestamps, s.windows)], [0, 0, 1, 1, 1, 0, 0, 0, 1, 0, 0, 0]);
  // by time, not by row: limits between rows still label the rows they enclose
  assert.deepEqual([...windowsToLabels(s.timestamps, [{ start: 2.5 * 60_000, end: 5.5 * 60_000 }])], [0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
});
