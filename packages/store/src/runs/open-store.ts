import { AssayError } from '@assay/spec';
import { defaultDataDirectory } from '../data-directory.ts';
import type { PostgresStore, PostgresStoreOptions } from './postgres-store.ts';
import { openSqliteStore } from './sqlite-store.ts';
import type { Store } from './store.ts';

export interface OpenStoreOptions {
  /** The project folder: the SQLite store lives in its `.assay/` (or `$ASSAY_DATA_DIR`). */
  cwd: string;
  /** Where to read `ASSAY_DATABASE_URL` and `ASSAY_DATA_DIR` from. Default `process.env`. */
  env?: Record<string, string | undefined>;
  /** PostgreSQL only: how long to retry while the database cannot be reached. Default 10 s. */
  connectTimeoutMs?: number;
  /** PostgreSQL only: told about each failed attempt to connect at start (never holds the password). */
  onRetry?: (message: string) => void;
}

/**
 * Opens the store a command should use: PostgreSQL when `ASSAY_DATABASE_URL` is set
 * (`postgres://…` or `postgresql://…`), else the embedded SQLite store in `.assay/` of `cwd`
 * (`ASSAY_DATA_DIR` moves it). Either way the schema is migrated on open.
 *
 * @example
 * const store = await openStore({ cwd: process.cwd() });
 * try {
 *   for (const run of await store.listRuns({ limit: 20 })) console.log(run.id);
 * } finally {
 *   await store.close();
 * }
 */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  const env = options.env ?? process.env;
  // An empty value counts as unset, like ASSAY_DATA_DIR.
  const url = env.ASSAY_DATABASE_URL?.trim();
  if (url) {
    if (!/^postgres(ql)?:\/\//i.test(url)) {
      // Only the scheme is quoted: the rest may hold a password.
      const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(url)?.[0] ?? 'a value without a scheme';
      throw new AssayError(`ASSAY_DATABASE_URL must be a postgres:// or postgresql:// URL, not ${scheme}`, {
        hint: 'Set it to postgres://user:password@host:5432/database, or unset it to use the embedded SQLite store in .assay/.',
        docs: 'storage.md',
      });
    }
    return openPostgresStore({ url, connectTimeoutMs: options.connectTimeoutMs, onRetry: options.onRetry });
  }
  return openSqliteStore({ directory: defaultDataDirectory(options.cwd, env) });
}

/**
 * `openPostgresStore` of `postgres-store.ts`, loaded on first use: Kysely and pg cost about a
 * quarter of a second at start-up, which commands on the SQLite store should not pay.
 */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<PostgresStore> {
  const postgres = await import('./postgres-store.ts');
  return postgres.openPostgresStore(options);
}
