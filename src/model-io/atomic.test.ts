import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { watch } from 'node:fs';
import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DadError } from '../core/errors.ts';
import { createMatrix } from '../core/matrix.ts';
import { Rng } from '../core/rng.ts';
import { writeFileAtomic } from './atomic.ts';
import { loadModel } from './model-file.ts';
import { twoLargeModels } from './save-loop.fixture.ts';

const folder = await mkdtemp(join(tmpdir(), 'dadkit-atomic-'));
after(() => rm(folder, { recursive: true, force: true }));

test('writes text and bytes, replaces the old content, leaves no temporary file', async () => {
  const path = join(folder, 'out.json');
  await writeFileAtomic(path, '{"a":1}');
  assert.equal(await readFile(path, 'utf8'), '{"a":1}');
  await writeFileAtomic(path, new Uint8Array([1, 2, 3]));
  assert.deepEqual(new Uint8Array(await readFile(path)), new Uint8Array([1, 2, 3]));
  assert.deepEqual(await readdir(folder), ['out.json']);
  await rm(path);
});

test('keeps the permission bits of the file it replaces', { skip: process.platform === 'win32' }, async () => {
  const path = join(folder, 'private.txt');
  await writeFile(path, 'old');
  await chmod(path, 0o600);
  await writeFileAtomic(path, 'new');
  assert.equal((await stat(path)).mode & 0o777, 0o600);
  await rm(path);
});

test('a folder that does not exist is a DadError naming the path, not the temporary file', async () => {
  const path = join(folder, 'missing', 'model.dad');
  await assert.rejects(writeFileAtomic(path, 'x'), (error: unknown) => {
    assert.ok(error instanceof DadError);
    assert.ok(error.message.startsWith(`Cannot write '${path}': `), error.message);
    assert.doesNotMatch(error.message, /\.tmp/);
    return true;
  });
});

test('SIGKILL during repeated saves leaves a complete old or new model at the path', async (t) => {
  // Whenever the kill lands — before, during or after a write, or after the child ended — the file at the path must
  // load and be exactly one of the two models the child alternates between. The assertion does not depend on timing.
  const work = await mkdtemp(join(folder, 'kill-'));
  const path = join(work, 'large.dad');
  const fixture = fileURLToPath(new URL('./save-loop.fixture.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', fixture, path, '200'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
  // After three complete saves, kill at the first change in the folder: the next write is then in flight (a writer
  // that wrote in place, not atomically, fails this test: the kill lands while the model file is half written).
  let out = '';
  let armed = false;
  const watcher = watch(work, () => {
    if (armed) child.kill('SIGKILL');
  });
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    armed ||= out.includes('saved 2\n');
  });
  const ended = await exited;
  watcher.close();
  assert.ok(out.includes('saved 2\n'), `the child did not get to three saves (exit ${String(ended)}): ${stderr}`);
  const leftovers = (await readdir(work)).filter((n) => n.endsWith('.tmp'));
  t.diagnostic(`child ended by ${String(ended)} after ${out.split('\n').length - 1} saves; ${leftovers.length} temporary file(s) left mid-write`);

  const loaded = await loadModel(path);
  const rng = new Rng(9);
  const probe = createMatrix(20, 50, Float64Array.from({ length: 1000 }, () => 2 * rng.normal()));
  const [a, b] = twoLargeModels();
  const scores = loaded.detector.score(probe);
  const matches = [a, b].filter((m) => sameScores(m.score(probe), scores));
  assert.equal(matches.length, 1, 'the file is neither of the two models the child saved');
});

function sameScores(x: Float64Array, y: Float64Array): boolean {
  return x.length === y.length && x.every((v, i) => v === y[i]);
}
