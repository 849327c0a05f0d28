import { AssayError } from '@assay/spec';
import { sql, type Kysely } from 'kysely';
import type { RegistryTables } from './registry-tables.ts';

export type RegistryDialect = 'sqlite' | 'postgres';

/**
 * One schema version: statements per dialect, run in order inside one transaction (both SQLite
 * and PostgreSQL have transactional DDL).
 */
export interface RegistryMigration {
  version: number;
  statements: Record<RegistryDialect, readonly string[]>;
}

/** Column types that differ between the dialects, for the first migration. */
interface ColumnTypes {
  /** Text compared byte-wise, so names sort the same on both dialects. */
  name: string;
  timestamp: string;
  json: string;
  bool: string;
  serialKey: string;
  strict: string;
}

const sqliteTypes: ColumnTypes = {
  name: 'TEXT',
  timestamp: 'TEXT',
  json: 'TEXT',
  bool: 'INTEGER',
  serialKey: 'INTEGER PRIMARY KEY AUTOINCREMENT',
  strict: ' STRICT',
};

const postgresTypes: ColumnTypes = {
  name: 'TEXT COLLATE "C"',
  timestamp: 'TIMESTAMPTZ',
  json: 'JSONB',
  bool: 'BOOLEAN',
  serialKey: 'BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY',
  strict: '',
};

function initialSchema(t: ColumnTypes): string[] {
  const roles = `CHECK (role IN ('viewer', 'editor', 'approver', 'admin'))`;
  const tiers = (column: string) => `CHECK (${column} IN ('low', 'medium', 'high', 'critical'))`;
  const actorTypes = (column: string) => `CHECK (${column} IN ('user', 'api-key', 'system'))`;
  return [
    `CREATE TABLE organizations (
      id TEXT PRIMARY KEY,
      name ${t.name} NOT NULL UNIQUE,
      display_name TEXT NOT NULL,
      created_at ${t.timestamp} NOT NULL
    )${t.strict}`,
    `CREATE TABLE projects (
      id TEXT PRIMARY KEY,
      organization_id TEXT NOT NULL REFERENCES organizations (id),
      name ${t.name} NOT NULL,
      display_name TEXT NOT NULL,
      settings_json ${t.json} NOT NULL,
      created_at ${t.timestamp} NOT NULL,
      UNIQUE (organization_id, name)
    )${t.strict}`,
    `CREATE TABLE users (
      id TEXT PRIMARY KEY,
      email ${t.name} NOT NULL UNIQUE,
      name TEXT NOT NULL,
      password_hash TEXT NOT NULL,
      is_admin ${t.bool} NOT NULL,
      created_at ${t.timestamp} NOT NULL,
      updated_at ${t.timestamp} NOT NULL
    )${t.strict}`,
    `CREATE TABLE project_members (
      project_id TEXT NOT NULL REFERENCES projects (id),
      user_id TEXT NOT NULL REFERENCES users (id),
      role TEXT NOT NULL ${roles},
      created_at ${t.timestamp} NOT NULL,
      updated_at ${t.timestamp} NOT NULL,
      PRIMARY KEY (project_id, user_id)
    )${t.strict}`,
    `CREATE INDEX project_members_user ON project_members (user_id)`,
    `CREATE TABLE api_keys (
      id TEXT PRIMARY KEY,
      project_id TEXT NOT NULL REFERENCES projects (id),
      name TEXT NOT NULL,
      role TEXT NOT NULL ${roles},
      prefix TEXT NOT NULL,
      key_hash TEXT NOT NULL UNIQUE,
      created_by_type TEXT NOT NULL ${actorTypes('created_by_type')},
      created_by_id TEXT,
      created_at ${t.timestamp} NOT NULL,
      expires_at ${t.timestamp},
      last_used_at ${t.timestamp},
      revoked_at ${t.timestamp}
    )${t.strict}`,
    `CREATE INDEX api_keys_project ON api_keys (project_id, created_at)`,
    `CREATE TABLE sessions (
      id TEXT PRIMARY KEY,
      token_hash TEXT NOT NULL UNIQUE,
      user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      csrf_token TEXT NOT NULL,
      created_at ${t.timestamp} NOT NULL,
      expires_at ${t.timestamp} NOT NULL,
      ip TEXT,
      user_agent TEXT
    )${t.strict}`,
    `CREATE INDEX sessions_user ON sessions (user_id)`,
    `CREATE INDEX sessions_expires_at ON sessions (expires_at)`,
    `CREATE TABLE setup_tokens (
      id TEXT PRIMARY KEY,
      token_hash TEXT NOT NULL UNIQUE,
      created_at ${t.timestamp} NOT NULL,
      expires_at ${t.timestamp} NOT NULL,
      consumed_at ${t.timestamp},
      consumed_by TEXT REFERENCES users (id)
    )${t.strict}`,
    `CREATE TABLE prompts (
      id TEXT PRIMARY KEY,
      project_id TEXT NOT NULL REFERENCES projects (id),
      name ${t.name} NOT NULL,
      latest_version INTEGER NOT NULL CHECK (latest_version >= 0),
      owner TEXT,
      risk_tier TEXT ${tiers('risk_tier')},
      last_reviewed TEXT,
      created_at ${t.timestamp} NOT NULL,
      updated_at ${t.timestamp} NOT NULL,
      UNIQUE (project_id, name)
    )${t.strict}`,
    `CREATE TABLE prompt_versions (
      id TEXT PRIMARY KEY,
      prompt_id TEXT NOT NULL REFERENCES prompts (id),
      project_id TEXT NOT NULL REFERENCES projects (id),
      version INTEGER NOT NULL CHECK (version >= 1),
      content_hash TEXT NOT NULL,
      source TEXT NOT NULL,
      template TEXT NOT NULL,
      model_config_json ${t.json} NOT NULL,
      input_schema_json ${t.json},
      output_schema_json ${t.json},
      metadata_json ${t.json} NOT NULL,
      risk_tier TEXT ${tiers('risk_tier')},
      author TEXT NOT NULL,
      message TEXT,
      created_by_type TEXT NOT NULL ${actorTypes('created_by_type')},
      created_by_id TEXT,
      created_at ${t.timestamp} NOT NULL,
      UNIQUE (prompt_id, version),
      UNIQUE (prompt_id, content_hash)
    )${t.strict}`,
    `CREATE TABLE prompt_labels (
      id TEXT PRIMARY KEY,
      prompt_id TEXT NOT NULL REFERENCES prompts (id),
      project_id TEXT NOT NULL REFERENCES projects (id),
      name ${t.name} NOT NULL,
      targets_json ${t.json} NOT NULL,
      revision INTEGER NOT NULL CHECK (revision >= 1),
      updated_at ${t.timestamp} NOT NULL,
      updated_by_type TEXT NOT NULL ${actorTypes('updated_by_type')},
      updated_by_id TEXT,
      UNIQUE (prompt_id, name)
    )${t.strict}`,
    `CREATE TABLE label_history (
      seq ${t.serialKey},
      label_id TEXT NOT NULL REFERENCES prompt_labels (id),
      project_id TEXT NOT NULL REFERENCES projects (id),
      revision INTEGER NOT NULL,
      targets_json ${t.json} NOT NULL,
      previous_targets_json ${t.json},
      kind TEXT NOT NULL CHECK (kind IN ('set', 'rollback', 'change-request')),
      change_request_id TEXT,
      message TEXT,
      actor_type TEXT NOT NULL ${actorTypes('actor_type')},
      actor_id TEXT,
      created_at ${t.timestamp} NOT NULL,
      UNIQUE (label_id, revision)
    )${t.strict}`,
    `CREATE TABLE change_requests (
      id TEXT PRIMARY KEY,
      project_id TEXT NOT NULL REFERENCES projects (id),
      prompt_id TEXT NOT NULL REFERENCES prompts (id),
      label ${t.name} NOT NULL,
      targets_json ${t.json} NOT NULL,
      base_revision INTEGER NOT NULL CHECK (base_revision >= 0),
      status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'applied', 'superseded', 'cancelled')),
      requested_by_type TEXT NOT NULL ${actorTypes('requested_by_type')},
      requested_by_id TEXT,
      requester_user_id TEXT REFERENCES users (id),
      message TEXT,
      risk_tier TEXT ${tiers('risk_tier')},
      required_approvals INTEGER NOT NULL CHECK (required_approvals >= 0),
      applied_revision INTEGER,
      created_at ${t.timestamp} NOT NULL,
      updated_at ${t.timestamp} NOT NULL
    )${t.strict}`,
    `CREATE INDEX change_requests_project ON change_requests (project_id, created_at, id)`,
    `CREATE INDEX change_requests_label ON change_requests (prompt_id, label, status)`,
    `CREATE TABLE change_request_reviews (
      change_request_id TEXT NOT NULL REFERENCES change_requests (id),
      user_id TEXT NOT NULL REFERENCES users (id),
      decision TEXT NOT NULL CHECK (decision IN ('approve', 'reject')),
      comment TEXT,
      created_at ${t.timestamp} NOT NULL,
      PRIMARY KEY (change_request_id, user_id)
    )${t.strict}`,
    `CREATE TABLE audit_events (
      id ${t.serialKey},
      project_id TEXT REFERENCES projects (id),
      actor_type TEXT NOT NULL ${actorTypes('actor_type')},
      actor_id TEXT,
      action TEXT NOT NULL,
      target_type TEXT NOT NULL,
      target_id TEXT NOT NULL,
      details_json ${t.json} NOT NULL,
      ip TEXT,
      user_agent TEXT,
      created_at ${t.timestamp} NOT NULL
    )${t.strict}`,
    `CREATE INDEX audit_events_project ON audit_events (project_id, id)`,
  ];
}

/**
 * Forward-only schema migrations of the registry tables, versioned in `registry_migrations`
 * (apart from the runs tables' `schema_migrations`, so the two evolve independently). Append a
 * new entry to change the schema; never edit or reorder one that has shipped.
 */
export const registryMigrations: readonly RegistryMigration[] = [
  {
    version: 1,
    statements: {
      sqlite: [
        ...initialSchema(sqliteTypes),
        // The audit log is append-only, whoever holds the database.
        `CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
         BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END`,
        `CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
         BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END`,
      ],
      postgres: [
        ...initialSchema(postgresTypes),
        `CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN RAISE EXCEPTION 'audit_events is append-only'; END $$`,
        `CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events
         FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()`,
        `CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
         FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()`,
      ],
    },
  },
  {
    // Issue 11: a version records the partials it uses ([{ name, contentHash, source }]), so what
    // the registry serves can be rendered; runs find the versions they tested by content hash.
    version: 2,
    statements: {
      sqlite: [
        `ALTER TABLE prompt_versions ADD COLUMN partials_json TEXT NOT NULL DEFAULT '[]'`,
        `CREATE INDEX prompt_versions_content_hash ON prompt_versions (project_id, content_hash)`,
      ],
      postgres: [
        `ALTER TABLE prompt_versions ADD COLUMN partials_json JSONB NOT NULL DEFAULT '[]'::jsonb`,
        `CREATE INDEX prompt_versions_content_hash ON prompt_versions (project_id, content_hash)`,
      ],
    },
  },
];

/** An arbitrary constant: the advisory lock that serialises registry migrations on PostgreSQL. */
const postgresMigrationLock = 7_400_001;

/**
 * Brings the registry tables up to date in one transaction. Several processes may start at once:
 * SQLite's write lock (BEGIN IMMEDIATE) or a PostgreSQL advisory lock lets one migrate while the
 * others wait and then find nothing to do.
 *
 * @param migrations for tests; the shipped list by default.
 */
export async function migrateRegistry(
  db: Kysely<RegistryTables>,
  dialect: RegistryDialect,
  migrations: readonly RegistryMigration[] = registryMigrations,
): Promise<{ from: number; to: number }> {
  if (dialect === 'postgres') {
    // A session lock taken before BEGIN, not pg_advisory_xact_lock inside the transaction: a
    // transaction that waited on the lock can miss tables another process committed meanwhile.
    return db.connection().execute(async (connection) => {
      await sql`SELECT pg_advisory_lock(${sql.lit(postgresMigrationLock)})`.execute(connection);
      try {
        return await applyRegistryMigrations(connection, dialect, migrations);
      } finally {
        await sql`SELECT pg_advisory_unlock(${sql.lit(postgresMigrationLock)})`.execute(connection).catch(() => {});
      }
    });
  }
  return applyRegistryMigrations(db, dialect, migrations);
}

async function applyRegistryMigrations(
  db: Kysely<RegistryTables>,
  dialect: RegistryDialect,
  migrations: readonly RegistryMigration[],
): Promise<{ from: number; to: number }> {
  return db.transaction().execute(async (transaction) => {
    const timestamp = dialect === 'postgres' ? 'TIMESTAMPTZ' : 'TEXT';
    await sql
      .raw(`CREATE TABLE IF NOT EXISTS registry_migrations (version INTEGER PRIMARY KEY, applied_at ${timestamp} NOT NULL)`)
      .execute(transaction);
    const row = await transaction
      .selectFrom('registry_migrations')
      .select((eb) => eb.fn.max('version').as('version'))
      .executeTakeFirst();
    const current = row?.version == null ? 0 : Number(row.version);
    const latest = migrations.at(-1)?.version ?? 0;
    if (current > latest) {
      throw new AssayError(`The database has registry schema version ${current}; this Assay knows up to ${latest}.`, {
        hint: 'It was written by a newer Assay. Upgrade Assay, or point it at another database.',
      });
    }
    for (const migration of migrations) {
      if (migration.version <= current) continue;
      for (const statement of migration.statements[dialect]) await sql.raw(statement).execute(transaction);
      await transaction
        .insertInto('registry_migrations')
        .values({ version: migration.version, applied_at: new Date().toISOString() })
        .execute();
    }
    return { from: current, to: Math.max(current, latest) };
  });
}
