export type { Store } from './store.ts';
export { openSqliteStore, type SqliteStore, type SqliteStoreOptions } from './sqlite-store.ts';
export { defaultDataDirectory } from './data-directory.ts';
