/**
 * `startServer`: the app on a Node HTTP server, with the timeouts that keep slow or idle clients from holding it:
 * headers must arrive within `headersTimeoutMs`; a socket with no traffic for `idleTimeoutMs` is closed (this also
 * ends a stalled NDJSON stream); a /score body must arrive within `bodyTimeoutMs` (app.ts). Node's whole-request
 * timeout is off, because a score-stream may rightly last hours while it keeps moving.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import { createApp, type ServiceOptions } from './app.ts';
import { ModelStore } from './model-store.ts';

export interface ServerOptions extends Omit<ServiceOptions, 'store'> {
  /** folder of model files */
  models: string;
  /** default 8080; 0 picks a free port */
  port?: number;
  /** default 127.0.0.1; '0.0.0.0' to listen on every interface */
  host?: string;
  headersTimeoutMs?: number;
  idleTimeoutMs?: number;
}

export interface RunningServer {
  url: string;
  port: number;
  store: ModelStore;
  server: Server;
  close(): Promise<void>;
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const store = await new ModelStore(options.models).start();
  const app = createApp({ ...options, store });
  const headersTimeout = options.headersTimeoutMs ?? 10_000;
  // Node enforces headersTimeout only when it sweeps its connections (every 30 s by default): sweep often enough that
  // a client trickling its headers byte by byte is cut off near the limit, not up to 30 s after it.
  const serverOptions = { connectionsCheckingInterval: Math.max(50, Math.min(1_000, headersTimeout / 4)) };
  const server = createAdaptorServer({ fetch: app.fetch, serverOptions }) as Server;
  server.headersTimeout = headersTimeout;
  server.requestTimeout = 0;
  server.keepAliveTimeout = 5_000;
  server.setTimeout(options.idleTimeoutMs ?? 30_000, (socket) => socket.destroy());
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8080, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    store,
    server,
    close: () => new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      server.closeAllConnections();
    }),
  };
}
