// `npm run bench -- tabular --merge a.json,b.json`: shards run elsewhere (other machines, parallel processes) merge into
// the results as a run here would — a shard's rows replace the same dataset × detector rows, others are kept.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { merge, readShards } from '../bench/tabular.ts';
import type { RunRecord, TabularResults } from '../bench/tabular/report.ts';
import { InputError } from '../src/core/errors.ts';

const run = (dataset: string, detector: string, rocAuc: number): RunRecord => ({ dataset, detector, seed: 0, rocAuc, prAuc: rocAuc, fitSeconds: 1, scoreSeconds: 1 });

function results(runs: RunRecord[], command: string, seeds = 1, protocol = 'ADBench protocol.'): TabularResults {
  return {
    suite: 'tabular', protocol, commands: [command], createdAt: '2026-11-28T00:00:00Z', machine: '16 × shard CPU', seeds,
    datasets: [...new Set(runs.map((r) => r.dataset))].map((name) => ({ name, rows: 10, features: 2, anomalies: 1, usedRows: 10 })),
    runs, fullScale: [], summary: [],
  };
}

test('shards merge over earlier results: same dataset × detector replaced, the rest kept, commands appended', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dad-merge-'));
  try {
    const a = join(dir, 'a.json');
    const b = join(dir, 'b.json');
    writeFileSync(a, JSON.stringify(results([run('wbc', 'autoencoder', 0.9)], 'npm run bench -- tabular --fresh --detectors autoencoder --datasets wbc')));
    writeFileSync(b, JSON.stringify(results([run('glass', 'autoencoder', 0.8)], 'npm run bench -- tabular --fresh --detectors autoencoder --datasets glass')));
    const shards = readShards(`${a},${b}`, 1, 'tabular');
    const previous = results([run('wbc', 'autoencoder', 0.5), run('wbc', 'iforest', 0.7)], 'earlier');
    const merged = merge(previous, shards.flatMap((s) => s.runs), shards.flatMap((s) => s.datasets), [], 1, shards.flatMap((s) => s.commands), '16 × shard CPU');
    const cell = (dataset: string, detector: string): number | null | undefined => merged.runs.find((r) => r.dataset === dataset && r.detector === detector)?.rocAuc;
    assert.equal(cell('wbc', 'autoencoder'), 0.9);
    assert.equal(cell('glass', 'autoencoder'), 0.8);
    assert.equal(cell('wbc', 'iforest'), 0.7);
    assert.equal(merged.runs.length, 3);
    assert.deepEqual(merged.commands.length, 3);
    assert.equal(merged.machine, '16 × shard CPU');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a shard over another number of seeds, of another suite, or unreadable is refused with a clear error', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dad-merge-'));
  try {
    const three = join(dir, 'three.json');
    writeFileSync(three, JSON.stringify(results([run('wbc', 'ecod', 1)], 'x', 3)));
    assert.throws(() => readShards(three, 1, 'tabular'), (e: unknown) => e instanceof InputError && /3 seeds; expected 1 \(pass --seeds 3\)/.test(e.message));
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{"suite": ');
    assert.throws(() => readShards(broken, 1, 'tabular'), (e: unknown) => e instanceof InputError && e.message.includes(broken));
    const other = join(dir, 'other.json');
    writeFileSync(other, JSON.stringify({ suite: 'nab', runs: [] }));
    assert.throws(() => readShards(other, 1, 'tabular'), (e: unknown) => e instanceof InputError && /not a tabular results file/.test(e.message));
    assert.throws(() => readShards(' , ', 1, 'tabular'), InputError);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
