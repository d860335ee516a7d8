#!/usr/bin/env node
// Runs every *.test.ts under src/ and test/ with Node's own test runner through tsx.
// Node 20's `--test` does not expand glob patterns itself (Node 21+ does), so we list the files here.
// Extra arguments are passed to the runner (e.g. `npm test -- --test-name-pattern=iforest`); file paths given
// as arguments narrow the run to those files.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const explicit = args.filter((a) => a.endsWith('.ts'));
const flags = args.filter((a) => !a.endsWith('.ts'));

function walk(dir, out) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (name.endsWith('.test.ts')) out.push(relative(root, path));
  }
  return out;
}

const files = explicit.length > 0 ? explicit : [...walk(join(root, 'src'), []), ...walk(join(root, 'test'), [])].sort();
if (files.length === 0) {
  console.error('No test files found under src/ or test/.');
  process.exit(1);
}
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...flags, ...files], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
