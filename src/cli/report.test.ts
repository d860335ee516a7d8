// `dad detect --report`, `dad report` from saved results, and their usage errors, through the real bin/dad.js.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from './main.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin', 'dad.js');
const example = join(root, 'examples', 'transactions.csv');
const dir = mkdtempSync(join(tmpdir(), 'dad-report-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const dad = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, DAD_DEBUG: '' } });

/** The command line in this process (a child per case would cost seconds each): exit code and what went to stderr. */
async function inProcess(...args: string[]): Promise<{ status: number; stderr: string }> {
  const write = process.stderr.write.bind(process.stderr);
  let stderr = '';
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  try {
    return { status: await main(args), stderr };
  } finally {
    process.stderr.write = write;
  }
}

test('dad detect --report writes the HTML report and --report-png one PNG per plot; dad report rebuilds it from the saved results', () => {
  const html = join(dir, 'report.html');
  const pngs = join(dir, 'plots');
  const results = join(dir, 'results.json');
  const r = dad('detect', example, '-d', 'iforest', '--label', 'label', '--explain', '--report', html, '--report-png', pngs, '--report-top', '5', '-o', results);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /report written to/);
  const page = readFileSync(html, 'utf8');
  assert.match(page, /^<!DOCTYPE html>/);
  assert.match(page, /iforest \(Isolation Forest\)/);
  assert.match(page, /ROC-AUC<\/th><td>\d\.\d{4}/);
  assert.equal((page.match(/<figure id="plot-contributions-\d+">/g) ?? []).length, 5);
  const files = readdirSync(pngs).sort();
  assert.deepEqual(files, ['contributions-1.png', 'contributions-2.png', 'contributions-3.png', 'contributions-4.png', 'contributions-5.png', 'feature-scatter.png', 'pr-curve.png', 'roc-curve.png', 'score-histogram.png']);
  assert.deepEqual([...readFileSync(join(pngs, 'score-histogram.png')).subarray(1, 4)], [0x50, 0x4e, 0x47]);

  const again = join(dir, 'again.html');
  const s = dad('report', results, '--data', example, '--label', 'label', '-o', again);
  assert.equal(s.status, 0, s.stderr);
  const rebuilt = readFileSync(again, 'utf8');
  assert.match(rebuilt, /Made from saved results/);
  assert.match(rebuilt, /<figure id="plot-roc-curve"><svg/);
  assert.match(rebuilt, /<figure id="plot-contributions-1"><svg/); // from the saved --explain top features
});

test('report usage errors exit 2 with a message and write nothing', async () => {
  const svg = await inProcess('detect', example, '--report', join(dir, 'r.svg'));
  assert.equal(svg.status, 2);
  assert.match(svg.stderr, /--report writes one HTML page/);
  assert.ok(!existsSync(join(dir, 'r.svg')));
  const top = await inProcess('detect', example, '--report', join(dir, 'r.html'), '--report-top', '0');
  assert.equal(top.status, 2);
  assert.match(top.stderr, /--report-top takes a whole number/);
  const bad = join(dir, 'bad.csv');
  writeFileSync(bad, 'score,label\n0.5,1\nabc,0\n');
  const parsed = await inProcess('report', bad, '-o', join(dir, 'bad.html'));
  assert.equal(parsed.status, 2);
  assert.match(parsed.stderr, /bad\.csv, line 3, column score: expected a finite number/);
  const nowhere = await inProcess('report', bad);
  assert.equal(nowhere.status, 2);
  assert.match(nowhere.stderr, /Say where the report goes/);
  const good = join(dir, 'good.csv');
  writeFileSync(good, 'score,label\n0.5,1\n0.1,0\n0.2,0\n');
  const rows = await inProcess('report', good, '--data', example, '-o', join(dir, 'g.html'));
  assert.equal(rows.status, 2);
  assert.match(rows.stderr, /has 500 rows and .*good\.csv has 3 results/);
});

test('dad score --report: the report of new data scored with a saved model', async () => {
  const model = join(dir, 'm.dad');
  assert.equal((await inProcess('fit', example, '-d', 'iforest', '--label', 'label', '-m', model, '-q')).status, 0);
  const html = join(dir, 'score.html');
  const r = await inProcess('score', example, '--label', 'label', '-m', model, '--report', html, '-o', join(dir, 'scores.csv'));
  assert.equal(r.status, 0, r.stderr);
  const page = readFileSync(html, 'utf8');
  assert.match(page, /Scored with the saved model/);
  assert.match(page, /<figure id="plot-pr-curve"><svg/);
});

test('dad logs detect --report: sessions with their scores and unexpected lines', async () => {
  const lines: string[] = [];
  for (let b = 1; b <= 60; b++) {
    lines.push(`INFO Opening block blk_${b}`, `INFO Wrote 10 bytes to blk_${b}`, `INFO Closed block blk_${b}`);
    if (b === 30) lines.push(`ERROR <script>disk</script> failed for blk_${b}`, `ERROR <script>disk</script> failed for blk_${b}`);
  }
  const log = join(dir, 'blocks.log');
  writeFileSync(log, `${lines.join('\n')}\n`);
  const html = join(dir, 'logs.html');
  const r = await inProcess('logs', 'detect', log, '--session', 'blk_\\d+', '-d', 'log-pca', '--report', html, '--top', '1');
  assert.equal(r.status, 0, r.stderr);
  const page = readFileSync(html, 'utf8');
  assert.match(page, /<th>sessions<\/th><td>60/);
  assert.match(page, /<th>unexpected lines<\/th>/);
  assert.match(page, /blk_30/);
  assert.ok(!page.includes('<script>disk'), 'log text is escaped');
});
