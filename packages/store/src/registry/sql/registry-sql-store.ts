import fs from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { AssayError } from '@assay/spec';
import { Kysely, PostgresDialect } from 'kysely';
import { migrateRegistry, type RegistryDialect } from '../registry-migrations.ts';
import { NodeSqliteDialect } from '../registry-sqlite-dialect.ts';
import type { RegistryDatabase, RegistryStore, RegistryStoreOptions } from '../registry-store.ts';
import type { RegistryTables } from '../registry-tables.ts';
import { SqlApiKeys } from './api-keys.ts';
import { SqlAuditLog } from './audit.ts';
import { SqlChangeRequests } from './change-requests.ts';
import { SqlLabels } from './labels.ts';
import { SqlProjects } from './projects.ts';
import { SqlPrompts } from './prompts.ts';
import { SqlSessions } from './sessions.ts';
import { SqlContext } from './sql-context.ts';
import { SqlUsers } from './users.ts';

/**
 * Opens the Kysely-backed registry store; use `openRegistryStore` (open-registry-store.ts),
 * which loads this module on first use.
 */
export async function openSqlRegistryStore(options: RegistryDatabase & RegistryStoreOptions): Promise<RegistryStore> {
  let db: Kysely<RegistryTables>;
  let dialect: RegistryDialect;
  let destroy: () => Promise<void>;
  if ('sqlite' in options) {
    const file = options.sqlite.file;
    if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
    const database = new DatabaseSync(file);
    try {
      configureSqlite(database);
    } catch (error) {
      database.close();
      throw error;
    }
    db = new Kysely<RegistryTables>({ dialect: new NodeSqliteDialect(database) });
    dialect = 'sqlite';
    destroy = () => db.destroy();
  } else {
    const ownsPool = 'url' in options.postgres;
    // Loaded here, so the SQLite path does not pay for it.
    const pool = 'url' in options.postgres ? new (await import('pg')).default.Pool({ connectionString: options.postgres.url }) : options.postgres.pool;
    if ('url' in options.postgres) {
      // A dropped connection emits 'error' on its client; unhandled, it would end the process.
      // The query in flight still rejects, and the pool replaces the client.
      pool.on('error', () => {});
      pool.on('connect', (client) => client.on('error', () => {}));
    }
    db = new Kysely<RegistryTables>({ dialect: new PostgresDialect({ pool }) });
    dialect = 'postgres';
    // Kysely's destroy() ends the pool; a shared pool belongs to whoever made it.
    destroy = ownsPool ? () => db.destroy() : async () => {};
  }
  try {
    await migrateRegistry(db, dialect);
  } catch (error) {
    await destroy();
    if (AssayError.isInstance(error)) throw error;
    throw new AssayError(`Could not prepare the registry tables in the ${dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'} database: ${(error as Error).message}`, {
      hint: dialect === 'postgres' ? 'Check that PostgreSQL is running and that ASSAY_DATABASE_URL is right.' : 'Check that the data directory is writable.',
      cause: error,
    });
  }
  return new SqlRegistryStore(new SqlContext(db, dialect, options), destroy);
}

/** The same pragmas as the runs store (sqlite-store.ts): several processes share the file. */
function configureSqlite(database: DatabaseSync): void {
  database.exec('PRAGMA busy_timeout = 5000');
  database.exec('PRAGMA journal_mode = WAL');
  database.exec('PRAGMA synchronous = FULL');
  database.exec('PRAGMA foreign_keys = ON');
}

/**
 * The registry store over SQL: one part per aggregate (the files beside this one), all sharing one
 * `SqlContext`; every method of `RegistryStore` is answered by the part that owns it.
 */
class SqlRegistryStore implements RegistryStore {
  readonly specificationVersion = 'v1';
  readonly dialect: RegistryDialect;
  readonly #destroy: () => Promise<void>;
  #closed = false;
  readonly #projects: SqlProjects;
  readonly #users: SqlUsers;
  readonly #apiKeys: SqlApiKeys;
  readonly #sessions: SqlSessions;
  readonly #prompts: SqlPrompts;
  readonly #labels: SqlLabels;
  readonly #changeRequests: SqlChangeRequests;
  readonly #auditLog: SqlAuditLog;

  constructor(sql: SqlContext, destroy: () => Promise<void>) {
    this.dialect = sql.dialect;
    this.#destroy = destroy;
    this.#projects = new SqlProjects(sql);
    this.#users = new SqlUsers(sql);
    this.#apiKeys = new SqlApiKeys(sql);
    this.#sessions = new SqlSessions(sql);
    this.#prompts = new SqlPrompts(sql);
    this.#labels = new SqlLabels(sql);
    this.#changeRequests = new SqlChangeRequests(sql);
    this.#auditLog = new SqlAuditLog(sql);
  }

  // --- organizations and projects ------------------------------------------------------------

  readonly createOrganization: RegistryStore['createOrganization'] = (...args) => this.#projects.createOrganization(...args);
  readonly getOrganization: RegistryStore['getOrganization'] = (...args) => this.#projects.getOrganization(...args);
  readonly getOrganizationByName: RegistryStore['getOrganizationByName'] = (...args) => this.#projects.getOrganizationByName(...args);
  readonly listOrganizations: RegistryStore['listOrganizations'] = (...args) => this.#projects.listOrganizations(...args);
  readonly createProject: RegistryStore['createProject'] = (...args) => this.#projects.createProject(...args);
  readonly ensureProject: RegistryStore['ensureProject'] = (...args) => this.#projects.ensureProject(...args);
  readonly getProject: RegistryStore['getProject'] = (...args) => this.#projects.getProject(...args);
  readonly getProjectByName: RegistryStore['getProjectByName'] = (...args) => this.#projects.getProjectByName(...args);
  readonly listProjects: RegistryStore['listProjects'] = (...args) => this.#projects.listProjects(...args);
  readonly updateProjectSettings: RegistryStore['updateProjectSettings'] = (...args) => this.#projects.updateProjectSettings(...args);

  // --- users and memberships -----------------------------------------------------------------

  readonly createUser: RegistryStore['createUser'] = (...args) => this.#users.createUser(...args);
  readonly getUser: RegistryStore['getUser'] = (...args) => this.#users.getUser(...args);
  readonly getUserByEmail: RegistryStore['getUserByEmail'] = (...args) => this.#users.getUserByEmail(...args);
  readonly authenticateUser: RegistryStore['authenticateUser'] = (...args) => this.#users.authenticateUser(...args);
  readonly setUserPassword: RegistryStore['setUserPassword'] = (...args) => this.#users.setUserPassword(...args);
  readonly countUsers: RegistryStore['countUsers'] = (...args) => this.#users.countUsers(...args);
  readonly listUsers: RegistryStore['listUsers'] = (...args) => this.#users.listUsers(...args);
  readonly setMember: RegistryStore['setMember'] = (...args) => this.#users.setMember(...args);
  readonly removeMember: RegistryStore['removeMember'] = (...args) => this.#users.removeMember(...args);
  readonly getMember: RegistryStore['getMember'] = (...args) => this.#users.getMember(...args);
  readonly listMembers: RegistryStore['listMembers'] = (...args) => this.#users.listMembers(...args);

  // --- API keys ------------------------------------------------------------------------------

  readonly createApiKey: RegistryStore['createApiKey'] = (...args) => this.#apiKeys.createApiKey(...args);
  readonly listApiKeys: RegistryStore['listApiKeys'] = (...args) => this.#apiKeys.listApiKeys(...args);
  readonly revokeApiKey: RegistryStore['revokeApiKey'] = (...args) => this.#apiKeys.revokeApiKey(...args);
  readonly authenticateApiKey: RegistryStore['authenticateApiKey'] = (...args) => this.#apiKeys.authenticateApiKey(...args);

  // --- sessions and first-run setup ----------------------------------------------------------

  readonly createSession: RegistryStore['createSession'] = (...args) => this.#sessions.createSession(...args);
  readonly getSession: RegistryStore['getSession'] = (...args) => this.#sessions.getSession(...args);
  readonly deleteSession: RegistryStore['deleteSession'] = (...args) => this.#sessions.deleteSession(...args);
  readonly deleteExpiredSessions: RegistryStore['deleteExpiredSessions'] = (...args) => this.#sessions.deleteExpiredSessions(...args);
  readonly createSetupToken: RegistryStore['createSetupToken'] = (...args) => this.#sessions.createSetupToken(...args);
  readonly consumeSetupToken: RegistryStore['consumeSetupToken'] = (...args) => this.#sessions.consumeSetupToken(...args);

  // --- prompts and versions ------------------------------------------------------------------

  readonly pushPromptVersion: RegistryStore['pushPromptVersion'] = (...args) => this.#prompts.pushPromptVersion(...args);
  readonly getPrompt: RegistryStore['getPrompt'] = (...args) => this.#prompts.getPrompt(...args);
  readonly listPrompts: RegistryStore['listPrompts'] = (...args) => this.#prompts.listPrompts(...args);
  readonly listPromptVersions: RegistryStore['listPromptVersions'] = (...args) => this.#prompts.listPromptVersions(...args);
  readonly getPromptVersion: RegistryStore['getPromptVersion'] = (...args) => this.#prompts.getPromptVersion(...args);
  readonly findPromptVersionsByContentHash: RegistryStore['findPromptVersionsByContentHash'] = (...args) => this.#prompts.findPromptVersionsByContentHash(...args);

  // --- labels --------------------------------------------------------------------------------

  readonly listLabels: RegistryStore['listLabels'] = (...args) => this.#labels.listLabels(...args);
  readonly getLabel: RegistryStore['getLabel'] = (...args) => this.#labels.getLabel(...args);
  readonly resolveLabel: RegistryStore['resolveLabel'] = (...args) => this.#labels.resolveLabel(...args);
  readonly getApprovalRequirement: RegistryStore['getApprovalRequirement'] = (...args) => this.#labels.getApprovalRequirement(...args);
  readonly setLabel: RegistryStore['setLabel'] = (...args) => this.#labels.setLabel(...args);
  readonly rollbackLabel: RegistryStore['rollbackLabel'] = (...args) => this.#labels.rollbackLabel(...args);
  readonly listLabelHistory: RegistryStore['listLabelHistory'] = (...args) => this.#labels.listLabelHistory(...args);

  // --- change requests (approvals) -----------------------------------------------------------

  readonly createChangeRequest: RegistryStore['createChangeRequest'] = (...args) => this.#changeRequests.createChangeRequest(...args);
  readonly getChangeRequest: RegistryStore['getChangeRequest'] = (...args) => this.#changeRequests.getChangeRequest(...args);
  readonly listChangeRequests: RegistryStore['listChangeRequests'] = (...args) => this.#changeRequests.listChangeRequests(...args);
  readonly reviewChangeRequest: RegistryStore['reviewChangeRequest'] = (...args) => this.#changeRequests.reviewChangeRequest(...args);
  readonly applyChangeRequest: RegistryStore['applyChangeRequest'] = (...args) => this.#changeRequests.applyChangeRequest(...args);
  readonly cancelChangeRequest: RegistryStore['cancelChangeRequest'] = (...args) => this.#changeRequests.cancelChangeRequest(...args);

  // --- audit log -----------------------------------------------------------------------------

  readonly listAuditEvents: RegistryStore['listAuditEvents'] = (...args) => this.#auditLog.listAuditEvents(...args);
  readonly recordAuditEvent: RegistryStore['recordAuditEvent'] = (...args) => this.#auditLog.recordAuditEvent(...args);

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#destroy();
  }
}
