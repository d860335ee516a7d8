// `dad serve` as a user runs it: the real bin/dad.js, listening on a free port, stopped by SIGTERM.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin', 'dad.js');
const dir = mkdtempSync(join(tmpdir(), 'dad-serve-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('dad serve --models <dir> --port 0 serves the folder, requires DAD_SERVE_TOKEN when set, and stops on SIGTERM', async () => {
  const fit = spawnSync(process.execPath, [bin, 'fit', join(root, 'examples', 'transactions.csv'), '-d', 'ecod', '--label', 'label', '-m', join(dir, 'tx.dad'), '-q'], { encoding: 'utf8' });
  assert.equal(fit.status, 0, fit.stderr);
  const child = spawn(process.execPath, [bin, 'serve', '--models', dir, '--port', '0'], { env: { ...process.env, DAD_SERVE_TOKEN: 'secret' } });
  let stderr = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const m = /listening on (http:\/\/\S+)/.exec(stderr);
      if (m) resolve(m[1]!);
    });
    child.on('exit', (code) => reject(new Error(`dad serve exited with ${code}: ${stderr}`)));
  });
  assert.match(stderr, /1 model\(s\)/);
  assert.equal((await fetch(`${url}/models`)).status, 401);
  const r = await fetch(`${url}/models/tx/score`, {
    method: 'POST',
    headers: { authorization: 'Bearer secret', 'content-type': 'application/json' },
    body: JSON.stringify({ rows: [{ amount: 20, hour: 12, items: 1, distance_km: 3, account_age_days: 2000 }] }),
  });
  assert.equal(r.status, 200);
  assert.equal(((await r.json()) as { scores: number[] }).scores.length, 1);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  assert.equal(await exited, 0);
});

test('dad serve on a missing folder is a usage error', () => {
  const r = spawnSync(process.execPath, [bin, 'serve', '--models', join(dir, 'missing')], { encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /models folder .* cannot be read/);
});
