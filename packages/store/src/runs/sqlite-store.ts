import fs from 'node:fs';
import path from 'node:path';
import { DatabaseSync, type SQLOutputValue } from 'node:sqlite';
import { AssayError, type CaseResult, type RunRecord, type RunStatus, type RunSummary } from '@assay/spec';
import { migrate } from './migrations.ts';
import { checkResultPage } from './result-page.ts';
import { checkProjectId, checkResultsBelongTo, checkRunScope, localScope } from './run-scope.ts';
import { leaseTimes } from './run-lease.ts';
import type { LeaseClaim, LeaseRequest, ListResultsOptions, ListRunsOptions, RunLease, RunStore, Store } from './store.ts';

export interface SqliteStore extends Store {
  /** The database file (or `:memory:`). */
  readonly path: string;
}

export type SqliteStoreOptions =
  /** Uses `<directory>/assay.db`, creating the directory. */
  | { directory: string }
  /** An explicit database file; its directory must exist. */
  | { path: string };

/** Rows read per query by `iterateResults`: bounds memory and how long a read stays open. */
const pageSize = 500;

/**
 * Opens (creating and migrating if needed) the SQLite store. Several processes may open the same
 * file: WAL lets readers (the dashboard) run beside one writer (a run).
 *
 * @example
 * const store = openSqliteStore({ directory: defaultDataDirectory(process.cwd()) });
 * await store.createRun(run);
 * await store.appendResults(run.id, results);
 * await store.close();
 */
export function openSqliteStore(options: SqliteStoreOptions): SqliteStore {
  let file: string;
  if ('directory' in options) {
    fs.mkdirSync(options.directory, { recursive: true });
    file = path.join(options.directory, 'assay.db');
  } else {
    file = options.path;
  }

  const database = new DatabaseSync(file);
  try {
    configure(database);
    migrate(database, file);
  } catch (error) {
    database.close();
    throw error;
  }
  return new SqliteStoreImpl(database, file);
}

function configure(database: DatabaseSync): void {
  // First, so that switching to WAL waits for another process's lock instead of failing.
  database.exec('PRAGMA busy_timeout = 5000');
  database.exec('PRAGMA journal_mode = WAL');
  // appendResults promises durability when it resolves, power loss included, so every commit is
  // fsynced. NORMAL survives a process crash but may lose the last commits on power loss.
  // Measured (dev VM, 20,000 ~2 KB results in batches of 200): FULL 0.88-1.05 s, NORMAL
  // 0.81-0.89 s, i.e. about 1 ms more per batch; next to the model calls that is nothing.
  database.exec('PRAGMA synchronous = FULL');
  database.exec('PRAGMA foreign_keys = ON');
}

interface Connection {
  readonly database: DatabaseSync;
  readonly statements: ReturnType<typeof prepareStatements>;
  readonly path: string;
}

/** The runs of one scope: `project` is a project id, or `localScope`. */
class SqliteRuns implements RunStore {
  readonly #connection: Connection;
  readonly #project: string;

  constructor(connection: Connection, project: string) {
    this.#connection = connection;
    this.#project = project;
  }

  async createRun(run: RunRecord): Promise<void> {
    this.#connection.statements.insertRun.run({
      project: checkRunScope(run, this.#project),
      id: run.id,
      createdAt: run.createdAt,
      status: run.status,
      configPath: run.configPath,
      planHash: run.planHash,
      total: run.total,
      options: JSON.stringify(run.options),
      summary: run.summary === undefined ? null : JSON.stringify(run.summary),
      finishedAt: run.finishedAt ?? null,
      label: run.label ?? null,
    });
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    const row = this.#connection.statements.getRun.get(this.#project, runId);
    return row === undefined ? undefined : toRunRecord(row);
  }

  async listRuns(options: ListRunsOptions = {}): Promise<RunRecord[]> {
    const limit = options.limit ?? -1; // SQLite: a negative LIMIT means none.
    const offset = options.offset ?? 0;
    if (options.limit !== undefined) assertCount('limit', options.limit);
    assertCount('offset', offset);
    return this.#connection.statements.listRuns.all({ ...this.#runFilter(options), limit, offset }).map(toRunRecord);
  }

  async countRuns(options: Omit<ListRunsOptions, 'limit' | 'offset'> = {}): Promise<number> {
    return this.#connection.statements.countRuns.get(this.#runFilter(options))?.count as number;
  }

  #runFilter(options: Omit<ListRunsOptions, 'limit' | 'offset'>) {
    return { project: this.#project, status: options.status ?? null, label: options.label ?? null };
  }

  async setRunLabel(runId: string, label: string | null): Promise<void> {
    const { changes } = this.#connection.statements.setRunLabel.run({ project: this.#project, id: runId, label });
    if (changes === 0) throw new RangeError(`setRunLabel: no run with id ${runId}.`);
  }

  async appendResults(runId: string, results: readonly CaseResult[]): Promise<void> {
    checkResultsBelongTo(runId, results);
    if (results.length === 0) return;
    const { database, statements } = this.#connection;
    // IMMEDIATE takes the write lock up front, so a busy database waits (busy_timeout) here
    // rather than failing halfway through the batch.
    database.exec('BEGIN IMMEDIATE');
    try {
      for (const result of results) {
        // Positional parameters: node:sqlite binds them about twice as fast as named ones.
        statements.upsertResult.run(
          this.#project,
          runId,
          result.key,
          result.promptId,
          result.providerId,
          result.caseId,
          result.repeat,
          result.pass ? 1 : 0,
          result.score,
          result.cost,
          result.latencyMs,
          result.error ?? null,
          JSON.stringify(result),
        );
      }
      database.exec('COMMIT');
    } catch (error) {
      // SQLite has already rolled back on some errors (SQLITE_FULL); a second ROLLBACK would hide the cause.
      if (database.isTransaction) database.exec('ROLLBACK');
      throw error;
    }
  }

  async completedKeys(runId: string): Promise<Set<string>> {
    const keys = new Set<string>();
    for (const row of this.#connection.statements.completedKeys.iterate(this.#project, runId)) keys.add(row.key as string);
    return keys;
  }

  /**
   * Reads in pages keyed on `seq` instead of holding one cursor open for the whole iteration:
   * a cursor kept open while the consumer awaits (a slow HTTP client) would pin a WAL snapshot
   * and stop checkpoints, so the WAL file would grow for as long as the stream lasts. Results
   * appended while iterating are included.
   */
  async *iterateResults(runId: string): AsyncIterable<CaseResult> {
    let after = 0;
    for (;;) {
      const page: CaseResult[] = [];
      for (const row of this.#connection.statements.resultPage.iterate(this.#project, runId, after, pageSize)) {
        after = row.seq as number;
        page.push(JSON.parse(row.data_json as string) as CaseResult);
      }
      yield* page;
      if (page.length < pageSize) return;
    }
  }

  async countResults(runId: string): Promise<number> {
    return this.#connection.statements.countResults.get(this.#project, runId)?.count as number;
  }

  async listResults(runId: string, options: ListResultsOptions): Promise<{ items: CaseResult[]; total: number }> {
    const { offset, limit } = checkResultPage(options);
    const { statements } = this.#connection;
    const filter = { project: this.#project, runId, outcome: options.outcome ?? null, search: options.search || null };
    const total = statements.countFilteredResults.get(filter)?.count as number;
    const items = statements.filteredResults.all({ ...filter, limit, offset }).map((row) => JSON.parse(row.data_json as string) as CaseResult);
    return { items, total };
  }

  async finishRun(runId: string, update: { status: RunStatus; summary?: RunSummary; finishedAt: string }): Promise<void> {
    const { changes } = this.#connection.statements.finishRun.run({
      project: this.#project,
      id: runId,
      status: update.status,
      summary: update.summary === undefined ? null : JSON.stringify(update.summary),
      finishedAt: update.finishedAt,
    });
    if (changes === 0) throw new AssayError(`finishRun: no run ${runId} in ${this.#connection.path}.`, { hint: 'Create the run first.' });
  }

  async acquireRunLease(runId: string, request: LeaseRequest): Promise<LeaseClaim> {
    const { now, expiresAt } = leaseTimes(request);
    const { statements } = this.#connection;
    const claim = { project: this.#project, id: runId, owner: request.owner, replacing: request.replacing ?? null, now, expiresAt };
    // The UPDATE is the claim: of two processes claiming at once, SQLite's write lock lets one in.
    for (;;) {
      if (statements.acquireLease.run(claim).changes === 1) return { acquired: true, lease: { owner: request.owner, expiresAt } };
      const row = statements.getRun.get(this.#project, runId);
      if (row === undefined) throw new RangeError(`acquireRunLease: no run with id ${runId}.`);
      const lease = toLease(row.lease_owner, row.lease_expires_at);
      // Released or expired between the two statements: claim again.
      if (lease !== undefined && lease.expiresAt > now) return { acquired: false, lease };
    }
  }

  async releaseRunLease(runId: string, owner: string): Promise<void> {
    this.#connection.statements.releaseLease.run({ project: this.#project, id: runId, owner });
  }

  async getRunLease(runId: string): Promise<RunLease | undefined> {
    const row = this.#connection.statements.getRun.get(this.#project, runId);
    return row === undefined ? undefined : toLease(row.lease_owner, row.lease_expires_at);
  }
}

class SqliteStoreImpl extends SqliteRuns implements SqliteStore {
  readonly specificationVersion = 'v3';
  readonly path: string;
  readonly #connection: Connection;
  #closed = false;

  constructor(database: DatabaseSync, file: string) {
    const connection: Connection = { database, statements: prepareStatements(database), path: file };
    super(connection, localScope);
    this.#connection = connection;
    this.path = file;
  }

  project(projectId: string): RunStore {
    return new SqliteRuns(this.#connection, checkProjectId(projectId));
  }

  async claimRun(runId: string, projectId: string): Promise<boolean> {
    return this.#connection.statements.claimRun.run({ id: runId, project: checkProjectId(projectId), local: localScope }).changes === 1;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#connection.database.close();
  }
}

const runWhere = 'project_id = :project AND (:status IS NULL OR status = :status) AND (:label IS NULL OR label = :label)';
const resultWhere = `project_id = :project AND run_id = :runId
  AND (:outcome IS NULL OR (:outcome = 'error' AND error IS NOT NULL) OR (error IS NULL AND :outcome <> 'error' AND pass = (:outcome = 'pass')))
  AND (:search IS NULL OR instr(data_json, :search) > 0)`;

function prepareStatements(database: DatabaseSync) {
  return {
    insertRun: database.prepare(
      `INSERT INTO runs (project_id, id, created_at, status, config_path, plan_hash, total, options_json, summary_json, finished_at, label)
       VALUES (:project, :id, :createdAt, :status, :configPath, :planHash, :total, :options, :summary, :finishedAt, :label)`,
    ),
    getRun: database.prepare('SELECT * FROM runs WHERE project_id = ? AND id = ?'),
    listRuns: database.prepare(
      `SELECT * FROM runs WHERE ${runWhere}
       ORDER BY created_at DESC, rowid DESC LIMIT :limit OFFSET :offset`,
    ),
    countRuns: database.prepare(`SELECT count(*) AS count FROM runs WHERE ${runWhere}`),
    setRunLabel: database.prepare('UPDATE runs SET label = :label WHERE project_id = :project AND id = :id'),
    // The results follow (ON UPDATE CASCADE). A project that already has the id keeps its own run.
    claimRun: database.prepare(
      `UPDATE runs SET project_id = :project WHERE project_id = :local AND id = :id
         AND NOT EXISTS (SELECT 1 FROM runs WHERE project_id = :project AND id = :id)`,
    ),
    acquireLease: database.prepare(
      `UPDATE runs SET lease_owner = :owner, lease_expires_at = :expiresAt
       WHERE project_id = :project AND id = :id
         AND (lease_owner IS NULL OR lease_owner = :owner OR lease_owner = :replacing OR lease_expires_at IS NULL OR lease_expires_at <= :now)`,
    ),
    releaseLease: database.prepare(
      'UPDATE runs SET lease_owner = NULL, lease_expires_at = NULL WHERE project_id = :project AND id = :id AND lease_owner = :owner',
    ),
    finishRun: database.prepare(
      `UPDATE runs SET status = :status, summary_json = coalesce(:summary, summary_json), finished_at = :finishedAt
       WHERE project_id = :project AND id = :id`,
    ),
    // Upsert rather than INSERT OR REPLACE: a retried result keeps its original position.
    upsertResult: database.prepare(
      `INSERT INTO results (project_id, run_id, key, prompt_id, provider_id, case_id, repeat, pass, score, cost, latency_ms, error, data_json)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (project_id, run_id, key) DO UPDATE SET
         prompt_id = excluded.prompt_id, provider_id = excluded.provider_id, case_id = excluded.case_id,
         repeat = excluded.repeat, pass = excluded.pass, score = excluded.score, cost = excluded.cost,
         latency_ms = excluded.latency_ms, error = excluded.error, data_json = excluded.data_json`,
    ),
    completedKeys: database.prepare('SELECT key FROM results WHERE project_id = ? AND run_id = ? AND error IS NULL'),
    countResults: database.prepare('SELECT count(*) AS count FROM results WHERE project_id = ? AND run_id = ?'),
    countFilteredResults: database.prepare(`SELECT count(*) AS count FROM results WHERE ${resultWhere}`),
    filteredResults: database.prepare(
      `SELECT data_json FROM results WHERE ${resultWhere} ORDER BY seq LIMIT :limit OFFSET :offset`,
    ),
    resultPage: database.prepare(
      'SELECT seq, data_json FROM results WHERE project_id = ? AND run_id = ? AND seq > ? ORDER BY seq LIMIT ?',
    ),
  };
}

function toRunRecord(row: Record<string, SQLOutputValue>): RunRecord {
  const run: RunRecord = {
    id: row.id as string,
    createdAt: row.created_at as string,
    status: row.status as RunStatus,
    configPath: row.config_path as string,
    planHash: row.plan_hash as string,
    total: row.total as number,
    options: JSON.parse(row.options_json as string) as Record<string, unknown>,
  };
  if (row.summary_json !== null) run.summary = JSON.parse(row.summary_json as string) as RunSummary;
  if (row.finished_at !== null) run.finishedAt = row.finished_at as string;
  if (row.label !== null && row.label !== undefined) run.label = row.label as string;
  if (row.project_id !== localScope) run.projectId = row.project_id as string;
  return run;
}

function toLease(owner: SQLOutputValue | undefined, expiresAt: SQLOutputValue | undefined): RunLease | undefined {
  return typeof owner === 'string' && typeof expiresAt === 'string' ? { owner, expiresAt } : undefined;
}

function assertCount(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`listRuns: ${name} must be a non-negative integer, got ${value}.`);
}
