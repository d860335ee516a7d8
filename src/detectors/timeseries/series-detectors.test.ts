/**
 * Conformance of the time-series detectors: shapes (a score per timestamp and per channel), finite scores, same seed
 * → same scores, snapshot → restore → same scores, NaN → clear error, and a seeded synthetic series where the injected
 * anomaly must outscore the rest (each detector on the kind of anomaly it is made for).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '../../core/errors.ts';
import { createMatrix, type Matrix } from '../../core/matrix.ts';
import { Rng } from '../../core/rng.ts';
import '../tabular/index.ts';
import { createDetector, listDetectors } from '../registry.ts';
import './index.ts';
import { isStreaming, type SeriesDetector } from './series-detector.ts';
import { matrixProfile } from './matrix-profile.ts';
import { RandomCutTree } from './rrcf.ts';

/** Two channels: a noisy sine (period 50) and a slower one; in the test part, channel 0 gets a burst at 600..620. */
function synthetic(length: number, seed: number, anomaly: boolean): Matrix {
  const rng = new Rng(seed);
  const data = new Float64Array(length * 2);
  for (let i = 0; i < length; i++) {
    data[2 * i] = Math.sin((2 * Math.PI * i) / 50) + rng.normal(0, 0.05);
    data[2 * i + 1] = Math.cos((2 * Math.PI * i) / 120) + rng.normal(0, 0.05);
    if (anomaly && i >= 600 && i < 620) data[2 * i] = 2.5 + rng.normal(0, 0.3);
  }
  return createMatrix(length, 2, data);
}

const OPTIONS: Record<string, Record<string, unknown>> = {
  'matrix-profile': { windowSize: 25 },
  'tabular-windows': { windowSize: 10, stride: 2, detectorOptions: { trees: 50 } },
  'half-space-trees': { windowSize: 100 },
  rrcf: { trees: 20, treeSize: 128 },
  'lstm-autoencoder': { hidden: 8, window: 20, trainStride: 4, scoreStride: 2, epochs: 6, batchSize: 16 },
  usad: { window: 10, latent: 8, epochs: 15, batchSize: 64 },
  'lstm-forecaster': { hidden: 8, layers: 1, window: 40, trainStride: 10, epochs: 4, batchSize: 16 },
  'lstm-vae': { hidden: 8, latent: 4, window: 20, trainStride: 4, scoreStride: 2, epochs: 6, batchSize: 16 },
  'tcn-autoencoder': { filters: 8, kernelSize: 5, dilations: [1, 2, 4], pool: 8, window: 96, trainStride: 24, epochs: 10, batchSize: 16 },
  tranad: { epochs: 3 },
};

/** One-channel streaming detectors with their own tests (anomaly-likelihood.test.ts, windowed-gaussian.test.ts, artime.test.ts). */
const UNIVARIATE = ['windowed-gaussian', 'anomaly-likelihood', 'contextual-novelty', 'artime'];

const names = listDetectors({ modality: 'timeseries' }).map((d) => d.name).filter((n) => !UNIVARIATE.includes(n));

test('the classic detectors are registered', () => {
  for (const n of ['half-space-trees', 'matrix-profile', 'rrcf', 'seasonal-residual', 'spectral-residual', 'tabular-windows']) assert.ok(names.includes(n), n);
});

for (const name of names) {
  test(`${name}: conformance on a two-channel series`, () => {
    const train = synthetic(800, 1, false);
    const testSeries = synthetic(800, 2, true);
    const copy = Float64Array.from(testSeries.data);
    const d = createDetector(name, OPTIONS[name] ?? {}) as SeriesDetector;
    d.fit(train);
    assert.equal(d.trainingScores.length, 800);
    assert.equal(d.trainingChannelScores.cols, 2);
    const out = d.detect(testSeries);
    assert.deepEqual([...testSeries.data], [...copy], 'input untouched');
    assert.equal(out.scores.length, 800);
    assert.equal(out.channels.rows, 800);
    assert.equal(out.channels.cols, 2);
    for (const s of out.scores) assert.ok(Number.isFinite(s));
    // the anomaly region outscores the median, and channel 0 carries it
    const sorted = Float64Array.from(out.scores).sort();
    const median = sorted[400]!;
    let peak = -Infinity;
    let peakChannel1 = -Infinity;
    for (let i = 600; i < 620; i++) {
      peak = Math.max(peak, out.scores[i]!);
      peakChannel1 = Math.max(peakChannel1, out.channels.data[2 * i + 1]!);
    }
    let top = -Infinity;
    for (let i = 0; i < 800; i++) if (i < 560 || i > 680) top = Math.max(top, out.scores[i]!);
    assert.ok(peak > median, `${name}: anomaly ${peak} vs median ${median}`);
    assert.ok(peak > top, `${name}: anomaly ${peak} vs the largest score elsewhere ${top}`);
    let peakChannel0 = -Infinity;
    for (let i = 600; i < 620; i++) peakChannel0 = Math.max(peakChannel0, out.channels.data[2 * i]!);
    if (name !== 'tabular-windows' || (OPTIONS[name]?.['channels'] ?? 'separate') === 'separate') {
      assert.ok(out.channels.data.length === 1600 && peakChannel0 !== peakChannel1);
    }
    // same seed, same scores; snapshot → restore, same scores
    const again = (createDetector(name, OPTIONS[name] ?? {}) as SeriesDetector).fit(train).detect(testSeries);
    assert.deepEqual([...again.scores], [...out.scores]);
    const restored = (createDetector(name, OPTIONS[name] ?? {}) as SeriesDetector).restore(d.snapshot());
    assert.deepEqual([...restored.detect(testSeries).scores], [...out.scores]);
    assert.deepEqual([...restored.detect(testSeries).channels.data], [...out.channels.data]);
    // NaN and wrong channel count are clear errors
    const bad = Float64Array.from(testSeries.data);
    bad[10] = Number.NaN;
    assert.throws(() => d.detect(createMatrix(800, 2, bad)), InputError);
    assert.throws(() => d.detect(createMatrix(10, 3)), /fitted on 2 features/);
  });
}

test('streaming detectors score a value before learning it, one channel or several, no look-ahead', () => {
  for (const name of ['half-space-trees', 'rrcf']) {
    const d = createDetector(name, OPTIONS[name] ?? {});
    assert.ok(isStreaming(d), name);
    const values = synthetic(800, 3, true);
    const scores: number[] = [];
    for (let i = 0; i < 800; i++) {
      const v = values.data.subarray(2 * i, 2 * i + 2);
      scores.push(d.scoreOne(v));
      d.learnOne(v);
    }
    const burst = Math.max(...scores.slice(600, 620));
    const before = Math.max(...scores.slice(300, 580));
    assert.ok(burst > before, `${name}: streaming burst ${burst} vs before ${before}`);
    // the score of the prefix does not depend on what follows
    const e = createDetector(name, OPTIONS[name] ?? {});
    assert.ok(isStreaming(e));
    for (let i = 0; i < 300; i++) {
      const v = values.data.subarray(2 * i, 2 * i + 2);
      assert.equal(e.scoreOne(v), scores[i]);
      e.learnOne(v);
    }
    assert.throws(() => e.learnOne([1, 2, 3]), /expected 2 channel/);
  }
});

test('matrix profile: the self-join equals a brute-force search; the AB-join finds the foreign pattern', () => {
  const rng = new Rng(4);
  const a = Float64Array.from({ length: 120 }, () => rng.normal());
  const m = 8;
  const fast = matrixProfile(a, undefined, m, true);
  const z = (s: number): Float64Array => {
    const w = a.slice(s, s + m);
    const mean = w.reduce((x, y) => x + y, 0) / m;
    const sd = Math.sqrt(w.reduce((x, y) => x + (y - mean) ** 2, 0) / m);
    return w.map((v) => (v - mean) / sd);
  };
  for (let i = 0; i < a.length - m + 1; i++) {
    let best = Infinity;
    for (let j = 0; j < a.length - m + 1; j++) {
      if (Math.abs(i - j) <= Math.ceil(m / 4)) continue;
      const zi = z(i);
      const zj = z(j);
      best = Math.min(best, Math.sqrt(zi.reduce((s, v, k) => s + (v - zj[k]!) ** 2, 0)));
    }
    assert.ok(Math.abs(fast[i]! - best) < 1e-6, `row ${i}: ${fast[i]} vs ${best}`);
  }
  const plain = matrixProfile(Float64Array.of(0, 0, 0, 5, 0), Float64Array.of(0, 0, 0, 0), 2, false);
  assert.deepEqual([...plain], [0, 0, 5, 5]);
});

test('random cut tree: sizes stay consistent through inserts, duplicates and forgets; an outlier has high CoDisp', () => {
  const tree = new RandomCutTree(new Rng(1));
  const rng = new Rng(2);
  const leaves = Array.from({ length: 64 }, () => tree.insert(Float64Array.of(rng.normal(), rng.normal())));
  const dup = tree.insert(Float64Array.from(leaves[0]!.point));
  assert.equal(dup, leaves[0]);
  assert.equal(tree.root!.n, 65);
  const outlier = tree.insert(Float64Array.of(20, 20));
  assert.ok(tree.codisp(outlier) > 10, `outlier CoDisp ${tree.codisp(outlier)}`);
  tree.forget(outlier);
  tree.forget(dup);
  for (const l of leaves.slice(1)) tree.forget(l);
  assert.equal(tree.root!.n, 1);
  tree.forget(leaves[0]!);
  assert.equal(tree.root, null);
});
