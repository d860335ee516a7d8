// The example plugin (examples/plugin-detector.ts) keeps the plugin contract: it registers itself on import, its
// options are validated by its schema, it round-trips through a model file, and `dad --plugin` can use it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { createDetector, fromRows, getDetectorClass, OptionError } from '../src/index.ts';
import { readTable } from '../src/data/index.ts';
import { rocAuc } from '../src/metrics/index.ts';
import { decodeModel, encodeModel } from '../src/model-io/index.ts';
import { RobustZScore } from '../examples/plugin-detector.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const example = join(root, 'examples', 'transactions.csv');

describe('examples/plugin-detector.ts', () => {
  test('registers robust-zscore on import', () => {
    assert.equal(getDetectorClass('robust-zscore'), RobustZScore);
    assert.throws(() => createDetector('robust-zscore', { minScale: 0 }), OptionError);
  });

  test('scores are robust z-scores: a row far from the medians scores high, the medians score 0', () => {
    const d = createDetector('robust-zscore').fit(fromRows([[1, 10], [2, 20], [3, 30], [4, 40], [5, 50], [100, 30]]));
    const scores = d.score(fromRows([[3.5, 30], [100, 30]]));
    assert.equal(scores[0], 0);
    // Medians 3.5 and 30; MAD of feature 0 is 1.5, so (100 − 3.5) / (1.4826 · 1.5) there, 0 on feature 1; RMS over 2 features.
    assert.ok(Math.abs(scores[1]! - Math.sqrt((96.5 / (1.4826 * 1.5)) ** 2 / 2)) < 1e-9);
  });

  test('ranks the planted anomalies of the example file first and survives a model file', async () => {
    const table = await readTable(example, { label: 'label' });
    const d = createDetector('robust-zscore').fit(table.X);
    assert.ok(rocAuc(table.y!, d.trainingScores) > 0.95);
    const loaded = decodeModel(encodeModel(d), 'robust-zscore model').detector;
    assert.deepEqual(loaded.score(table.X), d.score(table.X));
  });

  test('dad detect --plugin uses it', () => {
    const r = spawnSync(process.execPath, [join(root, 'bin', 'dad.js'), 'detect', '--plugin', join(root, 'examples', 'plugin-detector.ts'), '--detector', 'robust-zscore', example, '--label', 'label'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim().split('\n').length, 501);
    assert.match(r.stderr, /ROC-AUC/);
  });
});
