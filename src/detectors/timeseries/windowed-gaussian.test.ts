/**
 * The windowed-Gaussian baseline against NAB's definition: hand-checked scores and window sliding, the detector
 * contract (fit / score / snapshot), and, when the shared NAB copy is present, the published per-row outputs of NAB's
 * own detector.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../../core/errors.ts';
import { createMatrix } from '../../core/matrix.ts';
import { attachScores, readDetectorScores, readNabCorpus } from '../../timeseries/nab/index.ts';
import { erf, erfc, normalUpperTail } from '../../core/normal-tail.ts';
import { WindowedGaussian } from './windowed-gaussian.ts';

const close = (a: number, b: number, what: string, tol = 1e-15): void => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

test('erf and erfc to double precision, tails included', () => {
  close(erf(0.5), 0.5204998778130465, 'erf(0.5)', 2e-16);
  close(erf(2), 0.9953222650189527, 'erf(2)', 4e-16);
  close(erf(-1), -0.8427007929497149, 'erf(-1)', 2e-16);
  close(erfc(3) / 2.209049699858544e-5, 1, 'erfc(3) relative', 1e-14);
  close(erfc(5) / 1.5374597944280349e-12, 1, 'erfc(5) relative', 1e-14);
  close(normalUpperTail(1), 0.15865525393145707, 'Q(1)', 1e-16);
});

test('first value scores 0; a constant window gives its mean 0.5; a value one deviation off scores 1 − Q(1)', () => {
  const d = new WindowedGaussian();
  assert.equal(d.scoreOne(5), 0);
  d.learnOne(5);
  close(d.scoreOne(5), 0.5, 'at the mean of a constant window (deviation 1e-6)');
  d.learnOne(7); // mean 6, deviation 1
  close(d.scoreOne(7), 1 - normalUpperTail(1), 'one deviation above');
  close(d.scoreOne(5), 1 - normalUpperTail(1), 'one deviation below: the tail on its own side');
});

test('a full window slides by stepSize values at once, and only then refreshes its statistics', () => {
  const d = new WindowedGaussian({ windowSize: 4, stepSize: 2 });
  for (const v of [0, 0, 2, 2]) d.learnOne(v); // mean 1, deviation 1
  d.learnOne(100); // buffered: statistics unchanged
  close(d.scoreOne(2), 1 - normalUpperTail(1), 'still mean 1, deviation 1');
  d.learnOne(100); // window becomes [2, 2, 100, 100]: mean 51, deviation 49
  close(d.scoreOne(100), 1 - normalUpperTail(1), 'mean 51, deviation 49');
});

test('fit learns the series in order and returns its streaming scores; score does not learn', () => {
  const values = Float64Array.from({ length: 50 }, (_, i) => Math.sin(i / 3) + (i === 40 ? 5 : 0));
  const d = new WindowedGaussian({ windowSize: 20, stepSize: 5 });
  d.fit(createMatrix(50, 1, values));
  assert.deepEqual([...d.trainingScores], [...new WindowedGaussian({ windowSize: 20, stepSize: 5 }).scoreStream(values)]);
  const probe = createMatrix(3, 1, Float64Array.from([0, 1, 9]));
  const first = d.score(probe);
  assert.deepEqual([...d.score(probe)], [...first]);
  assert.ok(first[2]! > first[0]!);
  const restored = new WindowedGaussian({ windowSize: 20, stepSize: 5 }).restore(d.snapshot());
  assert.deepEqual([...restored.score(probe)], [...first]);
  assert.throws(() => d.fit(createMatrix(2, 2)), (e: unknown) => e instanceof InputError && /1 column\. Got 2 columns/.test(e.message));
  assert.throws(() => d.learnOne(Number.NaN), InputError);
});

const NAB_ROOT = fileURLToPath(new URL('../../../../shared/data/timeseries/nab', import.meta.url));
const noData = existsSync(join(NAB_ROOT, 'published_scores', 'windowedGaussian.csv.gz')) ? false : `NAB published scores not found under ${NAB_ROOT}; skipped`;

test('per-row scores equal NAB\'s published windowedGaussian outputs (12 digits), sliding window included', { skip: noData }, () => {
  const corpus = readNabCorpus(NAB_ROOT);
  // nyc_taxi has 10,320 rows: the window fills (6400) and then slides
  const names = ['realKnownCause/nyc_taxi.csv', 'artificialWithAnomaly/art_daily_jumpsup.csv'];
  const series = corpus.series.filter((s) => names.includes(s.name));
  const path = join(NAB_ROOT, 'published_scores', 'windowedGaussian.csv.gz');
  const published = attachScores(series, readDetectorScores(path), path);
  for (let k = 0; k < series.length; k++) {
    const ours = new WindowedGaussian().scoreStream(series[k]!.values);
    const theirs = published[k]!.scores;
    for (let i = 0; i < ours.length; i++) close(ours[i]!, theirs[i]!, `${series[k]!.name} row ${i}`, 1e-12);
  }
});
