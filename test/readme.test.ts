// The README's library quick start is run as written (only the package name, the example path and the model path are
// pointed at this checkout and a temporary folder), so the README cannot drift from the code.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { after, test } from 'node:test';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'dad-readme-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function quickStart(): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Library quick start'));
  const block = /```ts\n([\s\S]*?)```/.exec(section);
  assert.ok(block, 'the README has a ```ts block under "Library quick start"');
  return block[1]!;
}

test("the README's library quick start runs and prints what it says", () => {
  const code = quickStart()
    .replaceAll("from 'dadkit'", `from '${pathToFileURL(join(root, 'src', 'index.ts')).href}'`)
    .replaceAll("'examples/", `'${join(root, 'examples')}/`)
    .replaceAll("'transactions.dad'", `'${join(dir, 'transactions.dad')}'`);
  const file = join(dir, 'quick-start.mts');
  writeFileSync(file, code);
  const r = spawnSync(process.execPath, ['--import', 'tsx', file], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const [auc, same] = r.stdout.trim().split('\n');
  const match = /^ROC-AUC (\d\.\d{3}), (\d+) rows flagged$/.exec(auc ?? '');
  assert.ok(match, `first line: ${auc}`);
  assert.ok(Number(match[1]) > 0.95, 'the planted anomalies rank first');
  assert.equal(Number(match[2]), 25, 'contamination 0.05 of 500 rows');
  assert.equal(same, 'same scores after loading: true');
});
