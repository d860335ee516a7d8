// The tabular benchmark's protocol pieces: the seeded stratified split, the 10,000-row subsample, the ADBench name
// maps (checked against the published table when ../shared/reference is present) and the summary arithmetic.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { createMatrix } from '../src/core/matrix.ts';
import { ADBENCH_DATASET, ADBENCH_METHOD, loadReference, referenceMean } from '../bench/tabular/adbench-reference.ts';
import { adbenchSplit, MAX_ROWS } from '../bench/tabular/protocol.ts';
import { cells, summarize, type RunRecord } from '../bench/tabular/report.ts';

const referenceDir = fileURLToPath(new URL('../../shared/reference/adbench', import.meta.url));

function data(rows: number, anomalies: number): { X: ReturnType<typeof createMatrix>; y: Uint8Array } {
  const X = createMatrix(rows, 1, Float64Array.from({ length: rows }, (_, i) => i));
  const y = Uint8Array.from({ length: rows }, (_, i) => (i < anomalies ? 1 : 0));
  return { X, y };
}

describe('bench/tabular protocol', () => {
  test('stratified 70/30 split: disjoint, complete, same anomaly share in both parts, same seed same split', () => {
    const { X, y } = data(1000, 40);
    const a = adbenchSplit(X, y, 7);
    assert.equal(a.train.rows + a.test.rows, 1000);
    assert.equal(a.test.rows, 300);
    const seen = new Set([...a.train.data, ...a.test.data]);
    assert.equal(seen.size, 1000, 'every row in exactly one part');
    assert.equal(a.testLabels.reduce((s, v) => s + v, 0), 12);
    assert.equal(a.trainLabels.reduce((s, v) => s + v, 0), 28);
    for (let i = 0; i < a.test.rows; i++) assert.equal(a.testLabels[i], a.test.data[i]! < 40 ? 1 : 0, 'labels travel with their rows');
    assert.deepEqual(adbenchSplit(X, y, 7), a);
    assert.notDeepEqual(adbenchSplit(X, y, 8).test.data, a.test.data);
  });

  test('a dataset above 10,000 rows is subsampled to 10,000, each class keeping its share, before the split', () => {
    const { X, y } = data(25_000, 500);
    const s = adbenchSplit(X, y, 0);
    assert.equal(s.train.rows + s.test.rows, MAX_ROWS);
    assert.equal(new Set([...s.train.data, ...s.test.data]).size, MAX_ROWS);
    const count = (labels: Uint8Array): number => labels.reduce((a, v) => a + v, 0);
    assert.equal(count(s.trainLabels) + count(s.testLabels), 200);
    assert.equal(count(s.testLabels), 60);
  });

  test('a very rare class keeps at least 2 rows in the subsample, so the test part has an anomaly', () => {
    const { X, y } = data(95_000, 30);
    for (const seed of [0, 1, 2]) assert.equal(adbenchSplit(X, y, seed).testLabels.reduce((a, v) => a + v, 0), 1);
  });

  test('a class of one row stays in the training part', () => {
    const { X, y } = data(10, 1);
    const s = adbenchSplit(X, y, 0);
    assert.equal(s.trainLabels.reduce((a, v) => a + v, 0), 1);
  });
});

describe('bench/tabular report', () => {
  const run = (dataset: string, detector: string, seed: number, roc: number | null): RunRecord =>
    ({ dataset, detector, seed, rocAuc: roc, prAuc: roc === null ? null : roc / 2, fitSeconds: 1, scoreSeconds: 0.5 });

  test('cells average the seeds; a pair with a failed seed has no cell', () => {
    const table = cells([run('a', 'x', 0, 0.8), run('a', 'x', 1, 0.6), run('a', 'y', 0, 0.9), run('a', 'y', 1, null)]);
    assert.ok(Math.abs(table.get('a')!.get('x')!.rocAuc - 0.7) < 1e-12);
    assert.equal(table.get('a')!.has('y'), false);
  });

  test('mean rank counts ties as half, over the datasets every detector has', () => {
    const runs = [run('a', 'x', 0, 0.9), run('a', 'y', 0, 0.8), run('b', 'x', 0, 0.7), run('b', 'y', 0, 0.7), run('c', 'x', 0, 0.5)];
    const summary = summarize(runs, ['x', 'y'], ['a', 'b', 'c'], undefined, undefined);
    assert.equal(summary[0]!.meanRank, (1 + 1.5) / 2);
    assert.equal(summary[1]!.meanRank, (2 + 1.5) / 2);
    assert.equal(summary[0]!.datasets, 3);
    assert.ok(Math.abs(summary[0]!.meanRocAuc! - 0.7) < 1e-12);
  });

  test('every mapped dataset and method exists in ADBench\'s published table', (t) => {
    const table = loadReference(referenceDir, 'D4_unsup_AUCROC.csv');
    if (!table) return t.skip(`ADBench reference tables not found at ${referenceDir}`);
    assert.equal(Object.keys(ADBENCH_DATASET).length, 23);
    for (const name of Object.values(ADBENCH_DATASET)) assert.ok(table.has(name), `D4 has ${name}`);
    for (const method of Object.values(ADBENCH_METHOD)) assert.ok(table.get('cardio')!.has(method), `D4 has ${method}`);
    // From D4: IForest on cardio 93.19, on WBC 99.01.
    assert.ok(Math.abs(table.get('cardio')!.get('IForest')! - 0.9319) < 1e-9);
    const mean = referenceMean(table, 'iforest', ['cardio', 'wbc', 'arrhythmia'])!;
    assert.equal(mean.count, 2);
    assert.ok(Math.abs(mean.mean - (0.9319 + table.get('WBC')!.get('IForest')!) / 2) < 1e-9);
  });
});
