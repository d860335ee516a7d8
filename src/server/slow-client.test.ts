/**
 * "A slow client cannot hold the server": clients that trickle their headers or their body one byte at a time
 * (slowloris) are cut off by the server's timeouts while a normal client is served. Bounds are generous (the test
 * machine is shared): the assertions are that the normal request succeeds while the slow ones are still open, and
 * that every slow socket is eventually closed by the server, not how fast.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import '../detectors/index.ts';
import { Rng } from '../core/rng.ts';
import { Pipeline } from '../pipeline/pipeline.ts';
import { startServer, type RunningServer } from './index.ts';

const folder = mkdtempSync(join(tmpdir(), 'dad-slow-'));
let server: RunningServer;

before(async () => {
  const rng = new Rng(4);
  await new Pipeline({ detector: 'ecod' }).fit({ rows: 60, cols: 3, data: Float64Array.from({ length: 180 }, () => rng.normal()) }).save(join(folder, 'm.dad'));
  server = await startServer({ models: folder, port: 0, headersTimeoutMs: 1_000, bodyTimeoutMs: 1_000, log: () => undefined });
});

after(async () => {
  await server?.close();
  rmSync(folder, { recursive: true, force: true });
});

interface Slow {
  /** resolves with what the server answered when it closes the socket */
  closed: Promise<string>;
  socket: Socket;
}

/** Sends `head` at once, then one byte of `trickle` every 100 ms (repeating) until the server closes the socket. */
function slowClient(head: string, trickle: string): Slow {
  const socket = connect(server.port, '127.0.0.1');
  let reply = '';
  let timer: NodeJS.Timeout | undefined;
  const closed = new Promise<string>((resolve) => {
    socket.on('data', (chunk) => { reply += chunk.toString(); });
    socket.on('error', () => undefined); // a write racing the server's close
    socket.on('close', () => {
      clearInterval(timer);
      resolve(reply);
    });
  });
  socket.on('connect', () => {
    socket.write(head);
    let i = 0;
    timer = setInterval(() => {
      if (!socket.destroyed) socket.write(trickle[i++ % trickle.length]!);
    }, 100);
  });
  return { closed, socket };
}

test('slow clients (headers or body a byte at a time) are closed by the server, and a normal request is served meanwhile', async () => {
  const headers = Array.from({ length: 8 }, () => slowClient('POST /models/m/score HTTP/1.1\r\nHost: x\r\n', 'X-Slow: abcdefgh\r\n'));
  const bodies = Array.from({ length: 8 }, () => slowClient('POST /models/m/score HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n', '{"rows": [[1, 2, 3]'));
  const slow = [...headers, ...bodies];
  await new Promise((resolve) => setTimeout(resolve, 200));

  const response = await fetch(`${server.url}/models/m/score`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ rows: [[0, 0, 0], [5, 5, 5]] }) });
  assert.equal(response.status, 200);
  assert.equal(((await response.json()) as { scores: number[] }).scores.length, 2);
  const stillOpen = slow.filter((s) => !s.socket.destroyed).length;

  let guard: NodeJS.Timeout | undefined;
  const replies = await Promise.race([
    Promise.all(slow.map((s) => s.closed)),
    new Promise<never>((_, reject) => { guard = setTimeout(() => reject(new Error('a slow client was still connected after 60 s')), 60_000); }),
  ]).finally(() => clearTimeout(guard));
  // the normal request did not wait for the slow ones to be closed
  assert.ok(stillOpen > 0, 'every slow client was closed before the normal request was answered: the test proves nothing');
  for (const reply of replies) assert.ok(reply === '' || /^HTTP\/1\.1 408/.test(reply), `a slow client got ${JSON.stringify(reply.slice(0, 40))}`);
  assert.ok(replies.slice(8).every((r) => /^HTTP\/1\.1 408/.test(r)), 'a slow body gets 408');
  assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
});
