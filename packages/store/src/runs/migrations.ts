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
  {
    version: 4,
    sql: `
      -- Run ids are unique per project, not per store (issue 16: an upload under another
      -- project's run id was refused, which told the uploader that the id existed elsewhere).
      -- A run's key becomes (project_id, id), with '' for the runs without a project. SQLite
      -- cannot change a primary key in place, so both tables are rebuilt; rowid and seq are
      -- copied, so runs keep their order and results their positions.
      CREATE TABLE runs_by_project (
        project_id TEXT NOT NULL DEFAULT '',
        id TEXT NOT NULL,
        created_at TEXT NOT NULL,
        status TEXT NOT NULL,
        config_path TEXT NOT NULL,
        plan_hash TEXT NOT NULL,
        total INTEGER NOT NULL,
        options_json TEXT NOT NULL,
        summary_json TEXT,
        finished_at TEXT,
        label TEXT,
        PRIMARY KEY (project_id, id)
      ) STRICT;
      INSERT INTO runs_by_project (rowid, project_id, id, created_at, status, config_path, plan_hash, total, options_json, summary_json, finished_at, label)
        SELECT rowid, coalesce(project_id, ''), id, created_at, status, config_path, plan_hash, total, options_json, summary_json, finished_at, label
        FROM runs ORDER BY rowid;

      CREATE TABLE results_by_project (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        project_id TEXT NOT NULL DEFAULT '',
        run_id TEXT NOT NULL,
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
        UNIQUE (project_id, run_id, key),
        -- ON UPDATE CASCADE: claiming a run (giving it a project) moves its results with it.
        FOREIGN KEY (project_id, run_id) REFERENCES runs_by_project (project_id, id) ON DELETE CASCADE ON UPDATE CASCADE
      ) STRICT;
      INSERT INTO results_by_project (seq, project_id, run_id, key, prompt_id, provider_id, case_id, repeat, pass, score, cost, latency_ms, error, data_json)
        SELECT results.seq, coalesce(runs.project_id, ''), results.run_id, results.key, results.prompt_id, results.provider_id, results.case_id,
               results.repeat, results.pass, results.score, results.cost, results.latency_ms, results.error, results.data_json
        FROM results JOIN runs ON runs.id = results.run_id ORDER BY results.seq;

      DROP TABLE results;
      DROP TABLE runs;
      -- Renaming also rewrites the foreign key of results_by_project to point at runs.
      ALTER TABLE runs_by_project RENAME TO runs;
      ALTER TABLE results_by_project RENAME TO results;
      CREATE INDEX runs_project_created_at ON runs (project_id, created_at DESC);
      CREATE INDEX runs_project_status_created_at ON runs (project_id, status, created_at DESC);
      CREATE INDEX runs_project_label_created_at ON runs (project_id, label, created_at DESC);
      CREATE INDEX results_run_seq ON results (project_id, run_id, seq);
    `,
  },
  {
    version: 5,
    sql: `
      -- A run is claimed by the process working on it (issue 10: two \`assay eval --resume\` of one
      -- run both made every remaining call). The lease is renewed while the run goes and released
      -- at its end; a running run whose lease expired was killed (\`assay runs\` shows it interrupted).
      -- Times are ISO 8601 text as toISOString() writes it, so they compare as text.
      ALTER TABLE runs ADD COLUMN lease_owner TEXT;
      ALTER TABLE runs ADD COLUMN lease_expires_at TEXT;
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
