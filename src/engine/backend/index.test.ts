/**
 * Backend selection reads the environment once per process, so each case runs in a child process with its own
 * environment.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

const INDEX_URL = new URL('./index.ts', import.meta.url).href;

function info(env: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
  const script = `import(${JSON.stringify(INDEX_URL)}).then((m) => console.log(JSON.stringify(m.backendInfo())))` +
    `.catch((e) => { console.error(e.message); process.exit(3); })`;
  const result = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { env: { ...process.env, ...env }, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('DAD_BACKEND=js selects the TypeScript kernels', () => {
  const result = info({ DAD_BACKEND: 'js' });
  assert.equal(result.status, 0, result.stderr);
  assert.deepEqual(JSON.parse(result.stdout), { name: 'js', threads: 1 });
});

test('DAD_BACKEND=wasm selects the WebAssembly kernels', () => {
  const result = info({ DAD_BACKEND: 'wasm' });
  assert.equal(result.status, 0, result.stderr);
  assert.deepEqual(JSON.parse(result.stdout), { name: 'wasm', threads: 1 });
});

test('without DAD_BACKEND the fastest backend that loads is chosen, and a skipped one says why', () => {
  const result = info({ DAD_BACKEND: '' });
  assert.equal(result.status, 0, result.stderr);
  const chosen = JSON.parse(result.stdout) as { name: string; fallbackReason?: string };
  assert.ok(chosen.name === 'native' || chosen.name === 'wasm', result.stdout);
  if (chosen.name === 'wasm') assert.match(chosen.fallbackReason ?? '', /^native: /);
});

test('an invalid DAD_BACKEND names the variable, the allowed values and the value received', () => {
  const result = info({ DAD_BACKEND: 'cuda' });
  assert.equal(result.status, 3);
  assert.match(result.stderr, /DAD_BACKEND environment variable must be one of native, wasm, js\. Got 'cuda' instead\./);
});

test('an invalid DAD_THREADS is an error, not a silent fall-back', () => {
  const result = info({ DAD_BACKEND: '', DAD_THREADS: 'two' });
  assert.equal(result.status, 3);
  assert.match(result.stderr, /DAD_THREADS environment variable must be an integer from 1 to 8\. Got 'two' instead\./);
});
