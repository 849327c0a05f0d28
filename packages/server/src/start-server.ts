import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve, type ServerType } from '@hono/node-server';
import { AssayError } from '@assay/spec';
import { defaultDataDirectory, openRegistryStore, openStore, type RegistryStore, type Store } from '@assay/store';
import { createApp } from './app.ts';

export interface StartServerOptions {
  /** The folder whose `.assay/` holds the embedded store (unless `ASSAY_DATA_DIR` or `ASSAY_DATABASE_URL` say otherwise). Default: the current directory. */
  cwd?: string;
  /** Where `ASSAY_DATABASE_URL` and `ASSAY_DATA_DIR` are read from. Default `process.env`. */
  env?: Record<string, string | undefined>;
  /** Default 7400; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1 (this machine only). */
  host?: string;
  /** The built dashboard. Default: packages/web/dist of this installation. */
  webRoot?: string;
  /** Sets `Secure` on session cookies even over plain http (behind a TLS proxy). */
  secureCookies?: boolean;
  /** Trust `X-Forwarded-*` headers (only behind your own proxies): how many proxies there are; `true` is one. */
  trustProxy?: boolean | number;
  /** How long a client may take to send a request, and how long an idle connection stays open. */
  timeouts?: HttpTimeouts;
  /** PostgreSQL only: how long to keep retrying a database that is down at start. Default 30 s. */
  connectTimeoutMs?: number;
  /** Told about each failed attempt to reach the database at start. */
  onRetry?: (message: string) => void;
}

/**
 * Limits that keep slow clients from holding connections (slowloris): Node's own default gives a
 * client 60 s to send its headers and 5 minutes for a request.
 */
export interface HttpTimeouts {
  /** Milliseconds to receive a request's headers, from its first byte (or from connecting). Default 10 s. */
  headersMs?: number;
  /** Milliseconds to receive a whole request, body included. Default 60 s. */
  requestMs?: number;
  /** Milliseconds an idle keep-alive connection stays open after a response. Default 5 s. */
  keepAliveMs?: number;
}

export interface RunningServer {
  /** `http://host:port`. */
  url: string;
  /** The one-time link for creating the first administrator; null once a user exists. */
  setupUrl: string | null;
  dialect: 'sqlite' | 'postgres';
  registry: RegistryStore;
  store: Store;
  close(): Promise<void>;
}

const here = path.dirname(fileURLToPath(import.meta.url));
export const defaultWebRoot = path.resolve(here, '../../web/dist');
export const docsRoot = path.resolve(here, '../../../docs');

/**
 * Opens the stores (migrating them), and serves the API and the dashboard. On a database without
 * users it creates a one-time setup token and returns its link: there are no default passwords.
 *
 * @example
 * const server = await startServer({ port: 7400 });
 * console.log(server.setupUrl ?? server.url);
 * // later
 * await server.close();
 */
export async function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const store = await openStore({ cwd, env, connectTimeoutMs: options.connectTimeoutMs ?? 30_000, ...(options.onRetry ? { onRetry: options.onRetry } : {}) });
  let registry: RegistryStore;
  try {
    const url = env.ASSAY_DATABASE_URL?.trim();
    if (url) registry = await openRegistryStore({ postgres: { url } });
    else {
      const directory = defaultDataDirectory(cwd, env);
      mkdirSync(directory, { recursive: true });
      registry = await openRegistryStore({ sqlite: { file: path.join(directory, 'assay.db') } });
    }
  } catch (error) {
    await store.close();
    throw error;
  }

  const app = createApp({
    registry,
    store,
    webRoot: options.webRoot ?? defaultWebRoot,
    docsRoot,
    ...(options.secureCookies === undefined ? {} : { secureCookies: options.secureCookies }),
    ...(options.trustProxy === undefined ? {} : { trustProxy: options.trustProxy }),
  });

  const host = options.host ?? '127.0.0.1';
  let server: ServerType;
  try {
    server = await listen(app.fetch, options.port ?? 7400, host, options.timeouts);
  } catch (error) {
    await Promise.all([registry.close(), store.close()]);
    throw error;
  }
  const address = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;

  let setupUrl: string | null = null;
  if ((await registry.countUsers()) === 0) {
    const { token } = await registry.createSetupToken({ ttlSeconds: 24 * 3600 });
    setupUrl = `${url}/setup?token=${encodeURIComponent(token)}`;
  }

  const sweeper = setInterval(() => void registry.deleteExpiredSessions().catch(() => {}), 3600_000);
  sweeper.unref();

  let closing: Promise<void> | undefined;
  return {
    url,
    setupUrl,
    dialect: registry.dialect,
    registry,
    store,
    close() {
      closing ??= (async () => {
        clearInterval(sweeper);
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          // Idle keep-alive connections of browsers would hold close() open; requests in flight
          // get five seconds to finish.
          const http = server as { closeIdleConnections?: () => void; closeAllConnections?: () => void };
          http.closeIdleConnections?.();
          setTimeout(() => http.closeAllConnections?.(), 5000).unref();
        });
        await Promise.all([registry.close(), store.close()]);
      })();
      return closing;
    },
  };
}

/** Puts `fetch` on a socket with the slow-client limits; a port in use is an `AssayError` whose `cause` is Node's EADDRINUSE. */
export function listen(fetch: Parameters<typeof serve>[0]['fetch'], port: number, hostname: string, timeouts: HttpTimeouts = {}): Promise<ServerType> {
  const headersTimeout = timeouts.headersMs ?? 10_000;
  const serverOptions = {
    headersTimeout,
    requestTimeout: Math.max(headersTimeout, timeouts.requestMs ?? 60_000),
    keepAliveTimeout: timeouts.keepAliveMs ?? 5_000,
    // Node looks for connections past these limits only this often (30 s by default).
    connectionsCheckingInterval: Math.min(1_000, headersTimeout),
  };
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, port, hostname, serverOptions });
    server.once('listening', () => resolve(server));
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') {
        reject(new AssayError(`Port ${port} on ${hostname} is in use.`, { hint: 'Stop the other process, or pick another port with --port.', docs: 'serve.md', cause: error }));
      } else reject(error);
    });
  });
}
