#!/usr/bin/env node
// Builds the native kernels addon (binding.gyp → build/Release/dad_kernels.node) with the node-gyp that ships with npm,
// against the headers installed next to this Node binary, so it works offline.
//
// As the package's install step it must never fail the install: without a compiler the toolkit still runs on the
// WebAssembly kernels, so a failed build prints one line and exits 0. `--strict` (npm run build:native) exits non-zero
// instead, for developers who want to see why.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const strict = process.argv.includes('--strict');
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function fail(message) {
  console.log(`dadkit: native kernels not built (${message}); using the WebAssembly kernels instead`);
  process.exit(strict ? 1 : 0);
}

if (process.env.DAD_SKIP_NATIVE_BUILD === '1') fail('DAD_SKIP_NATIVE_BUILD=1');

const nodeGyp = [
  process.env.npm_config_node_gyp,
  join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
].find((candidate) => candidate && existsSync(candidate));
if (!nodeGyp) fail('node-gyp not found');

// Headers next to the binary (official tarballs and distribution packages both install them): no download needed.
const prefix = resolve(dirname(process.execPath), '..');
const nodedir = existsSync(join(prefix, 'include', 'node', 'node_api.h')) ? [`--nodedir=${prefix}`] : [];

const result = spawnSync(process.execPath, [nodeGyp, 'rebuild', ...nodedir], {
  cwd: root,
  stdio: strict ? 'inherit' : ['ignore', 'ignore', 'pipe'],
  encoding: 'utf8',
});
if (result.status !== 0) {
  // node-gyp's first error line names the cause (no Python, no make, a compiler error); the last is only "not ok"
  const lines = (result.stderr ?? '').split('\n');
  const cause = lines.find((line) => /error:|ERR! stack Error/.test(line))?.replace(/^gyp ERR! stack /, '').trim();
  fail(result.error?.message ?? cause ?? `node-gyp exited with ${result.status}`);
}
console.log('dadkit: native kernels built (build/Release/dad_kernels.node)');
