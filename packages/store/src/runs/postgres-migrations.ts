import type pg from 'pg';
import { AssayError } from '@assay/spec';

/**
 * Forward-only schema migrations of the PostgreSQL store. Version N means the same logical schema
 * as version N of the SQLite store (`migrations.ts`): 1 = runs and results, 2 = run labels, 3 = run projects,
 * 4 = run ids unique per project, 5 = run leases.
 * Append a new entry to change the schema; never edit or reorder one that has shipped.
 *
 * Types differ where PostgreSQL has a better one: timestamps are `timestamptz`, `pass` is
 * `boolean`, run options and summaries are `jsonb`.
 */
export const postgresMigrations: readonly { version: number; sql: string }[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE runs (
        id text PRIMARY KEY,
        -- Insertion order breaks ties between runs created at the same instant (SQLite's rowid).
        seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        created_at timestamptz NOT NULL,
        status text NOT NULL,
        config_path text NOT NULL,
        plan_hash text NOT NULL,
        total integer NOT NULL,
        options_json jsonb NOT NULL,
        summary_json jsonb,
        finished_at timestamptz
      );
      CREATE INDEX runs_created_at ON runs (created_at DESC, seq DESC);
      CREATE INDEX runs_status_created_at ON runs (status, created_at DESC, seq DESC);

      CREATE TABLE results (
        -- Position of a result in its run. appendResults serialises writers of one run, so seq
        -- grows in commit order and iteration by "seq > last seen" cannot skip a row.
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        run_id text NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        key text NOT NULL,
        prompt_id text NOT NULL,
        provider_id text NOT NULL,
        case_id text NOT NULL,
        repeat integer NOT NULL,
        pass boolean NOT NULL,
        score double precision NOT NULL,
        cost double precision,
        latency_ms double precision NOT NULL,
        error text,
        -- json, not jsonb: jsonb rejects \\u0000 and unpaired surrogates, both of which a model's
        -- output may hold, and the result is always read whole.
        data_json json NOT NULL,
        UNIQUE (run_id, key)
      );
      CREATE INDEX results_run_seq ON results (run_id, seq);
    `,
  },
  {
    version: 2,
    sql: `
      -- A run label names a run for later use as a baseline (\`assay eval --label main\`, \`--baseline main\`).
      ALTER TABLE runs ADD COLUMN label text;
      CREATE INDEX runs_label_created_at ON runs (label, created_at DESC, seq DESC);
    `,
  },
  {
    version: 3,
    sql: `
      -- Runs uploaded to \`assay serve\` belong to a registry project; local runs have none.
      ALTER TABLE runs ADD COLUMN project_id text;
      CREATE INDEX runs_project_created_at ON runs (project_id, created_at DESC, seq DESC);
    `,
  },
  {
    version: 4,
    sql: `
      -- Run ids are unique per project, not per store (issue 16: an upload under another
      -- project's run id was refused, which told the uploader that the id existed elsewhere).
      -- A run's key becomes (project_id, id), with '' for the runs without a project.
      ALTER TABLE results DROP CONSTRAINT results_run_id_fkey;
      ALTER TABLE results DROP CONSTRAINT results_run_id_key_key;
      DROP INDEX results_run_seq;
      ALTER TABLE runs DROP CONSTRAINT runs_pkey;
      UPDATE runs SET project_id = '' WHERE project_id IS NULL;
      ALTER TABLE runs ALTER COLUMN project_id SET DEFAULT '', ALTER COLUMN project_id SET NOT NULL;
      ALTER TABLE runs ADD PRIMARY KEY (project_id, id);

      ALTER TABLE results ADD COLUMN project_id text NOT NULL DEFAULT '';
      UPDATE results SET project_id = runs.project_id FROM runs WHERE runs.id = results.run_id AND runs.project_id <> '';
      ALTER TABLE results ADD UNIQUE (project_id, run_id, key);
      -- ON UPDATE CASCADE: claiming a run (giving it a project) moves its results with it.
      ALTER TABLE results ADD FOREIGN KEY (project_id, run_id) REFERENCES runs (project_id, id) ON DELETE CASCADE ON UPDATE CASCADE;
      CREATE INDEX results_run_seq ON results (project_id, run_id, seq);

      DROP INDEX runs_created_at;
      DROP INDEX runs_status_created_at;
      DROP INDEX runs_label_created_at;
      CREATE INDEX runs_project_status_created_at ON runs (project_id, status, created_at DESC, seq DESC);
      CREATE INDEX runs_project_label_created_at ON runs (project_id, label, created_at DESC, seq DESC);
    `,
  },
  {
    version: 5,
    sql: `
      -- A run is claimed by the process working on it (issue 10: two \`assay eval --resume\` of one
      -- run both made every remaining call). The lease is renewed while the run goes and released
      -- at its end; a running run whose lease expired was killed (\`assay runs\` shows it interrupted).
      ALTER TABLE runs ADD COLUMN lease_owner text, ADD COLUMN lease_expires_at timestamptz;
    `,
  },
];

/** The newest schema version this code knows. */
export const latestPostgresVersion = postgresMigrations.at(-1)?.version ?? 0;

/**
 * Key of the advisory lock held while migrating, so that two processes starting together on a new
 * database migrate once. Advisory locks are per database; this one is "Assay" in ASCII.
 */
const migrationLock = 0x4173736179;

/**
 * Brings the schema up to date in one transaction (PostgreSQL's DDL is transactional: a failed
 * migration leaves nothing behind). `upTo` stops at an older version; tests use it to build the
 * databases of earlier releases.
 *
 * @param target where the database is, for messages (never the URL: it may hold a password).
 */
export async function migratePostgres(client: pg.ClientBase, target: string, options: { upTo?: number } = {}): Promise<void> {
  const upTo = options.upTo ?? latestPostgresVersion;
  // Fast path without the lock: most starts find the schema current.
  if ((await currentVersion(client, target)) >= upTo) return;

  // A session lock taken before BEGIN, not pg_advisory_xact_lock inside the transaction: catalog
  // lookups in a transaction that waited on an advisory lock can miss tables another process just
  // committed, and CREATE TABLE would then fail with "already exists".
  await client.query(`SELECT pg_advisory_lock(${migrationLock})`);
  try {
    await client.query('BEGIN');
    try {
      // Checked before creating: CREATE TABLE IF NOT EXISTS still needs the CREATE privilege.
      if (!(await hasMigrationsTable(client))) {
        await client.query('CREATE TABLE schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
      }
      // Read again under the lock: another process may have migrated while this one waited.
      const current = await currentVersion(client, target);
      for (const migration of postgresMigrations) {
        if (migration.version <= current || migration.version > upTo) continue;
        await client.query(migration.sql);
        await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [migration.version]);
      }
      await client.query('COMMIT');
    } catch (error) {
      // The connection may be gone (the server then rolls back on its own); the cause matters more.
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    }
  } finally {
    // A lost connection releases the lock by itself.
    await client.query(`SELECT pg_advisory_unlock(${migrationLock})`).catch(() => {});
  }
}

async function hasMigrationsTable(client: pg.ClientBase): Promise<boolean> {
  const { rows } = await client.query<{ exists: boolean }>("SELECT to_regclass('schema_migrations') IS NOT NULL AS exists");
  return rows[0]?.exists === true;
}

/** The schema version of the database (0 when new); refuses one newer than this code. */
async function currentVersion(client: pg.ClientBase, target: string): Promise<number> {
  if (!(await hasMigrationsTable(client))) return 0;
  const { rows } = await client.query<{ version: number }>('SELECT coalesce(max(version), 0) AS version FROM schema_migrations');
  const version = rows[0]?.version ?? 0;
  if (version > latestPostgresVersion) {
    throw new AssayError(`The PostgreSQL database at ${target} has schema version ${version}; this Assay knows up to ${latestPostgresVersion}.`, {
      hint: 'It was written by a newer Assay. Upgrade Assay, or point ASSAY_DATABASE_URL at another database.',
      docs: 'storage.md',
    });
  }
  return version;
}
