// `dad detect --explain [k]`: the top features of each anomaly in the results, nothing for normal rows.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { explainTop } from './explain-option.ts';
import { formatResults } from './results.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'dad-explain-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('--explain: no value means 3 features; a bad value is a usage error', () => {
  assert.equal(explainTop(undefined), undefined);
  assert.equal(explainTop(true), 3);
  assert.equal(explainTop('2'), 2);
  assert.throws(() => explainTop('0'), /whole number of features/);
  assert.throws(() => explainTop('x'), /whole number of features/);
});

test('results carry top_features for the anomalies only, in CSV and JSON', () => {
  const results = {
    detector: 'ecod', threshold: 1, scores: [0.5, 2], labels: [0, 1],
    explanations: [undefined, [{ feature: 'amount', contribution: 1.5 }, { feature: 'a,b', contribution: 0.25 }]],
  };
  assert.equal(formatResults(results, 'csv'), 'score,label,top_features\n0.5,0,\n2,1,"amount:1.500;a,b:0.2500"\n');
  const json = JSON.parse(formatResults(results, 'json')) as { rows: Record<string, unknown>[] };
  assert.equal(json.rows[0]!.top_features, undefined);
  assert.deepEqual(json.rows[1]!.top_features, results.explanations[1]);
});

test('dad detect --explain 2 names, for every anomaly, two of the file\'s features', () => {
  const out = join(dir, 'results.json');
  const r = spawnSync(process.execPath, [join(root, 'bin', 'dad.js'), 'detect', join(root, 'examples', 'transactions.csv'), '-d', 'ecod', '--label', 'label', '--explain', '2', '-q', '-o', out], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const { rows } = JSON.parse(readFileSync(out, 'utf8')) as { rows: { label: number; top_features?: { feature: string; contribution: number }[] }[] };
  const features = ['amount', 'hour', 'items', 'distance_km', 'account_age_days'];
  assert.ok(rows.some((row) => row.label === 1));
  for (const row of rows) {
    if (row.label === 0) assert.equal(row.top_features, undefined);
    else {
      assert.equal(row.top_features!.length, 2);
      for (const f of row.top_features!) assert.ok(features.includes(f.feature), f.feature);
      assert.ok(row.top_features![0]!.contribution >= row.top_features![1]!.contribution);
    }
  }
});
