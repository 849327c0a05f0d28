import type { RegistryDatabase, RegistryStore, RegistryStoreOptions } from './registry-store.ts';

/**
 * Opens the registry store, creating or migrating its tables (in the runs database: SQLite
 * `.assay/assay.db` or the `ASSAY_DATABASE_URL` PostgreSQL database).
 *
 * The implementation is loaded on first use: Kysely costs ~150 ms of start-up that commands
 * which never touch the registry should not pay.
 *
 * @example
 * const registry = await openRegistryStore({ sqlite: { file: path.join(defaultDataDirectory(cwd), 'assay.db') } });
 * try {
 *   const { version, created } = await registry.pushPromptVersion(project.id, input, { actor: { type: 'api-key', id: key.id } });
 * } finally {
 *   await registry.close();
 * }
 */
export async function openRegistryStore(options: RegistryDatabase & RegistryStoreOptions): Promise<RegistryStore> {
  const { openSqlRegistryStore } = await import('./sql/registry-sql-store.ts');
  return openSqlRegistryStore(options);
}
