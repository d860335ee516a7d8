/**
 * Numenta's anomaly likelihood on a hand-checkable stream, the `anomaly-likelihood` wrapper (spatial anomaly, no
 * look-ahead, snapshot) and its default base, `contextual-novelty`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '../../core/errors.ts';
import { createMatrix } from '../../core/matrix.ts';
import { Rng } from '../../core/rng.ts';
import { createDetector } from '../registry.ts';
import { AnomalyLikelihood, logLikelihood, tailProbability } from './anomaly-likelihood.ts';
import { erfc } from '../../core/normal-tail.ts';
import './index.ts';

const close = (a: number, b: number, what: string, tol = 1e-12): void => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

test('anomaly likelihood: 0.5 in probation, then the tail of the short-term mean under the fitted moving averages', () => {
  const al = new AnomalyLikelihood({ learningPeriod: 2, estimationSamples: 3, historicWindowSize: 100, reestimationPeriod: 100, averagingWindow: 2 });
  const raws = [0.1, 0.2, 0.3, 0.1, 0.3];
  raws.forEach((r, i) => assert.equal(al.update(i + 1, r), 0.5));
  // moving averages (window 2): 0.1, 0.15, 0.25, 0.2, 0.2; the first 2 (learning period) are skipped
  const mean = (0.25 + 0.2 + 0.2) / 3;
  const variance = ((0.25 - mean) ** 2 + 2 * (0.2 - mean) ** 2) / 3;
  const stdev = Math.sqrt(variance);
  // a raw score of 0.22: short-term mean (0.3 + 0.22) / 2 = 0.26; nupic's tail 0.5 · erfc(z / 1.4142)
  const z = (0.26 - mean) / stdev;
  close(al.peek(0.22), 1 - 0.5 * erfc(z / 1.4142), 'likelihood of 0.22', 1e-9);
  // peeking learns nothing
  close(al.peek(0.22), 1 - 0.5 * erfc(z / 1.4142), 'again', 1e-9);
  // below the mean the tail is mirrored: the same likelihood as the value as far above
  close(tailProbability(mean - 0.01, { mean, stdev }), tailProbability(mean + 0.01, { mean, stdev }), 'mirrored');
  // a jump: the first tail below 1e-5 is reported as it is (likelihood ≈ 1, log score ≈ 1) ...
  const first = al.update(6, 0.9);
  assert.ok(first > 1 - 1e-12, `first red ${first}`);
  close(logLikelihood(first), 1, 'log score of a certain anomaly', 1e-3);
  // ... the next one in a row is capped at 1e-3 (likelihood 0.999, log score 0.3)
  close(al.update(7, 0.9), 0.999, 'second red in a row');
  close(logLikelihood(0.999), Math.log(0.0010000001) / -23.02585084720009, 'log scale');
  close(logLikelihood(0.5), Math.log(0.5000000001) / -23.02585084720009, 'probation log score');
});

test('anomaly likelihood: floors on the fitted mean and variance; a flat stream gets the null distribution', () => {
  const al = new AnomalyLikelihood({ learningPeriod: 0, estimationSamples: 4, historicWindowSize: 100, reestimationPeriod: 100, averagingWindow: 1 });
  for (let i = 0; i < 4; i++) al.update(i, 0);
  // raws all 0 → mean floored at 0.03, variance at 0.0003; a raw 0.03 + 2 σ sits at z = 2
  close(al.peek(0.03 + 2 * Math.sqrt(0.0003)), 1 - 0.5 * erfc(2 / 1.4142), 'floors', 1e-9);
  const flat = new AnomalyLikelihood({ learningPeriod: 0, estimationSamples: 4, historicWindowSize: 100, reestimationPeriod: 100, averagingWindow: 1 });
  for (let i = 0; i < 4; i++) flat.update(7, 0);
  // values of variance 0: null distribution (mean 0.5, stdev 1000), so even a raw 1 is unremarkable
  close(flat.peek(1), 1 - 0.5 * erfc(0.5 / 1000 / 1.4142), 'null distribution', 1e-9);
});

/** a noisy sine (period 40) lifted by 3 at 1500..1520 */
function sine(length: number, seed: number, burst: boolean): Float64Array {
  const rng = new Rng(seed);
  return Float64Array.from({ length }, (_, i) => Math.sin((2 * Math.PI * i) / 40) + rng.normal(0, 0.05) + (burst && i >= 1500 && i < 1520 ? 3 : 0));
}

const QUICK = { learningPeriod: 100, estimationSamples: 100, spatialTolerance: 0, baseOptions: { calibration: 100 } };

for (const base of ['contextual-novelty', 'windowed-gaussian']) {
  test(`anomaly-likelihood over ${base}: the burst outscores the rest; no look-ahead; same scores after snapshot`, () => {
    const values = sine(2000, 1, true);
    const options = base === 'contextual-novelty' ? QUICK : { ...QUICK, base, baseOptions: {} };
    const d = createDetector('anomaly-likelihood', options);
    const s = d as unknown as { scoreOne(v: number): number; learnOne(v: number): void };
    const scores: number[] = [];
    for (const v of values) {
      scores.push(s.scoreOne(v));
      s.learnOne(v);
    }
    for (const x of scores) assert.ok(x >= 0 && x <= 1, `score ${x} in [0, 1]`);
    const burst = Math.max(...scores.slice(1500, 1530));
    const elsewhere = Math.max(...scores.slice(300, 1490), ...scores.slice(1600));
    assert.ok(burst > elsewhere, `${base}: burst ${burst} vs elsewhere ${elsewhere}`);
    // the detector contract: fit streams the same way; restore gives the same scores
    const fitted = createDetector('anomaly-likelihood', options).fit(createMatrix(2000, 1, values));
    assert.deepEqual([...fitted.trainingScores], scores);
    const again = createDetector('anomaly-likelihood', options).fit(createMatrix(2000, 1, values));
    const next = createMatrix(300, 1, sine(300, 2, false));
    assert.deepEqual([...again.score(next)], [...fitted.score(next)]);
    const restored = createDetector('anomaly-likelihood', options).restore(fitted.snapshot());
    assert.deepEqual([...restored.score(next)], [...fitted.score(next)]);
    assert.throws(() => s.scoreOne(Number.NaN), InputError);
  });
}

test('anomaly-likelihood: a value beyond the seen range by more than the spatial tolerance scores 1', () => {
  const d = createDetector('anomaly-likelihood', { baseOptions: { calibration: 10 } }) as unknown as { scoreOne(v: number): number; learnOne(v: number): void };
  for (let i = 0; i < 50; i++) {
    d.scoreOne(i % 10);
    d.learnOne(i % 10);
  }
  assert.equal(d.scoreOne(9.4), logLikelihood(0.5), 'within 5 % of the range: probation score');
  assert.equal(d.scoreOne(9.46), 1, 'beyond it');
  assert.equal(d.scoreOne(-0.46), 1, 'below it');
});

test('contextual-novelty: a repeated pattern becomes familiar; a new level or a new order is novel', () => {
  const d = createDetector('contextual-novelty', { calibration: 20, buckets: 40, tilings: 4, order: 2 }) as unknown as { scoreOne(v: number): number; learnOne(v: number): void };
  const pattern = [0, 2, 4, 6, 8, 10, 8, 6, 4, 2];
  for (let k = 0; k < 5; k++) for (const v of pattern) {
    d.scoreOne(v);
    d.learnOne(v);
  }
  // the stream ends …, 4, 2: next comes 0 — seen after 4, 2 in every tiling
  assert.equal(d.scoreOne(0), 0);
  assert.equal(d.scoreOne(30), 1, 'a new level');
  assert.equal(d.scoreOne(6), 1, 'a known value, never seen after 4, 2');
});

test('contextual-novelty: the lifted values outscore the rest of a seeded sine; same seed, same scores; snapshot → same scores', () => {
  const values = sine(2000, 3, true);
  const fit = (): ReturnType<typeof createDetector> => createDetector('contextual-novelty').fit(createMatrix(2000, 1, values));
  const d = fit();
  const s = d.trainingScores;
  const burst = Math.max(...s.slice(1500, 1520));
  const elsewhere = Math.max(...s.slice(300, 1500), ...s.slice(1530));
  assert.ok(burst > elsewhere, `burst ${burst} vs elsewhere ${elsewhere}`);
  assert.deepEqual([...fit().trainingScores], [...s]);
  const next = createMatrix(300, 1, sine(300, 4, false));
  const restored = createDetector('contextual-novelty').restore(d.snapshot());
  assert.deepEqual([...restored.score(next)], [...d.score(next)]);
});
