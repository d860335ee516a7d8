/**
 * Explanations on data where the anomalous feature is known: each test row is a normal row with one feature planted
 * far out, and the top feature must be that one — through each exact decomposition and through Shapley sampling.
 * Then the additive properties: exact terms sum to the score; Shapley values sum to score − reference mean score.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import '../detectors/index.ts';
import type { Matrix } from '../core/matrix.ts';
import { Rng } from '../core/rng.ts';
import { createDetector } from '../detectors/registry.ts';
import { Pipeline } from '../pipeline/pipeline.ts';
import { explain, explainPipeline, hasExactExplanation, topFeatures, topPipelineFeatures, type SelfExplaining } from './index.ts';
import type { Detector } from '../detectors/detector.ts';
import { nodeSizes } from './exact/iforest.ts';

const FEATURES = 5;

function gaussian(rows: number, seed: number): Matrix {
  const rng = new Rng(seed);
  const data = new Float64Array(rows * FEATURES);
  for (let i = 0; i < data.length; i++) data[i] = rng.normal();
  return { rows, cols: FEATURES, data };
}

/** One anomaly per feature (then again): normal values elsewhere, ±6 standard deviations at the planted feature. */
function planted(seed: number): { X: Matrix; planted: number[] } {
  const X = gaussian(2 * FEATURES, seed);
  const planted: number[] = [];
  for (let i = 0; i < X.rows; i++) {
    const j = i % FEATURES;
    for (let k = 0; k < FEATURES; k++) X.data[i * FEATURES + k] = X.data[i * FEATURES + k]! * 0.3; // near the centre
    X.data[i * FEATURES + j] = i < FEATURES ? 6 : -6;
    planted.push(j);
  }
  return { X, planted };
}

function argmaxRows(m: Matrix): number[] {
  return topFeatures(m, Array.from({ length: m.cols }, (_, j) => String(j)), 1).map((r) => Number(r[0]!.feature));
}

const train = gaussian(300, 1);
const { X: anomalies, planted: plantedFeatures } = planted(2);

const CASES: [string, Record<string, unknown>, 'exact' | 'shapley'][] = [
  ['ecod', {}, 'exact'],
  ['copod', {}, 'exact'],
  ['hbos', {}, 'exact'],
  ['iforest', { trees: 50 }, 'exact'],
  ['autoencoder', { hiddenSizes: [8, 2], epochs: 30, dropout: 0, batchNorm: false }, 'exact'],
  ['knn', {}, 'shapley'],
  ['pca', {}, 'shapley'],
  ['gmm', {}, 'shapley'],
];

for (const [name, options, method] of CASES) {
  test(`${name}: the planted feature is the top feature of every anomaly (${method})`, () => {
    const detector = createDetector(name, options).fit(train);
    assert.equal(hasExactExplanation(detector), method === 'exact');
    const explanation = explain(detector, anomalies, { reference: train, referenceSize: 16 });
    assert.equal(explanation.method, method);
    assert.equal(explanation.contributions.rows, anomalies.rows);
    assert.equal(explanation.contributions.cols, FEATURES);
    assert.deepEqual(argmaxRows(explanation.contributions), plantedFeatures);
  });
}

for (const name of ['ecod', 'copod', 'hbos', 'autoencoder']) {
  test(`${name}: exact contributions sum to the score`, () => {
    const options = name === 'autoencoder' ? { hiddenSizes: [8, 2], epochs: 2 } : {};
    const detector = createDetector(name, options).fit(train);
    const X = gaussian(20, 3);
    const { contributions, additive } = explain(detector, X);
    assert.equal(additive, true);
    const scores = detector.score(X);
    for (let i = 0; i < X.rows; i++) {
      let sum = 0;
      for (let j = 0; j < FEATURES; j++) sum += contributions.data[i * FEATURES + j]!;
      assert.ok(Math.abs(sum - scores[i]!) <= 1e-5 * Math.max(1, Math.abs(scores[i]!)), `row ${i}: ${sum} vs ${scores[i]}`);
    }
  });
}

test('Shapley sampling: contributions sum to score − mean reference score; same seed, same values', () => {
  const detector = createDetector('knn').fit(train);
  const reference = gaussian(12, 4); // fewer than referenceSize: every row is used, so the baseline is their mean
  const X = gaussian(6, 5);
  const first = explain(detector, X, { method: 'shapley', reference, referenceSize: 32, walks: 3 });
  const refScores = detector.score(reference);
  const mean = refScores.reduce((a, b) => a + b, 0) / refScores.length;
  assert.ok(Math.abs(first.baseline! - mean) < 1e-12);
  const scores = detector.score(X);
  for (let i = 0; i < X.rows; i++) {
    let sum = 0;
    for (let j = 0; j < FEATURES; j++) sum += first.contributions.data[i * FEATURES + j]!;
    assert.ok(Math.abs(sum - (scores[i]! - mean)) < 1e-9, `row ${i}: ${sum} vs ${scores[i]! - mean}`);
  }
  const again = explain(detector, X, { method: 'shapley', reference, referenceSize: 32, walks: 3 });
  assert.deepEqual(again.contributions.data, first.contributions.data);
});

test('Shapley sampling of a sum of per-feature terms recovers each term exactly', () => {
  // f(x) = Σ w_j x_j: the Shapley value of j is w_j (x_j − mean reference x_j), whatever the permutations
  const weights = [1, -2, 0.5, 3, 0];
  const detector = createDetector('hbos').fit(train); // any fitted detector; its score is replaced below
  const linear = Object.assign(Object.create(Object.getPrototypeOf(detector) as object) as Detector, detector, {
    score: (X: Matrix) => Float64Array.from({ length: X.rows }, (_, i) => weights.reduce((s, w, j) => s + w * X.data[i * X.cols + j]!, 0)),
  });
  const reference = gaussian(8, 6);
  const X = gaussian(3, 7);
  const { contributions } = explain(linear, X, { method: 'shapley', reference });
  for (let j = 0; j < FEATURES; j++) {
    let refMean = 0;
    for (let r = 0; r < reference.rows; r++) refMean += reference.data[r * FEATURES + j]!;
    refMean /= reference.rows;
    for (let i = 0; i < X.rows; i++) {
      const expected = weights[j]! * (X.data[i * FEATURES + j]! - refMean);
      assert.ok(Math.abs(contributions.data[i * FEATURES + j]! - expected) < 1e-9);
    }
  }
});

test('method exact refuses a detector without one; Shapley without reference rows is a clear error', () => {
  const detector = createDetector('knn').fit(train);
  assert.throws(() => explain(detector, anomalies, { method: 'exact' }), /no exact explanation/);
  assert.throws(() => explain(detector, anomalies), /needs reference rows/);
  assert.throws(() => explain(createDetector('knn'), anomalies), /not fitted/);
  assert.throws(() => explain(detector, { rows: 1, cols: 2, data: new Float64Array(2) }), /fitted on 5 features/);
});

test("a detector's own explain(X) method is used first", () => {
  const detector = createDetector('knn').fit(train) as Detector & SelfExplaining;
  detector.explain = (X: Matrix) => ({ rows: X.rows, cols: X.cols, data: new Float64Array(X.rows * X.cols).fill(1) });
  const result = explain(detector, anomalies);
  assert.equal(result.method, 'exact');
  assert.ok(result.contributions.data.every((v) => v === 1));
});

test('pipeline explanations are named by its features and see rows through its scaling', () => {
  const names = ['amount', 'hour', 'items', 'distance', 'age'];
  const shifted: Matrix = { rows: train.rows, cols: FEATURES, data: train.data.map((v, p) => v * 10 + 100 * (p % FEATURES)) };
  const pipeline = new Pipeline({ detector: 'ecod', scale: 'standard' }).fit({ X: shifted, features: names });
  const X: Matrix = { rows: anomalies.rows, cols: FEATURES, data: anomalies.data.map((v, p) => v * 10 + 100 * (p % FEATURES)) };
  const explanation = explainPipeline(pipeline, X);
  assert.deepEqual(explanation.features, names);
  const top = topPipelineFeatures(explanation, 2);
  assert.deepEqual(top.map((r) => r[0]!.feature), plantedFeatures.map((j) => names[j]));
  assert.equal(top[0]!.length, 2);
});

test('iforest: node sizes read back from the leaves add up to ψ rows at every root', () => {
  const detector = createDetector('iforest', { trees: 10 }).fit(train);
  const s = detector.snapshot();
  const roots = s.arrays.roots as Int32Array;
  const sizes = nodeSizes(s.arrays.feature as Int32Array, s.arrays.splitValue as Float64Array, s.arrays.left as Int32Array, s.arrays.right as Int32Array, roots);
  for (const r of roots) assert.equal(sizes[r], 256);
});
