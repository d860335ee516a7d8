/**
 * The scorer at one threshold, worked by hand; and the two routes to a score — scoring the detections directly and
 * reading the official sweep — checked against each other on random corpora.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { InputError } from '../../core/errors.ts';
import { normalise, nullScore, perfectScore } from './normalise.ts';
import { NAB_PROFILES, PROFILE_NAMES } from './profiles.ts';
import { scaledSigmoid } from './reward.ts';
import { scoreNab, scoreNabFile } from './score.ts';
import { scoresByThreshold, sweepThreshold } from './sweep.ts';
import { detectionsAt, makeSeries } from './test-helpers.ts';

const close = (a: number, b: number, what: string, tol = 1e-12): void => assert.ok(Math.abs(a - b) < tol, `${what}: ${a} vs ${b}`);

test('one file, worked by hand: probation ignored, first detection in a window counts, false positives cost', () => {
  // 100 rows (probation 15), window rows 40..49. Detections: 5 (probation), 20 (before any window), 42 and 45 (in the
  // window: only 42 counts), 60 (eleven rows past the window).
  const s = makeSeries('a.csv', 100, [[40, 49]], detectionsAt(100, [5, 20, 42, 45, 60]));
  const r = scoreNabFile(s, NAB_PROFILES.standard, 0.5);
  const expected = -0.11 + scaledSigmoid(-(49 - 42 + 1) / 10) / scaledSigmoid(-1) + 0.11 * scaledSigmoid(11 / 9);
  close(r.score, expected, 'score');
  assert.deepEqual({ tp: r.tp, fp: r.fp, fn: r.fn, tn: r.tn, total: r.total }, { tp: 2, fp: 2, fn: 8, tn: 73, total: 85 });
});

test('a missed window costs fnWeight; reward_low_FN_rate doubles it', () => {
  const s = makeSeries('b.csv', 100, [[40, 49], [70, 79]], detectionsAt(100, [70]));
  close(scoreNabFile(s, NAB_PROFILES.standard, 0.5).score, -1 + 1, 'standard');
  close(scoreNabFile(s, NAB_PROFILES.reward_low_FN_rate, 0.5).score, -2 + 1, 'low FN');
});

test('detections are scores >= threshold', () => {
  const scores = new Float64Array(100);
  scores[40] = 0.7;
  const s = makeSeries('c.csv', 100, [[40, 49]], scores);
  close(scoreNabFile(s, NAB_PROFILES.standard, 0.7).score, 1, 'equal to the threshold detects');
  close(scoreNabFile(s, NAB_PROFILES.standard, 0.7000001).score, -1, 'above it does not');
});

test('a window wholly inside probation counts neither way, but counts for the perfect score', () => {
  const s = makeSeries('d.csv', 100, [[3, 6], [40, 49]]);
  close(nullScore([s], NAB_PROFILES.standard), -1, 'null: only the scorable window is missed');
  close(perfectScore([s], NAB_PROFILES.standard), 2, 'perfect: every window in the label file');
});

test('null scores 0 and perfect 100 after normalisation, in every profile', () => {
  const rows = 300;
  const windows: [number, number][] = [[100, 119], [200, 229]];
  const silent = makeSeries('e.csv', rows, windows);
  const perfect = makeSeries('e.csv', rows, windows, detectionsAt(rows, [100, 200]));
  for (const name of PROFILE_NAMES) {
    const p = NAB_PROFILES[name];
    const base = nullScore([silent], p);
    const best = perfectScore([silent], p);
    close(normalise(scoreNab([silent], p, 0.5).score, base, best), 0, `${name} null`);
    close(normalise(scoreNab([perfect], p, 0.5).score, base, best), 100, `${name} perfect`);
  }
  assert.throws(() => normalise(0, 0, 0), InputError);
});

test('scores of the wrong length or NaN are refused with the file and row named', () => {
  const s = makeSeries('realY/f.csv', 50, []);
  assert.throws(() => scoreNabFile({ ...s, scores: new Float64Array(49) }, NAB_PROFILES.standard, 0.5),
    (e: unknown) => e instanceof InputError && /realY\/f\.csv: got 49 anomaly scores for 50 rows/.test(e.message));
  const nan = new Float64Array(50);
  nan[7] = Number.NaN;
  assert.throws(() => scoreNabFile({ ...s, scores: nan }, NAB_PROFILES.standard, 0.5),
    (e: unknown) => e instanceof InputError && /row 7 is NaN/.test(e.message));
});

test('the sweep starts from "no detections" at 1.1 and ends with every row detected', () => {
  const s = makeSeries('f.csv', 100, [[40, 49]], Float64Array.from({ length: 100 }, (_, i) => (i % 10) / 10));
  const sweep = scoresByThreshold([s], NAB_PROFILES.standard);
  assert.equal(sweep[0]!.threshold, 1.1);
  close(sweep[0]!.score, -1, 'no detections');
  assert.equal(sweep.at(-1)!.threshold, 0);
  assert.equal(sweep.at(-1)!.fn, 0);
  assert.equal(sweep.length, 11);
});

/** Random corpora: a few files, sorted disjoint windows, scores on a coarse grid so that ties happen. */
const corpusArb = fc.array(
  fc.record({
    rows: fc.integer({ min: 1, max: 120 }),
    cuts: fc.uniqueArray(fc.integer({ min: 0, max: 119 }), { maxLength: 6 }),
    scores: fc.array(fc.integer({ min: 0, max: 8 }), { minLength: 120, maxLength: 120 }),
  }),
  { minLength: 1, maxLength: 4 },
).map((files) => files.map((f, k) => {
  const cuts = f.cuts.filter((c) => c < f.rows).sort((a, b) => a - b);
  const windows: [number, number][] = [];
  for (let i = 0; i + 1 < cuts.length; i += 2) windows.push([cuts[i]!, cuts[i + 1]!]);
  return makeSeries(`f${k}.csv`, f.rows, windows, Float64Array.from(f.scores.slice(0, f.rows), (v) => v / 8));
}));

test('scoring at a threshold equals the sweep entry for that threshold, for every threshold of the sweep', () => {
  fc.assert(fc.property(corpusArb, fc.constantFrom(...PROFILE_NAMES), (corpus, name) => {
    const p = NAB_PROFILES[name];
    const sweep = scoresByThreshold(corpus, p);
    for (const row of sweep) {
      const direct = scoreNab(corpus, p, row.threshold);
      close(direct.score, row.score, `score at ${row.threshold}`, 1e-9);
      assert.deepEqual([direct.tp, direct.tn, direct.fp, direct.fn], [row.tp, row.tn, row.fp, row.fn]);
    }
    const best = sweepThreshold(corpus, p);
    assert.ok(sweep.every((r) => r.score <= best.score));
    assert.deepEqual(best, sweep.find((r) => r.score === best.score), 'ties go to the highest threshold');
  }), { numRuns: 150, seed: 7 });
});
