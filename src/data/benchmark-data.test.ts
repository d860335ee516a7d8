import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { readTable } from './index.ts';

/** Reads one of the shared benchmark files and checks it against the manifest that ships with them. */
const folder = '../shared/data/tabular';
const manifestPath = `${folder}/manifest.json`;
const present = existsSync(manifestPath) && existsSync(`${folder}/cardio.csv.gz`);

describe('shared benchmark data', () => {
  it('reads cardio.csv.gz with the shape and anomaly count of manifest.json', { skip: present ? false : `${folder} is absent (shared benchmark data); skipping` }, async () => {
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { datasets: { name: string; n: number; d: number; n_outliers: number }[] };
    const entry = manifest.datasets.find((d) => d.name === 'cardio')!;
    const t = await readTable(`${folder}/cardio.csv.gz`, { label: 'label' });
    assert.equal(t.X.rows, entry.n);
    assert.equal(t.X.cols, entry.d);
    assert.equal(t.y!.reduce((a, b) => a + b, 0), entry.n_outliers);
    assert.deepEqual(t.features, Array.from({ length: entry.d }, (_, j) => `f${j}`));
    assert.ok(t.X.data.every(Number.isFinite));
  });
});
