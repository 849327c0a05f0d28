export type { LeaseClaim, LeaseRequest, ListResultsOptions, ListRunsOptions, ResultOutcome, RunLease, RunStore, Store } from './runs/store.ts';
export { openStore, openPostgresStore, type OpenStoreOptions } from './runs/open-store.ts';
export { openSqliteStore, type SqliteStore, type SqliteStoreOptions } from './runs/sqlite-store.ts';
export type { PostgresStore, PostgresStoreOptions } from './runs/postgres-store.ts';
export { StoreUnavailableError, type StoreUnavailableErrorOptions } from './store-unavailable-error.ts';
export { defaultDataDirectory } from './data-directory.ts';
export { openRegistryStore } from './registry/open-registry-store.ts';
export type { RegistryDatabase, RegistryStore, RegistryStoreOptions } from './registry/registry-store.ts';
export { hashPassword, verifyPassword } from './registry/registry-secrets.ts';
