// The HTML report in a real browser: Debian's Chromium, driven by playwright-core, opens report pages and the test
// checks that every plot rendered (an SVG with a size and with its data marks), that nothing was logged as an error,
// that the page loaded nothing but itself, and that user text (a hostile CSV header) shows as text.
// Skips when /usr/bin/chromium (or the browser DAD_CHROMIUM names) is absent; .ci/run installs it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { createMatrix } from '../src/core/matrix.ts';
import { Rng } from '../src/core/rng.ts';
import { buildReport, writeReportHtml, type Report } from '../src/report/index.ts';

const CHROMIUM = process.env['DAD_CHROMIUM'] || '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} is absent: install Debian's chromium package (.ci/run does) to run the browser test of the HTML report`;
const HOSTILE = `<img src=x onerror=alert(1)> & "amount"`;

/** The data marks each plot must draw (vega's class names), beyond axes and legends. */
const MARKS: Record<string, string> = {
  'score-histogram': 'g.mark-rect path',
  'roc-curve': 'g.mark-line path',
  'pr-curve': 'g.mark-line path',
  'feature-scatter': 'g.mark-symbol path',
  series: 'g.mark-line path',
  'channel-scores': 'g.mark-line path',
};

async function reports(): Promise<Report[]> {
  const rng = new Rng(7);
  const n = 1000;
  const X = createMatrix(n, 3);
  for (let i = 0; i < X.data.length; i++) X.data[i] = rng.normal();
  for (let i = 0; i < 20; i++) X.data[i * 3] = 6 + rng.normal();
  const scores = Float64Array.from({ length: n }, (_, i) => Math.abs(X.data[i * 3]!) + 0.1 * Math.abs(X.data[i * 3 + 1]!));
  const flagged = Uint8Array.from(scores, (s) => (s > 3 ? 1 : 0));
  const truth = Uint8Array.from({ length: n }, (_, i) => (i < 20 ? 1 : 0));
  const features = [HOSTILE, 'b', 'c'];
  const tabular = await buildReport({
    source: 'generated.csv',
    detector: { name: 'test', options: { contamination: 0.01 } },
    threshold: 3,
    scores,
    flagged,
    truth,
    table: { X, features },
    top: 3,
    explain: (rows) => {
      const c = createMatrix(rows.length, 3);
      rows.forEach((r, k) => { for (let j = 0; j < 3; j++) c.data[k * 3 + j] = Math.abs(X.data[r * 3 + j]!); });
      return { method: 'exact', description: 'absolute values', features, contributions: c };
    },
  });
  const times = Float64Array.from({ length: n }, (_, i) => Date.UTC(2024, 0, 1) + i * 60_000);
  const series = await buildReport({
    source: 'series.csv',
    detector: { name: 'test', options: {} },
    threshold: 3,
    scores,
    flagged,
    truth,
    series: { timestamps: times, numericTime: false, values: X, channels: features, channelScores: X },
  });
  return [tabular, series];
}

test('the HTML report renders in Chromium: every plot drawn, no console error, nothing fetched, user text escaped', { skip, timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dad-browser-'));
  const context = await chromium.launchPersistentContext(join(dir, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    for (const [k, report] of (await reports()).entries()) {
      const path = join(dir, `report-${k}.html`);
      await writeReportHtml(path, report);
      const page = await context.newPage();
      const errors: string[] = [];
      const requests: string[] = [];
      page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text()); });
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('request', (r) => requests.push(r.url()));
      await page.goto(pathToFileURL(path).href, { waitUntil: 'load' });
      const figures = await page.$$eval('figure', (all, marks) => all.map((f) => {
        const svg = f.querySelector('svg');
        const box = svg?.getBoundingClientRect();
        const id = f.id.replace(/^plot-/, '');
        const selector = marks[id] ?? (id.startsWith('contributions-') ? 'g.mark-rect path' : 'path');
        return { id, width: box?.width ?? 0, height: box?.height ?? 0, marks: svg?.querySelectorAll(selector).length ?? 0 };
      }), MARKS);
      assert.deepEqual(figures.map((f) => f.id), report.plots.map((p) => p.id));
      for (const f of figures) {
        assert.ok(f.width > 200 && f.height > 50, `${f.id} has a size: ${f.width} × ${f.height}`);
        assert.ok(f.marks > 0, `${f.id} draws its data marks`);
      }
      assert.deepEqual(errors, []);
      assert.deepEqual(requests, [pathToFileURL(path).href]);
      assert.equal(await page.locator('script, img, iframe').count(), 0);
      assert.ok((await page.locator('body').innerText()).includes(HOSTILE), 'the hostile header shows as text');
      await page.close();
    }
  } finally {
    await context.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
