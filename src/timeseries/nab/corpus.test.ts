/** Reading NAB's corpus layout: timestamps, data files, label windows, profiles, a detector's published scores. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError, OptionError } from '../../core/errors.ts';
import { attachScores, parseNabTimestamp, readDetectorScores, readNabCorpus, readSeriesCsv } from './corpus.ts';
import { NAB_PROFILES, parseProfiles } from './profiles.ts';
import { locateWindows, probationaryLength } from './windows.ts';

/** The shared NAB copy, next to the repository: ../shared/data/timeseries/nab from the repository root. */
const NAB_ROOT = fileURLToPath(new URL('../../../../shared/data/timeseries/nab', import.meta.url));
const noData = existsSync(join(NAB_ROOT, 'labels', 'combined_windows.json')) ? false : `NAB corpus not found at ${NAB_ROOT}; skipped`;

test('NAB timestamps read as UTC, with or without microseconds', () => {
  assert.equal(parseNabTimestamp('2014-04-01 00:05:00', 'x'), Date.UTC(2014, 3, 1, 0, 5, 0));
  assert.equal(parseNabTimestamp('2014-04-10 07:15:00.000000', 'x'), Date.UTC(2014, 3, 10, 7, 15, 0));
  assert.equal(parseNabTimestamp('2014-04-10T07:15:00.250000', 'x'), Date.UTC(2014, 3, 10, 7, 15, 0, 250));
  assert.throws(() => parseNabTimestamp('2014/04/10 07:15', 'labels.json, window 3'),
    (e: unknown) => e instanceof InputError && /^labels\.json, window 3: expected a timestamp/.test(e.message));
});

test('data and score files: bad rows are reported with file and line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nab-'));
  try {
    const good = join(dir, 'good.csv');
    writeFileSync(good, 'timestamp,value\n2014-04-01 00:00:00,1.5\n2014-04-01 00:05:00,-2\n');
    const read = readSeriesCsv(good);
    assert.deepEqual([...read.values], [1.5, -2]);
    assert.equal(read.timestamps[1]! - read.timestamps[0]!, 300_000);

    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'timestamp,value\n2014-04-01 00:00:00,1.5\n2014-04-01 00:05:00,abc\n');
    assert.throws(() => readSeriesCsv(bad), (e: unknown) => e instanceof InputError && e.message.startsWith(`${bad}:3: the 'value' field`));

    const scores = join(dir, 'scores.csv');
    writeFileSync(scores, 'file,timestamp,anomaly_score\ncat/good.csv,2014-04-01 00:00:00,0.25\ncat/good.csv,2014-04-01 00:05:00,1\n');
    const byFile = readDetectorScores(scores);
    assert.deepEqual([...byFile.get('cat/good.csv')!.scores], [0.25, 1]);
    const series = [{ name: 'cat/good.csv', timestamps: read.timestamps, windows: [] }];
    assert.equal(attachScores(series, byFile, scores)[0]!.scores.length, 2);
    assert.throws(() => attachScores([{ ...series[0]!, name: 'cat/other.csv' }], byFile, scores),
      (e: unknown) => e instanceof InputError && /no anomaly scores for the corpus file 'cat\/other\.csv'/.test(e.message));
    const shifted = new Map([['cat/good.csv', { timestamps: Float64Array.from([0, 1]), scores: Float64Array.from([0, 1]) }]]);
    assert.throws(() => attachScores(series, shifted, 'x.csv'), (e: unknown) => e instanceof InputError && /row 0: timestamp/.test(e.message));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('profiles in NAB layout; a bad weight names the file, profile and weight', () => {
  const parsed = parseProfiles({ standard: { CostMatrix: { tpWeight: 1, fnWeight: 1, fpWeight: 0.11, tnWeight: 1 } } }, 'profiles.json');
  assert.deepEqual(parsed.standard, NAB_PROFILES.standard);
  assert.throws(() => parseProfiles({ odd: { CostMatrix: { tpWeight: 1, fnWeight: 1, fpWeight: -1, tnWeight: 1 } } }, 'profiles.json'),
    (e: unknown) => e instanceof OptionError && /profiles\.json, profile 'odd': the profile's 'fpWeight' must be a finite number >= 0\. Got -1/.test(e.message));
});

test('the shared NAB corpus: 58 files, 116 windows, the official profiles, every window on rows after probation', { skip: noData }, () => {
  const corpus = readNabCorpus(NAB_ROOT);
  assert.equal(corpus.series.length, 58);
  assert.equal(corpus.windowCount, 116);
  for (const name of ['standard', 'reward_low_FP_rate', 'reward_low_FN_rate'] as const) assert.deepEqual(corpus.profiles[name], NAB_PROFILES[name]);
  assert.equal(corpus.thresholds.ARTime?.standard?.threshold, 0.317486);
  for (const s of corpus.series) {
    assert.equal(s.values.length, s.timestamps.length);
    for (const w of locateWindows(s.name, s.timestamps, s.windows)) {
      assert.ok(w.first >= probationaryLength(s.timestamps.length), `${s.name}: a window starts in probation`);
    }
  }
});
