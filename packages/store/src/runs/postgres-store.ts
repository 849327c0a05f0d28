import { setTimeout as sleep } from 'node:timers/promises';
import { AssayError, type CaseResult, type RunRecord, type RunStatus, type RunSummary } from '@assay/spec';
import { Kysely, PostgresDialect, sql, type ColumnType, type Generated, type SelectQueryBuilder } from 'kysely';
import pg from 'pg';
import { migratePostgres } from './postgres-migrations.ts';
import { checkResultPage } from './result-page.ts';
import { checkProjectId, checkResultsBelongTo, checkRunScope, localScope } from './run-scope.ts';
import { leaseTimes } from './run-lease.ts';
import type { LeaseClaim, LeaseRequest, ListResultsOptions, ListRunsOptions, RunLease, RunStore, Store } from './store.ts';
import { StoreUnavailableError } from '../store-unavailable-error.ts';

export interface PostgresStore extends Store {
  /** Where the database is, as `host:port/database`: safe to print, it never holds the password. */
  readonly target: string;
}

export interface PostgresStoreOptions {
  /**
   * `postgres://user:password@host:port/database` (or `postgresql://`). Query parameters such as
   * `sslmode` and `host=/path/to/socket-directory` are honoured; PG* environment variables fill in
   * what the URL leaves out.
   */
  url: string;
  /** How long to keep retrying while the database cannot be reached at start. Default 10 000 ms. */
  connectTimeoutMs?: number;
  /** Most connections the store holds at once. Default 10. */
  maxConnections?: number;
  /** Told about each failed attempt to connect at start (the text never holds the password). */
  onRetry?: (message: string) => void;
}

interface Database {
  runs: RunsTable;
  results: ResultsTable;
}

interface RunsTable {
  id: string;
  seq: Generated<string>;
  created_at: ColumnType<Date, string, string>;
  status: string;
  config_path: string;
  plan_hash: string;
  total: number;
  options_json: ColumnType<unknown, string, string>;
  summary_json: ColumnType<unknown, string | null, string>;
  finished_at: ColumnType<Date | null, string | null, string>;
  label: string | null;
  /** `localScope` ('') for the runs without a project. */
  project_id: string;
  lease_owner: ColumnType<string | null, never, string | null>;
  lease_expires_at: ColumnType<Date | null, never, string | null>;
}

interface ResultsTable {
  seq: Generated<string>;
  project_id: string;
  run_id: string;
  key: string;
  prompt_id: string;
  provider_id: string;
  case_id: string;
  repeat: number;
  pass: boolean;
  score: number;
  cost: number | null;
  latency_ms: number;
  error: string | null;
  data_json: ColumnType<unknown, string, string>;
}

/** Rows read per query by `iterateResults`: bounds memory, and no connection is held between pages. */
const pageSize = 500;
/** Rows per INSERT statement (PostgreSQL takes at most 65,535 parameters; a row has 13). */
const rowsPerStatement = 1000;
const defaultConnectTimeoutMs = 10_000;

/**
 * Opens the PostgreSQL store, creating or migrating its schema. While the database cannot be
 * reached (not started yet, restarting) it retries with backoff for `connectTimeoutMs`, then
 * rejects with a `StoreUnavailableError` naming host and port. A connection lost later makes
 * the operation in flight reject with a `StoreUnavailableError` (`isRetryable`, `statusCode`
 * 503) and leaves nothing of it written; the next operation reconnects.
 *
 * @example
 * const store = await openPostgresStore({ url: 'postgres://assay:secret@db.internal:5432/assay' });
 * await store.createRun(run);
 * await store.appendResults(run.id, results);
 * await store.close();
 */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<PostgresStore> {
  const target = describeTarget(options.url);
  await connectAndMigrate(options, target);
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.maxConnections ?? 10,
    // Bounds how long an operation waits for a connection (or a free slot) once the store is open.
    connectionTimeoutMillis: 10_000,
  });
  // A connection whose server went away emits 'error'. The pool listens only while the client is
  // idle (and then drops it; the next query reconnects); a client checked out by Kysely has no
  // listener, so the event would end the process. The query in flight rejects on its own.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  const database = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return new PostgresStoreImpl(database, target);
}

/** `host:port/database` of a URL, without user or password. Never echoes the URL itself. */
function describeTarget(url: string): string {
  if (!/^postgres(ql)?:\/\//i.test(url)) {
    throw new AssayError('The PostgreSQL URL must start with postgres:// or postgresql://.', { hint: 'Check ASSAY_DATABASE_URL.', docs: 'storage.md' });
  }
  let parameters: { host?: string; port?: number; database?: string };
  try {
    // pg's own parser, so the description matches what it will connect to (host from the query, PG* defaults).
    parameters = new pg.Client({ connectionString: url }) as unknown as typeof parameters;
  } catch {
    // The parser's error may quote the URL, password and all.
    throw new AssayError('The PostgreSQL URL could not be parsed.', {
      hint: 'Check ASSAY_DATABASE_URL: postgres://user:password@host:5432/database, with special characters in the password percent-encoded.',
      docs: 'storage.md',
    });
  }
  return `${parameters.host ?? 'localhost'}:${parameters.port ?? 5432}/${parameters.database ?? ''}`;
}

async function connectAndMigrate(options: PostgresStoreOptions, target: string): Promise<void> {
  const budget = options.connectTimeoutMs ?? defaultConnectTimeoutMs;
  const started = Date.now();
  let delay = 100;
  for (let attempt = 1; ; attempt++) {
    const remaining = started + budget - Date.now();
    const client = new pg.Client({ connectionString: options.url, connectionTimeoutMillis: Math.max(100, Math.min(remaining, 5000)) });
    client.on('error', () => {}); // the failure surfaces through the pending call
    try {
      await client.connect();
      await migratePostgres(client, target);
      return;
    } catch (error) {
      if (!isTransient(error)) throw explainFailedStart(error, target);
      const left = started + budget - Date.now();
      if (left <= 0) {
        const seconds = Math.round((Date.now() - started) / 100) / 10;
        throw new StoreUnavailableError(
          `Cannot connect to PostgreSQL at ${target}: ${reason(error)} (gave up after ${seconds} s, ${attempt} attempt${attempt === 1 ? '' : 's'}).`,
          {
            target,
            cause: error,
            hint: 'Is PostgreSQL running and reachable from here? Check the host and port in ASSAY_DATABASE_URL, or unset it to use the embedded SQLite store.',
            docs: 'storage.md',
          },
        );
      }
      options.onRetry?.(`PostgreSQL at ${target} is not reachable yet (${reason(error)}); retrying.`);
      await sleep(Math.min(delay, left));
      delay = Math.min(delay * 2, 1000);
    } finally {
      await client.end().catch(() => {});
    }
  }
}

/** A failure at start that waiting will not fix: credentials, a missing database, a newer schema. */
function explainFailedStart(error: unknown, target: string): unknown {
  if (AssayError.isInstance(error) || !(error instanceof Error)) return error;
  const code = (error as { code?: unknown }).code;
  if (code === '28P01' || code === '28000') {
    return new AssayError(`PostgreSQL at ${target} refused the login: ${error.message}.`, {
      cause: error,
      hint: 'Check the user and password in ASSAY_DATABASE_URL (percent-encode special characters).',
      docs: 'storage.md',
    });
  }
  if (code === '3D000') {
    return new AssayError(`PostgreSQL at ${target}: ${error.message}.`, {
      cause: error,
      hint: 'Create the database (createdb <name>) or fix its name in ASSAY_DATABASE_URL.',
      docs: 'storage.md',
    });
  }
  return new AssayError(`Cannot open the PostgreSQL store at ${target}: ${reason(error)}.`, { cause: error, hint: 'Check ASSAY_DATABASE_URL.', docs: 'storage.md' });
}

const transientSystemCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  // A Unix socket that the server has not created yet.
  'ENOENT',
]);

/** SQLSTATEs that mean "try again later": the server is going down or starting, or out of slots. */
const transientSqlStates = new Set(['57P01', '57P02', '57P03', '53300', '40001', '40P01']);

/** pg and Kysely report a lost connection in plain Errors, told apart only by their text. */
const transientMessage = /connection terminated|timeout exceeded when trying to connect|connection timeout|not queryable|connection has been discarded/i;

/** Whether an error means the database is (for now) unreachable rather than that the request is wrong. */
function isTransient(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (transientSystemCodes.has(code) || transientSqlStates.has(code)) return true;
    // Class 08: connection exception.
    if (/^08[0-9A-Z]{3}$/.test(code)) return true;
  }
  return error instanceof Error && transientMessage.test(error.message);
}

function reason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // Node reports a failed connection to every address of a host as an AggregateError with no message.
  if (!error.message && error instanceof AggregateError) return reason(error.errors[0]);
  return error.message || String((error as { code?: unknown }).code ?? error.name);
}

interface Connection {
  readonly database: Kysely<Database>;
  readonly target: string;
}

/** The runs of one scope: `project` is a project id, or `localScope`. */
class PostgresRuns implements RunStore {
  readonly #connection: Connection;
  readonly #project: string;

  constructor(connection: Connection, project: string) {
    this.#connection = connection;
    this.#project = project;
  }

  get #database(): Kysely<Database> {
    return this.#connection.database;
  }

  async createRun(run: RunRecord): Promise<void> {
    const project = checkRunScope(run, this.#project);
    await this.#guard('createRun', () =>
      this.#database
        .insertInto('runs')
        .values({
          project_id: project,
          id: run.id,
          created_at: run.createdAt,
          status: run.status,
          config_path: run.configPath,
          plan_hash: run.planHash,
          total: run.total,
          options_json: JSON.stringify(run.options),
          summary_json: run.summary === undefined ? null : JSON.stringify(run.summary),
          finished_at: run.finishedAt ?? null,
          label: run.label ?? null,
        })
        .execute(),
    );
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    const row = await this.#guard('getRun', () => this.#runs(this.#database.selectFrom('runs').selectAll()).where('id', '=', runId).executeTakeFirst());
    return row === undefined ? undefined : toRunRecord(row);
  }

  async listRuns(options: ListRunsOptions = {}): Promise<RunRecord[]> {
    if (options.limit !== undefined) assertCount('limit', options.limit);
    assertCount('offset', options.offset ?? 0);
    const rows = await this.#guard('listRuns', () => {
      let query = this.#filterRuns(this.#database.selectFrom('runs').selectAll(), options);
      query = query.orderBy('created_at', 'desc').orderBy('seq', 'desc');
      if (options.limit !== undefined) query = query.limit(options.limit);
      if (options.offset) query = query.offset(options.offset);
      return query.execute();
    });
    return rows.map(toRunRecord);
  }

  async countRuns(options: Omit<ListRunsOptions, 'limit' | 'offset'> = {}): Promise<number> {
    const row = await this.#guard('countRuns', () =>
      this.#filterRuns(this.#database.selectFrom('runs').select((expression) => expression.fn.countAll<string>().as('count')), options)
        .executeTakeFirstOrThrow(),
    );
    return Number(row.count);
  }

  /** Only this scope's runs. */
  #runs<Query extends SelectQueryBuilder<Database, 'runs', object>>(query: Query): Query {
    return query.where('project_id', '=', this.#project) as Query;
  }

  #filterRuns<Query extends SelectQueryBuilder<Database, 'runs', object>>(query: Query, options: Omit<ListRunsOptions, 'limit' | 'offset'>): Query {
    let filtered = this.#runs(query);
    if (options.status !== undefined) filtered = filtered.where('status', '=', options.status) as Query;
    if (options.label !== undefined) filtered = filtered.where('label', '=', options.label) as Query;
    return filtered;
  }

  /** Only this scope's results of run `runId`. */
  #results<Query extends SelectQueryBuilder<Database, 'results', object>>(query: Query, runId: string): Query {
    return query.where('project_id', '=', this.#project).where('run_id', '=', runId) as Query;
  }

  async setRunLabel(runId: string, label: string | null): Promise<void> {
    const result = await this.#guard('setRunLabel', () =>
      this.#database.updateTable('runs').set({ label }).where('project_id', '=', this.#project).where('id', '=', runId).executeTakeFirst(),
    );
    if (result.numUpdatedRows === 0n) throw new RangeError(`setRunLabel: no run with id ${runId}.`);
  }

  async appendResults(runId: string, results: readonly CaseResult[]): Promise<void> {
    checkResultsBelongTo(runId, results);
    if (results.length === 0) return;
    // One INSERT … ON CONFLICT may not touch a row twice, so a key repeated in the batch is folded
    // here: the last result wins, at the first one's position (what two upserts in a row would do).
    const rows = new Map<string, ReturnType<typeof toResultRow>>();
    for (const result of results) rows.set(result.key, toResultRow(this.#project, runId, result));
    const values = [...rows.values()];

    await this.#guard('appendResults', () =>
      this.#database.transaction().execute(async (transaction) => {
        // Locks the run's row: appends to one run take turns, so `seq` grows in commit order and a
        // reader paging by "seq > last seen" cannot miss a row committed late with a lower seq.
        const run = await this.#runs(transaction.selectFrom('runs').select('id')).where('id', '=', runId).forNoKeyUpdate().executeTakeFirst();
        if (run === undefined) throw new RangeError(`appendResults: no run with id ${runId}.`);
        for (let start = 0; start < values.length; start += rowsPerStatement) {
          await transaction
            .insertInto('results')
            .values(values.slice(start, start + rowsPerStatement))
            // An upsert rather than delete + insert: a retried result keeps its original position.
            .onConflict((conflict) =>
              conflict.columns(['project_id', 'run_id', 'key']).doUpdateSet((expression) => ({
                prompt_id: expression.ref('excluded.prompt_id'),
                provider_id: expression.ref('excluded.provider_id'),
                case_id: expression.ref('excluded.case_id'),
                repeat: expression.ref('excluded.repeat'),
                pass: expression.ref('excluded.pass'),
                score: expression.ref('excluded.score'),
                cost: expression.ref('excluded.cost'),
                latency_ms: expression.ref('excluded.latency_ms'),
                error: expression.ref('excluded.error'),
                data_json: expression.ref('excluded.data_json'),
              })),
            )
            .execute();
        }
      }),
    );
  }

  async completedKeys(runId: string): Promise<Set<string>> {
    const rows = await this.#guard('completedKeys', () =>
      this.#results(this.#database.selectFrom('results').select('key'), runId).where('error', 'is', null).execute(),
    );
    return new Set(rows.map((row) => row.key));
  }

  /**
   * Reads in pages keyed on `seq`, each page its own query: no connection or snapshot is held
   * while the consumer awaits (a slow HTTP client). Results appended while iterating are included.
   */
  async *iterateResults(runId: string): AsyncIterable<CaseResult> {
    let after = '0';
    for (;;) {
      const page = await this.#guard('iterateResults', () =>
        this.#results(this.#database.selectFrom('results').select(['seq', 'data_json']), runId)
          .where('seq', '>', after)
          .orderBy('seq')
          .limit(pageSize)
          .execute(),
      );
      const last = page.at(-1);
      if (last !== undefined) after = last.seq;
      // pg parses json columns itself.
      yield* page.map((row) => row.data_json as CaseResult);
      if (page.length < pageSize) return;
    }
  }

  async countResults(runId: string): Promise<number> {
    const row = await this.#guard('countResults', () =>
      this.#results(this.#database.selectFrom('results').select((expression) => expression.fn.countAll<string>().as('count')), runId).executeTakeFirstOrThrow(),
    );
    return Number(row.count);
  }

  async listResults(runId: string, options: ListResultsOptions): Promise<{ items: CaseResult[]; total: number }> {
    const { offset, limit } = checkResultPage(options);
    const filter = <Query extends SelectQueryBuilder<Database, 'results', object>>(query: Query): Query => {
      let filtered = this.#results(query, runId);
      if (options.outcome === 'error') filtered = filtered.where('error', 'is not', null) as Query;
      else if (options.outcome !== undefined) filtered = filtered.where('error', 'is', null).where('pass', '=', options.outcome === 'pass') as Query;
      if (options.search) filtered = filtered.where(sql<number>`strpos(data_json::text, ${options.search})`, '>', 0) as Query;
      return filtered;
    };
    const [count, rows] = await Promise.all([
      this.#guard('listResults', () =>
        filter(this.#database.selectFrom('results').select((expression) => expression.fn.countAll<string>().as('count'))).executeTakeFirstOrThrow(),
      ),
      this.#guard('listResults', () => filter(this.#database.selectFrom('results').select('data_json')).orderBy('seq').limit(limit).offset(offset).execute()),
    ]);
    return { items: rows.map((row) => row.data_json as CaseResult), total: Number(count.count) };
  }

  async finishRun(runId: string, update: { status: RunStatus; summary?: RunSummary; finishedAt: string }): Promise<void> {
    const result = await this.#guard('finishRun', () =>
      this.#database
        .updateTable('runs')
        .set({
          status: update.status,
          finished_at: update.finishedAt,
          // Without a summary the stored one stays.
          ...(update.summary === undefined ? {} : { summary_json: JSON.stringify(update.summary) }),
        })
        .where('project_id', '=', this.#project)
        .where('id', '=', runId)
        .executeTakeFirst(),
    );
    if (result.numUpdatedRows === 0n) {
      throw new AssayError(`finishRun: no run ${runId} in PostgreSQL at ${this.#connection.target}.`, { hint: 'Create the run first.' });
    }
  }

  async acquireRunLease(runId: string, request: LeaseRequest): Promise<LeaseClaim> {
    const { now, expiresAt } = leaseTimes(request);
    for (;;) {
      // The UPDATE is the claim: PostgreSQL re-checks the WHERE on the row it locks, so of two
      // claims at once the second sees the first's lease and updates nothing.
      const updated = await this.#guard('acquireRunLease', () =>
        this.#database
          .updateTable('runs')
          .set({ lease_owner: request.owner, lease_expires_at: expiresAt })
          .where('project_id', '=', this.#project)
          .where('id', '=', runId)
          .where((expression) =>
            expression.or([
              expression('lease_owner', 'is', null),
              expression('lease_owner', '=', request.owner),
              ...(request.replacing === undefined ? [] : [expression('lease_owner', '=', request.replacing)]),
              expression('lease_expires_at', 'is', null),
              expression('lease_expires_at', '<=', sql<Date>`${now}::timestamptz`),
            ]),
          )
          .executeTakeFirst(),
      );
      if (updated.numUpdatedRows === 1n) return { acquired: true, lease: { owner: request.owner, expiresAt } };
      const row = await this.#leaseRow('acquireRunLease', runId);
      if (row === undefined) throw new RangeError(`acquireRunLease: no run with id ${runId}.`);
      const lease = toLease(row);
      // Released or expired between the two statements: claim again.
      if (lease !== undefined && lease.expiresAt > now) return { acquired: false, lease };
    }
  }

  async releaseRunLease(runId: string, owner: string): Promise<void> {
    await this.#guard('releaseRunLease', () =>
      this.#database
        .updateTable('runs')
        .set({ lease_owner: null, lease_expires_at: null })
        .where('project_id', '=', this.#project)
        .where('id', '=', runId)
        .where('lease_owner', '=', owner)
        .execute(),
    );
  }

  async getRunLease(runId: string): Promise<RunLease | undefined> {
    const row = await this.#leaseRow('getRunLease', runId);
    return row === undefined ? undefined : toLease(row);
  }

  #leaseRow(operation: string, runId: string) {
    return this.#guard(operation, () => this.#runs(this.#database.selectFrom('runs').select(['lease_owner', 'lease_expires_at'])).where('id', '=', runId).executeTakeFirst());
  }

  #guard<T>(operation: string, work: () => Promise<T>): Promise<T> {
    return guard(this.#connection.target, operation, work);
  }
}

class PostgresStoreImpl extends PostgresRuns implements PostgresStore {
  readonly specificationVersion = 'v3';
  readonly target: string;
  readonly #connection: Connection;
  #closed = false;

  constructor(database: Kysely<Database>, target: string) {
    const connection: Connection = { database, target };
    super(connection, localScope);
    this.#connection = connection;
    this.target = target;
  }

  project(projectId: string): RunStore {
    return new PostgresRuns(this.#connection, checkProjectId(projectId));
  }

  async claimRun(runId: string, projectId: string): Promise<boolean> {
    const project = checkProjectId(projectId);
    const { database } = this.#connection;
    // The results follow (ON UPDATE CASCADE). A project that already has the id keeps its own run.
    const result = await guard(this.target, 'claimRun', () =>
      database
        .updateTable('runs')
        .set({ project_id: project })
        .where('project_id', '=', localScope)
        .where('id', '=', runId)
        .where(({ not, exists, selectFrom }) => not(exists(selectFrom('runs as taken').select('taken.id').where('taken.project_id', '=', project).where('taken.id', '=', runId))))
        .executeTakeFirst(),
    );
    return result.numUpdatedRows === 1n;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#connection.database.destroy();
  }
}

/** Runs one operation, turning a lost or refused connection into a `StoreUnavailableError`. */
async function guard<T>(target: string, operation: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!isTransient(error)) throw error;
    throw new StoreUnavailableError(`PostgreSQL at ${target} is unavailable (${operation}): ${reason(error)}.`, {
      target,
      cause: error,
      hint: 'Nothing of this operation was kept if it was a write; retry when the database is back. Is PostgreSQL running?',
      docs: 'storage.md',
    });
  }
}

function toResultRow(project: string, runId: string, result: CaseResult) {
  return {
    project_id: project,
    run_id: runId,
    key: withoutNul(result.key),
    prompt_id: withoutNul(result.promptId),
    provider_id: withoutNul(result.providerId),
    case_id: withoutNul(result.caseId),
    repeat: result.repeat,
    pass: result.pass,
    score: result.score,
    cost: result.cost,
    latency_ms: result.latencyMs,
    error: result.error === undefined ? null : withoutNul(result.error),
    data_json: JSON.stringify(result),
  };
}

/**
 * PostgreSQL's text cannot hold U+0000. These columns are copies for filtering; the result itself
 * (`data_json`, json keeps the escape) is stored exactly.
 */
function withoutNul(text: string): string {
  return text.includes('\0') ? text.replaceAll('\0', '\uFFFD') : text;
}

function toRunRecord(row: {
  id: string;
  created_at: Date;
  status: string;
  config_path: string;
  plan_hash: string;
  total: number;
  options_json: unknown;
  summary_json: unknown;
  finished_at: Date | null;
  label: string | null;
  project_id: string;
}): RunRecord {
  const run: RunRecord = {
    id: row.id,
    createdAt: row.created_at.toISOString(),
    status: row.status as RunStatus,
    configPath: row.config_path,
    planHash: row.plan_hash,
    total: row.total,
    options: row.options_json as Record<string, unknown>,
  };
  if (row.summary_json !== null) run.summary = row.summary_json as RunSummary;
  if (row.finished_at !== null) run.finishedAt = row.finished_at.toISOString();
  if (row.label !== null) run.label = row.label;
  if (row.project_id !== localScope) run.projectId = row.project_id;
  return run;
}

function toLease(row: { lease_owner: string | null; lease_expires_at: Date | null }): RunLease | undefined {
  return row.lease_owner !== null && row.lease_expires_at !== null ? { owner: row.lease_owner, expiresAt: row.lease_expires_at.toISOString() } : undefined;
}

function assertCount(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`listRuns: ${name} must be a non-negative integer, got ${value}.`);
}
