/**
 * A throw-away nats-server (with JetStream) or redis-server on a free loopback port, in a temporary folder, for the
 * tests and the stream benchmark. `start*` resolves once the server accepts connections and returns undefined when
 * the binary is not installed (callers skip with a message saying which one is missing).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface LocalServer {
  url: string;
  port: number;
  /** the server's data folder */
  dir: string;
  stop(): Promise<void>;
}

export const NATS_SERVER = process.env['DAD_NATS_SERVER'] ?? '/usr/sbin/nats-server';
export const REDIS_SERVER = process.env['DAD_REDIS_SERVER'] ?? '/usr/bin/redis-server';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function startNatsServer(): Promise<LocalServer | undefined> {
  if (!existsSync(NATS_SERVER)) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'dad-nats-'));
  return start(NATS_SERVER, (port) => ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', dir], 'nats', dir);
}

/** `aof`: append-only file with an fsync per write, for tests of durability across a Redis restart. */
export async function startRedisServer(options: { aof?: boolean } = {}): Promise<LocalServer | undefined> {
  if (!existsSync(REDIS_SERVER)) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'dad-redis-'));
  const persistence = options.aof ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'];
  return start(REDIS_SERVER, (port) => ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir, ...persistence], 'redis', dir);
}

async function start(binary: string, args: (port: number) => string[], scheme: string, dir: string): Promise<LocalServer> {
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const child = spawn(binary, args(port), { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-2000);
    });
    const ready = await waitForPort(port, child, 15_000);
    if (ready) {
      return {
        url: `${scheme}://127.0.0.1:${port}`,
        port,
        dir,
        stop: async () => {
          await stopChild(child);
          rmSync(dir, { recursive: true, force: true });
        },
      };
    }
    await stopChild(child);
    // another process took the port between our probe and the server's bind: try another one
    if (attempt >= 3) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`${binary} did not start: ${stderr.trim() || 'no output'}`);
    }
  }
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) return false;
    const open = await new Promise<boolean>((resolve) => {
      const socket = tcpConnect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}
