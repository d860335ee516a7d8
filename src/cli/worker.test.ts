// `dad worker` usage errors: exit 2 with a message naming the flag, before any model is loaded or broker contacted.
// (The running worker — results, SIGTERM, SIGKILL and restart — is tested in test/stream-crash.test.ts.)
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const bin = join(fileURLToPath(new URL('../..', import.meta.url)), 'bin', 'dad.js');
const dad = (...args: string[]) => spawnSync(process.execPath, [bin, 'worker', ...args], { encoding: 'utf8' });

test('dad worker: a bad broker URL or a missing input flag exits 2 with a message, no stack trace', () => {
  const scheme = dad('--broker', 'ftp://x', '--model', 'no-such.dad');
  assert.equal(scheme.status, 2);
  assert.match(scheme.stderr, /--broker must be a nats:\/\/, redis:\/\/ or kafka:\/\/ URL.*Got 'ftp:\/\/x'/);
  const subject = dad('--broker', 'redis://127.0.0.1:1', '--subject', 'events', '--model', 'no-such.dad');
  assert.equal(subject.status, 2);
  assert.match(subject.stderr, /A redis broker needs --stream <name>/);
  assert.doesNotMatch(subject.stderr, /at .*\.ts:\d+/);
});
