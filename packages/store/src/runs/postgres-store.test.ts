import { inspect } from 'node:util';
import { AssayError, type CaseResult } from '@assay/spec';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from './open-store.ts';
import { migratePostgres, postgresMigrations } from './postgres-migrations.ts';
import { openPostgresStore, type PostgresStore } from './postgres-store.ts';
import { describeStoreConformance, makeResult, makeRun } from './store-conformance.ts';
import { StoreUnavailableError } from '../store-unavailable-error.ts';
import { freePort, startPostgres, type LocalPostgresServer, type PostgresServer, withClient } from '../testing/postgres-server.ts';

let server: PostgresServer;
// A server of this file's own for the fault tests, which stop and restart it (the other may be
// shared: ASSAY_TEST_DATABASE_URL). Both start together: initdb is most of the wait.
let local: LocalPostgresServer;

beforeAll(async () => {
  [server, local] = await Promise.all([startPostgres(), startPostgres({ local: true })]);
});

afterAll(async () => {
  await Promise.all([server?.stop(), local?.stop()]);
});

// Every test of the suite gets a schema of its own (see freshUrl).
describeStoreConformance('postgres', async () => openPostgresStore({ url: await server.freshUrl() }));


async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

async function catchError(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the promise to reject');
}

describe('openPostgresStore', () => {
  it('keeps data across close and reopen', async () => {
    const url = await server.freshUrl();
    let store = await openPostgresStore({ url });
    await store.createRun(makeRun('run-1'));
    const results = [0, 1, 2].map((index) => makeResult('run-1', index));
    await store.appendResults('run-1', results);
    await store.finishRun('run-1', { status: 'completed', finishedAt: '2025-01-01T01:00:00.000Z' });
    await store.close();

    store = await openPostgresStore({ url });
    expect((await store.getRun('run-1'))?.status).toBe('completed');
    expect(await collect(store.iterateResults('run-1'))).toEqual(results);
    await store.close();
  });

  it('names host, port and database in `target`, never the password', async () => {
    const url = new URL(await server.freshUrl());
    url.password = 'not-for-logs';
    const store = await openPostgresStore({ url: url.toString() });
    expect(store.target).toBe(`${url.hostname}:${url.port}${url.pathname}`);
    await store.close();
  });

  /**
   * A database as each released schema version left it, with data in that version's shape. Add
   * an entry with every new migration: the test below fails until there is one.
   */
  const seeds: Record<number, (client: pg.Client) => Promise<void>> = {
    1: async (client) => {
      await client.query(
        `INSERT INTO runs (id, created_at, status, config_path, plan_hash, total, options_json, summary_json, finished_at)
         VALUES ('old-run', '2025-01-01T00:00:00.000Z', 'completed', '/projects/demo/assay.config.ts', 'sha256:0f1e2d', 12,
                 '{"concurrency": 2}', NULL, '2025-01-01T00:05:00.000Z')`,
      );
      await insertResults(client, 'old-run', [0, 1]);
    },
    2: async (client) => {
      await seeds[1]!(client);
      await client.query("UPDATE runs SET label = 'main' WHERE id = 'old-run'");
    },
    3: async (client) => {
      await seeds[2]!(client);
      await client.query("UPDATE runs SET project_id = 'project-1' WHERE id = 'old-run'");
    },
    4: async (client) => {
      await seeds[3]!(client);
      // Version 4 allows the same id in another scope: a local run beside the project's.
      await client.query(
        `INSERT INTO runs (project_id, id, created_at, status, config_path, plan_hash, total, options_json)
         VALUES ('', 'old-run', '2024-12-31T00:00:00.000Z', 'failed', '/elsewhere/assay.yaml', 'sha256:1', 1, '{}')`,
      );
    },
    5: async (client) => {
      await seeds[4]!(client);
      // Version 5 adds run leases: the local run was left held by a process that died.
      await client.query("UPDATE runs SET lease_owner = '1@gone#0', lease_expires_at = '2024-12-31T00:01:00.000Z' WHERE project_id = '' AND id = 'old-run'");
    },
  };

  async function insertResults(client: pg.Client, runId: string, indexes: number[]): Promise<void> {
    for (const index of indexes) {
      const result = makeResult(runId, index);
      await client.query(
        `INSERT INTO results (run_id, key, prompt_id, provider_id, case_id, repeat, pass, score, cost, latency_ms, error, data_json)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, NULL, $11)`,
        [runId, result.key, result.promptId, result.providerId, result.caseId, result.repeat, result.pass, result.score, result.cost, result.latencyMs, JSON.stringify(result)],
      );
    }
  }

  it('has a seed for every schema version', () => {
    expect(Object.keys(seeds).map(Number)).toEqual(postgresMigrations.map((migration) => migration.version));
  });

  it.each(postgresMigrations.map((migration) => migration.version))('migrates a database left at schema version %i, keeping its data', async (version) => {
    const url = await server.freshUrl();
    await withClient(url, async (client) => {
      await migratePostgres(client, 'test', { upTo: version });
      await seeds[version]!(client);
    });

    const store = await openPostgresStore({ url });
    const applied = await withClient(url, (client) => client.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version'));
    expect(applied.rows.map((row) => row.version)).toEqual(postgresMigrations.map((migration) => migration.version));

    const expected = makeRun('old-run', { status: 'completed', finishedAt: '2025-01-01T00:05:00.000Z', ...(version >= 2 ? { label: 'main' } : {}), ...(version >= 3 ? { projectId: 'project-1' } : {}) });
    // From version 3 the run is project-1's; its id is unique within that project only.
    const scope = version >= 3 ? store.project('project-1') : store;
    expect(await scope.getRun('old-run')).toEqual(expected);
    expect(await collect(scope.iterateResults('old-run'))).toEqual([makeResult('old-run', 0), makeResult('old-run', 1)]);

    // What later versions added works on the old data.
    await scope.setRunLabel('old-run', 'baseline');
    expect((await scope.listRuns({ label: 'baseline' })).map((run) => run.id)).toEqual(['old-run']);
    expect(await store.project('project-1').countRuns()).toBe(version >= 3 ? 1 : 0);
    await scope.appendResults('old-run', [makeResult('old-run', 1, { output: 'retried' }), makeResult('old-run', 2)]);
    expect((await collect(scope.iterateResults('old-run'))).map((result) => result.caseIndex)).toEqual([0, 1, 2]);
    expect(await scope.completedKeys('old-run')).toEqual(new Set(['key-0', 'key-1', 'key-2']));
    // A run with the same id in another scope is a run of its own.
    if (version === 3) await store.createRun(makeRun('old-run'));
    if (version >= 3) {
      expect(await store.getRun('old-run')).toMatchObject({ id: 'old-run' });
      expect(await store.countResults('old-run')).toBe(0);
      expect(await store.claimRun('old-run', 'project-1')).toBe(false);
    }
    // Runs from before leases have none, and can be claimed.
    expect(await scope.getRunLease('old-run')).toBeUndefined();
    expect((await scope.acquireRunLease('old-run', { owner: 'new', ttlMs: 1000 })).acquired).toBe(true);
    if (version >= 5) expect(await store.getRunLease('old-run')).toEqual({ owner: '1@gone#0', expiresAt: '2024-12-31T00:01:00.000Z' });
    await store.close();
  });

  it('migrates once when several processes open a new database at the same moment', async () => {
    const url = await server.freshUrl();
    const stores = await Promise.all(Array.from({ length: 6 }, () => openPostgresStore({ url })));
    const applied = await withClient(url, (client) => client.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version'));
    expect(applied.rows.map((row) => row.version)).toEqual(postgresMigrations.map((migration) => migration.version));
    await Promise.all(stores.map((store, index) => store.createRun(makeRun(`run-${index}`))));
    expect(await stores[0]!.listRuns()).toHaveLength(6);
    await Promise.all(stores.map((store) => store.close()));
  });

  it('refuses a database written by a newer schema', async () => {
    const url = await server.freshUrl();
    await (await openPostgresStore({ url })).close();
    await withClient(url, (client) => client.query('INSERT INTO schema_migrations (version) VALUES (9999)'));
    const error = await catchError(openPostgresStore({ url }));
    expect(AssayError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/schema version 9999; this Assay knows up to \d+/);
    expect((error as AssayError).hint).toMatch(/Upgrade Assay/);
  });

  it('rolls back a whole batch when one result fails to insert', async () => {
    const store = await openPostgresStore({ url: await server.freshUrl() });
    await store.createRun(makeRun('run-1'));
    // An integer column rejects a fractional repeat; the good results before it must not stay.
    const batch = [makeResult('run-1', 0), makeResult('run-1', 1), { ...makeResult('run-1', 2), repeat: 1.5 }];
    await expect(store.appendResults('run-1', batch)).rejects.toThrow();
    expect(await store.countResults('run-1')).toBe(0);
    await store.appendResults('run-1', [makeResult('run-1', 3)]);
    expect(await store.countResults('run-1')).toBe(1);
    await store.close();
  });

  it('appends a batch larger than one INSERT statement holds, in order', async () => {
    const store = await openPostgresStore({ url: await server.freshUrl() });
    await store.createRun(makeRun('run-1'));
    const results = Array.from({ length: 2500 }, (_, index) => makeResult('run-1', index));
    await store.appendResults('run-1', results);
    const read = await collect(store.iterateResults('run-1'));
    expect(read.map((result) => result.caseIndex)).toEqual(results.map((result) => result.caseIndex));
    await store.close();
  });

  it('iterates across exact page boundaries', async () => {
    const store = await openPostgresStore({ url: await server.freshUrl() });
    await store.createRun(makeRun('run-1'));
    for (const total of [500, 1000]) {
      const count = await store.countResults('run-1');
      await store.appendResults('run-1', Array.from({ length: total - count }, (_, index) => makeResult('run-1', count + index)));
      let seen = 0;
      for await (const result of store.iterateResults('run-1')) expect(result.caseIndex).toBe(seen++);
      expect(seen).toBe(total);
    }
    await store.close();
  });

  it('lets a second store (the dashboard) read while the first writes', async () => {
    const url = await server.freshUrl();
    const writer = await openPostgresStore({ url });
    const reader = await openPostgresStore({ url });
    await writer.createRun(makeRun('run-1'));
    // Two writers appending to one run at once: positions stay in commit order.
    await Promise.all([
      writer.appendResults('run-1', Array.from({ length: 300 }, (_, index) => makeResult('run-1', index))),
      reader.appendResults('run-1', Array.from({ length: 300 }, (_, index) => makeResult('run-1', 300 + index))),
    ]);
    const read = await collect(reader.iterateResults('run-1'));
    expect(read).toHaveLength(600);
    expect(new Set(read.map((result) => result.key)).size).toBe(600);
    expect(await reader.countResults('run-1')).toBe(600);
    await writer.close();
    await reader.close();
  });

  it('does not wait for a database that does not exist', async () => {
    const url = new URL(server.url);
    url.pathname = '/no_such_database';
    const started = Date.now();
    const error = await catchError(openPostgresStore({ url: url.toString(), connectTimeoutMs: 10_000 }));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(AssayError.isInstance(error)).toBe(true);
    expect(error).not.toBeInstanceOf(StoreUnavailableError);
    expect(error.message).toMatch(/no_such_database" does not exist/);
    expect((error as AssayError).hint).toMatch(/createdb/);
  });

  it('rejects a URL that is not a postgres:// URL without quoting it', async () => {
    const error = await catchError(openPostgresStore({ url: 'mysql://root:hunter2@db/assay' }));
    expect(AssayError.isInstance(error)).toBe(true);
    expect(inspect(error)).not.toContain('hunter2');
  });
});

describe('openStore with ASSAY_DATABASE_URL', () => {
  it('opens the PostgreSQL store', async () => {
    const url = await server.freshUrl();
    const store = (await openStore({ cwd: '/nonexistent', env: { ASSAY_DATABASE_URL: url } })) as PostgresStore;
    const parsed = new URL(url);
    expect(store.target).toBe(`${parsed.hostname}:${parsed.port}${parsed.pathname}`);
    await store.createRun(makeRun('run-1'));
    expect((await store.listRuns()).map((run) => run.id)).toEqual(['run-1']);
    await store.close();
  });
});


describe('PostgreSQL faults', () => {
  it('gives up on a database that is down at start within the retry budget, naming host:port and never the password', async () => {
    const port = await freePort();
    const retries: string[] = [];
    const started = Date.now();
    const error = await catchError(
      openPostgresStore({ url: `postgres://assay:s3cret-pw@127.0.0.1:${port}/assay`, connectTimeoutMs: 600, onRetry: (message) => retries.push(message) }),
    );
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(600);
    expect(elapsed).toBeLessThan(2000);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(error.message).toContain(`PostgreSQL at 127.0.0.1:${port}/assay`);
    expect(error.message).toMatch(/ECONNREFUSED/);
    expect(error.message).toMatch(/gave up after 0\.\d s, \d+ attempts/);
    expect((error as StoreUnavailableError).hint).toMatch(/Is PostgreSQL running.*ASSAY_DATABASE_URL/);
    expect(retries.length).toBeGreaterThanOrEqual(2);
    for (const text of [inspect(error, { depth: 10 }), JSON.stringify(error), ...retries]) expect(text).not.toContain('s3cret-pw');
  });

  it('waits for a database that comes up within the retry budget', async () => {
    const url = await local.freshUrl();
    await local.shutdown('fast');
    let firstRetry!: () => void;
    const retried = new Promise<void>((resolve) => (firstRetry = resolve));
    const opening = openPostgresStore({ url, connectTimeoutMs: 20_000, onRetry: () => firstRetry() });
    await retried;
    await local.restart();
    const store = await opening;
    await store.createRun(makeRun('run-1'));
    expect(await store.getRun('run-1')).toBeDefined();
    await store.close();
  });

  it.each(['fast', 'immediate'] as const)(
    'server stopped (%s) in the middle of an append: rejects as unavailable, keeps nothing of the batch, works again after a restart',
    async (mode) => {
      const url = await local.freshUrl();
      const store = await openPostgresStore({ url });
      await store.createRun(makeRun('run-1'));
      const first = makeResult('run-1', 0);
      await store.appendResults('run-1', [first]);

      // Hold a lock on the stored result, so the batch that ends by rewriting it stops halfway
      // (its other 300 rows inserted, uncommitted) until the server goes down.
      const blocker = new pg.Client({ connectionString: url });
      blocker.on('error', () => {});
      await blocker.connect();
      await blocker.query('BEGIN');
      await blocker.query("SELECT 1 FROM results WHERE key = 'key-0' FOR UPDATE");
      const batch: CaseResult[] = [...Array.from({ length: 300 }, (_, index) => makeResult('run-1', index + 1)), { ...first, output: 'rewritten' }];
      const appending = catchError(store.appendResults('run-1', batch));
      for (;;) {
        const { rows } = await blocker.query<{ waiting: string }>(
          "SELECT count(*) AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
        );
        if (rows[0]?.waiting === '1') break;
        await new Promise((resolve) => setImmediate(resolve));
      }
      await local.shutdown(mode);
      await blocker.end().catch(() => {});

      const error = await appending;
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect(error.name).toBe('StoreUnavailableError');
      expect((error as StoreUnavailableError).isRetryable).toBe(true);
      expect((error as StoreUnavailableError).statusCode).toBe(503);
      expect(error.message).toMatch(/^PostgreSQL at 127\.0\.0\.1:\d+\/\w+ is unavailable \(appendResults\)/);

      // While it is down, every operation says so.
      const down = await catchError(store.countResults('run-1'));
      expect(down).toBeInstanceOf(StoreUnavailableError);
      expect(down.message).toMatch(/ECONNREFUSED/);

      await local.restart();
      expect(await store.countResults('run-1')).toBe(1);
      expect(await collect(store.iterateResults('run-1'))).toEqual([first]);
      await store.appendResults('run-1', batch);
      expect(await store.countResults('run-1')).toBe(301);
      expect((await collect(store.iterateResults('run-1'))).map((result) => result.caseIndex)).toEqual(Array.from({ length: 301 }, (_, index) => index));
      await store.close();
    },
  );
});
