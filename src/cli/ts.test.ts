import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../bin/dad.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'dad-ts-'));
const dad = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });

function series(): string {
  const t0 = Date.UTC(2020, 0, 1);
  const lines = ['timestamp,a,b,label'];
  for (let i = 0; i < 300; i++) {
    if (i === 100 || i === 101) continue; // a gap of two samples
    const anomalous = i >= 200 && i < 208;
    lines.push(`${new Date(t0 + i * 60_000).toISOString()},${(Math.sin(i / 5) + (anomalous ? 5 : 0)).toFixed(4)},${Math.cos(i / 9).toFixed(4)},${anomalous ? 1 : 0}`);
  }
  return `${lines.join('\n')}\n`;
}

test('dad ts detect: per-timestamp scores, labels and channel scores; gaps reported; metrics with --label; HTML report', () => {
  const file = join(dir, 's.csv');
  writeFileSync(file, series());
  const html = join(dir, 'r.html');
  const r = dad('ts', 'detect', file, '--time', 'timestamp', '--value', 'a,b', '--label', 'label', '--report', html);
  assert.equal(r.status, 0, r.stderr);
  const rows = r.stdout.trim().split('\n');
  assert.equal(rows[0], 'time,score,label,score_a,score_b');
  assert.equal(rows.length, 299);
  assert.match(rows[1]!, /^2020-01-01T00:00:00\.000Z,/);
  assert.match(r.stderr, /gap of 2 sample\(s\) after row 99/);
  assert.match(r.stderr, /event-wise +precision/);
  assert.match(r.stderr, /VUS +ROC/);
  // the anomaly is flagged and carried by channel a
  const anomalous = rows.slice(201, 209).map((l) => l.split(','));
  assert.ok(anomalous.some((c) => c[2] === '1'));
  assert.ok(anomalous.some((c) => Number(c[3]) > Number(c[4])));
  const report = readFileSync(html, 'utf8');
  assert.match(report, /^<!DOCTYPE html>/);
  for (const id of ['score-histogram', 'roc-curve', 'series', 'channel-scores']) assert.match(report, new RegExp(`id="plot-${id}"><svg`));
  assert.match(report, /Top anomalous stretches/);
  const resampled = dad('ts', 'detect', file, '--time', 'timestamp', '--value', 'a', '--resample', '-d', 'seasonal-residual', '-f', 'json');
  assert.equal(resampled.status, 0, resampled.stderr);
  assert.equal(JSON.parse(resampled.stdout).rows.length, 300);
});

test('dad ts detect: a tabular detector or an unknown column is a usage error (exit 2) with a clear message', () => {
  const file = join(dir, 's.csv');
  writeFileSync(file, series());
  const tabular = dad('ts', 'detect', file, '--time', 'timestamp', '-d', 'iforest');
  assert.equal(tabular.status, 2);
  assert.match(tabular.stderr, /tabular-windows/);
  const column = dad('ts', 'detect', file, '--time', 'when');
  assert.equal(column.status, 2);
  assert.match(column.stderr, /no time column 'when'/);
});
