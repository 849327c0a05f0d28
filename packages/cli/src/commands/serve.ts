import path from 'node:path';
import { startServer } from '@assay/server';
import { defaultDataDirectory } from '@assay/store';
import { nextStopSignal } from '../stop-signal.ts';

export interface ServeCommandOptions {
  port: number;
  host: string;
  secureCookies?: boolean;
  /** `--trust-proxy` alone: one proxy; `--trust-proxy <hops>`: that many. */
  trustProxy?: boolean | number;
  /** PostgreSQL: seconds to keep retrying a database that is down at start (default 30). */
  connectTimeout?: number;
}

/**
 * `assay serve`: the team server (API and dashboard) until SIGINT or SIGTERM, then a clean close
 * (requests in flight finish, the database is closed) and exit 0. On a database without users it
 * prints the one-time link that creates the first administrator.
 */
export async function serveCommand(options: ServeCommandOptions): Promise<number> {
  const cwd = process.cwd();
  // Until the server is up, Ctrl-C simply ends the process (e.g. while a database is being retried).
  const server = await startServer({
    cwd,
    port: options.port,
    host: options.host,
    ...(options.secureCookies ? { secureCookies: true } : {}),
    ...(options.trustProxy ? { trustProxy: options.trustProxy } : {}),
    ...(options.connectTimeout === undefined ? {} : { connectTimeoutMs: options.connectTimeout * 1000 }),
    onRetry: (message) => process.stderr.write(`${message}\n`),
  });
  // Listening for the signal before saying we are up: whoever reads that line may signal at once.
  const stopped = nextStopSignal();
  process.stdout.write(`Assay server on ${server.url} (${describeDatabase(cwd, server.dialect)})\n`);
  if (server.setupUrl) {
    process.stdout.write(`Open this link once to create the first administrator (valid 24 hours):\n  ${server.setupUrl}\n`);
  }
  process.stdout.write('Press Ctrl-C to stop.\n');
  await stopped;
  process.stderr.write('Stopping: finishing requests in flight…\n');
  await server.close();
  return 0;
}

/** `SQLite .assay/assay.db` or `PostgreSQL db.internal:5432/assay` (never the password). */
function describeDatabase(cwd: string, dialect: 'sqlite' | 'postgres'): string {
  if (dialect === 'sqlite') {
    const file = path.join(defaultDataDirectory(cwd), 'assay.db');
    const relative = path.relative(cwd, file);
    return `SQLite ${relative.startsWith('..') || path.isAbsolute(relative) ? file : relative}`;
  }
  try {
    const url = new URL(process.env.ASSAY_DATABASE_URL!.trim());
    return `PostgreSQL ${url.hostname}:${url.port || 5432}${url.pathname}`;
  } catch {
    return 'PostgreSQL';
  }
}
