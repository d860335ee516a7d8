/**
 * ARTime: the pieces (Haar transform, dual-vigilance fuzzy ART), the streaming contract (scoring does not learn,
 * a snapshot resumes the stream exactly), and the acceptance check of the port — on NAB files, given NAB's inputs,
 * the scores equal the published ARTime outputs row for row (when ../shared/data is present).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createMatrix } from '../../core/matrix.ts';
import { readDetectorScores, readNabCorpus } from '../../timeseries/nab/corpus.ts';
import { DualVigilanceFuzzyArt } from '../components/dual-vigilance-fuzzy-art.ts';
import { createDetector } from '../registry.ts';
import { Artime, haarTransform } from './artime.ts';
import './index.ts';

const NAB_ROOT = fileURLToPath(new URL('../../../../shared/data/timeseries/nab', import.meta.url));
const PUBLISHED = join(NAB_ROOT, 'published_scores', 'ARTime.csv.gz');
const noData = existsSync(PUBLISHED) ? false : `NAB data not found under ${NAB_ROOT}; skipped`;

interface Streaming {
  scoreOne(v: number): number;
  learnOne(v: number): void;
}

function run(d: Streaming, values: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) {
    out.push(d.scoreOne(values[i]!));
    d.learnOne(values[i]!);
  }
  return out;
}

/** A daily-like pattern with a level shift at `shiftAt`. */
function pattern(n: number, shiftAt: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => 10 + 5 * Math.sin((2 * Math.PI * i) / 48) + (i >= shiftAt && i < shiftAt + 40 ? 12 : 0));
}

test('haarTransform: approximation then details, coarsest first, orthonormal', () => {
  const h = haarTransform([1, 3, 2, 2, 0, 4, 5, 5]);
  assert.ok(Math.abs(h[0]! - 22 / Math.sqrt(8)) < 1e-12);
  assert.ok(Math.abs(h[4]! - 2 / Math.SQRT2) < 1e-12); // (3 − 1)/√2
  let energy = 0;
  for (const v of h) energy += v * v;
  assert.ok(Math.abs(energy - (1 + 9 + 4 + 4 + 0 + 16 + 25 + 25)) < 1e-9, 'energy preserved');
});

test('dual-vigilance fuzzy ART: a repeated sample resonates, a distant one founds a new cluster', () => {
  const art = new DualVigilanceFuzzyArt(2);
  art.rhoLower = 0.5;
  art.rhoUpper = 0.8;
  art.train([0.2, 0.2]); // seeds the network
  assert.equal(art.train([0.2, 0.2]).label, -1, 'the seed category is all ones: the first real sample is new');
  const again = art.train([0.2, 0.2]);
  assert.notEqual(again.label, -1);
  assert.ok(again.similarity > 0.99);
  assert.equal(art.train([0.95, 0.9]).label, -1);
  const before = art.weights.length;
  art.clone().train([0.5, 0.1]);
  assert.equal(art.weights.length, before, 'a clone learns alone');
});

test('artime: a level shift after the probationary period is reported; fit is the stream; scoring does not learn; a snapshot resumes exactly', () => {
  const values = pattern(3000, 2200);
  const options = { inputMin: 5, inputMax: 27, length: values.length };
  const d = createDetector('artime', options) as unknown as Streaming & Artime;
  d.fit(createMatrix(2600, 1, values.subarray(0, 2600)));
  const scores = [...d.trainingScores];
  assert.deepEqual(scores, run(createDetector('artime', options) as unknown as Streaming, values.subarray(0, 2600)), 'fit = the same stream');
  const peak = scores.indexOf(Math.max(...scores));
  assert.ok(peak >= 2200 && peak < 2300, `strongest score at ${peak}`);
  assert.ok(scores.slice(0, 450).every((s) => s === 0), 'nothing in the probationary period');
  // scoreOne alone leaves the detector as it was
  const probe = d.scoreOne(99);
  assert.equal(d.scoreOne(99), probe);
  const copy = createDetector('artime', options).restore(d.snapshot()) as unknown as Streaming;
  assert.deepEqual(run(copy, values.subarray(2600)), run(d, values.subarray(2600)));
});

test('artime: fit reads the range and length off the series; a stream without them calibrates on its first values', () => {
  const values = pattern(2000, 1500);
  const fitted = createDetector('artime').fit(createMatrix(values.length, 1, values));
  const same = run(createDetector('artime', { inputMin: Math.min(...values), inputMax: Math.max(...values), length: values.length }) as unknown as Streaming, values);
  assert.deepEqual([...fitted.trainingScores], same);
  const streamed = run(createDetector('artime', { calibration: 300 }) as unknown as Streaming, values);
  assert.equal(streamed.length, values.length);
  assert.ok(streamed.every((s) => Number.isFinite(s)));
  assert.throws(() => createDetector('artime').fit(createMatrix(100, 2, new Float64Array(200))), /1 column/);
  assert.throws(() => (createDetector('artime') as unknown as Streaming).learnOne(Number.NaN), /finite number/);
});

test('artime reproduces the published ARTime scores of NAB files row for row', { skip: noData }, () => {
  const corpus = readNabCorpus(NAB_ROOT);
  const published = readDetectorScores(PUBLISHED);
  for (const name of ['realTraffic/speed_6005.csv', 'realKnownCause/rogue_agent_key_hold.csv', 'realAdExchange/exchange-2_cpc_results.csv', 'realTraffic/TravelTime_387.csv']) {
    const series = corpus.series.find((s) => s.name === name)!;
    const values = series.values;
    const d = createDetector('artime', { inputMin: Math.min(...values), inputMax: Math.max(...values), length: values.length }) as unknown as Streaming;
    const ours = run(d, values);
    const theirs = published.get(name)!.scores;
    assert.equal(ours.length, theirs.length);
    let anomalies = 0;
    for (let i = 0; i < ours.length; i++) {
      assert.ok(Math.abs(ours[i]! - theirs[i]!) < 1e-6, `${name} row ${i}: ours ${ours[i]}, published ${theirs[i]}`);
      if (theirs[i]! > 0) anomalies += 1;
    }
    assert.ok(anomalies > 0, `${name}: published scores have anomalies to compare`);
  }
});
