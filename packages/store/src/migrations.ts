import type { DatabaseSync } from 'node:sqlite';
import { AssayError } from '@assay/spec';

/**
 * Forward-only schema migrations. Append a new entry to change the schema; never edit or
 * reorder an entry that has shipped, because databases in the field already ran it.
 */
export const migrations: readonly { version: number; sql: string }[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE runs (
        id TEXT PRIMARY KEY,
        created_at TEXT NOT NULL,
        status TEXT NOT NULL,
        config_path TEXT NOT NULL,
        plan_hash TEXT NOT NULL,
        total INTEGER NOT NULL,
        options_json TEXT NOT NULL,
        summary_json TEXT,
        finished_at TEXT
      ) STRICT;
      CREATE INDEX runs_created_at ON runs (created_at DESC);
      CREATE INDEX runs_status_created_at ON runs (status, created_at DESC);

      CREATE TABLE results (
        -- AUTOINCREMENT: seq never goes back, so iteration by "seq > last seen" cannot skip rows.
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        prompt_id TEXT NOT NULL,
        provider_id TEXT NOT NULL,
        case_id TEXT NOT NULL,
        repeat INTEGER NOT NULL,
        pass INTEGER NOT NULL,
        score REAL NOT NULL,
        cost REAL,
        latency_ms REAL NOT NULL,
        error TEXT,
        data_json TEXT NOT NULL,
        UNIQUE (run_id, key)
      ) STRICT;
      CREATE INDEX results_run_seq ON results (run_id, seq);
    `,
  },
  {
    version: 2,
    sql: `
      -- A run label names a run for later use as a baseline (\`assay eval --label main\`, \`--baseline main\`).
      ALTER TABLE runs ADD COLUMN label TEXT;
      CREATE INDEX runs_label_created_at ON runs (label, created_at DESC);
    `,
  },
  {
    version: 3,
    sql: `
      -- Runs uploaded to \`assay serve\` belong to a registry project; local runs have none.
      ALTER TABLE runs ADD COLUMN project_id TEXT;
      CREATE INDEX runs_project_created_at ON runs (project_id, created_at DESC);
    `,
  },
];

/**
 * Brings the schema up to date inside one write transaction, so two processes opening the
 * same new file cannot both run a migration.
 */
export function migrate(database: DatabaseSync, file: string): void {
  database.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL) STRICT');
  database.exec('BEGIN IMMEDIATE');
  try {
    const row = database.prepare('SELECT max(version) AS version FROM schema_migrations').get();
    const current = typeof row?.version === 'number' ? row.version : 0;
    const latest = migrations.at(-1)?.version ?? 0;
    if (current > latest) {
      throw new AssayError(`The database ${file} has schema version ${current}; this Assay knows up to ${latest}.`, {
        hint: 'It was written by a newer Assay. Upgrade Assay, or point ASSAY_DATA_DIR at another directory.',
      });
    }
    const record = database.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)');
    for (const migration of migrations) {
      if (migration.version <= current) continue;
      database.exec(migration.sql);
      record.run(migration.version, new Date().toISOString());
    }
    database.exec('COMMIT');
  } catch (error) {
    if (database.isTransaction) database.exec('ROLLBACK');
    throw error;
  }
}
