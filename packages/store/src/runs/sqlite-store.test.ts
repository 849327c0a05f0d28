import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { CaseResult } from '@assay/spec';
import { afterEach, describe, expect, it } from 'vitest';
import { migrations } from './migrations.ts';
import { openSqliteStore } from './sqlite-store.ts';
import { describeStoreConformance, makeResult, makeRun } from './store-conformance.ts';

const temporaryDirectories: string[] = [];

function freshDirectory(): string {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'assay-store-'));
  temporaryDirectories.push(directory);
  return directory;
}

async function removeDirectories(): Promise<void> {
  for (const directory of temporaryDirectories.splice(0)) fs.rmSync(directory, { recursive: true, force: true });
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

describeStoreConformance('sqlite', () => openSqliteStore({ directory: freshDirectory() }), removeDirectories);

describe('openSqliteStore', () => {
  afterEach(removeDirectories);

  it('creates <directory>/assay.db, making the directory', async () => {
    const directory = path.join(freshDirectory(), 'nested', '.assay');
    const store = openSqliteStore({ directory });
    expect(store.path).toBe(path.join(directory, 'assay.db'));
    expect(fs.existsSync(store.path)).toBe(true);
    await store.close();
  });

  it('opens an explicit path and leaves it in WAL mode', async () => {
    const file = path.join(freshDirectory(), 'custom.sqlite');
    const store = openSqliteStore({ path: file });
    await store.close();
    const database = new DatabaseSync(file);
    expect(database.prepare('PRAGMA journal_mode').get()?.journal_mode).toBe('wal');
    database.close();
  });

  it('keeps data across close and reopen', async () => {
    const directory = freshDirectory();
    let store = openSqliteStore({ directory });
    await store.createRun(makeRun('run-1'));
    const results = [0, 1, 2].map((index) => makeResult('run-1', index));
    await store.appendResults('run-1', results);
    await store.finishRun('run-1', { status: 'completed', finishedAt: '2025-01-01T01:00:00.000Z' });
    await store.close();

    store = openSqliteStore({ directory });
    expect((await store.getRun('run-1'))?.status).toBe('completed');
    const read: CaseResult[] = [];
    for await (const result of store.iterateResults('run-1')) read.push(result);
    expect(read).toEqual(results);
    await store.close();
  });

  it('applies each migration once, however often the database is opened', async () => {
    const directory = freshDirectory();
    for (let open = 0; open < 3; open++) {
      const store = openSqliteStore({ directory });
      await store.createRun(makeRun(`run-${open}`));
      await store.close();
    }
    const database = new DatabaseSync(path.join(directory, 'assay.db'));
    const applied = database.prepare('SELECT version FROM schema_migrations ORDER BY version').all();
    expect(applied.map((row) => row.version)).toEqual(migrations.map((migration) => migration.version));
    expect(database.prepare('SELECT count(*) AS count FROM runs').get()?.count).toBe(3);
    database.close();
  });

  /**
   * A database as each released schema version left it, with data in that version's shape. Add
   * an entry with every new migration: the test below fails until there is one.
   */
  const seeds: Record<number, (database: DatabaseSync) => void> = {
    1: (database) => {
      database.exec(
        `INSERT INTO runs (id, created_at, status, config_path, plan_hash, total, options_json, summary_json, finished_at)
         VALUES ('old-run', '2025-01-01T00:00:00.000Z', 'completed', '/projects/demo/assay.config.ts', 'sha256:0f1e2d', 12, '{"concurrency":2}', NULL, '2025-01-01T00:05:00.000Z')`,
      );
      const insert = database.prepare(
        `INSERT INTO results (run_id, key, prompt_id, provider_id, case_id, repeat, pass, score, cost, latency_ms, error, data_json)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)`,
      );
      for (const index of [0, 1]) {
        const result = makeResult('old-run', index);
        insert.run('old-run', result.key, result.promptId, result.providerId, result.caseId, result.repeat, result.pass ? 1 : 0, result.score, result.cost, result.latencyMs, JSON.stringify(result));
      }
    },
    2: (database) => {
      seeds[1]!(database);
      database.exec("UPDATE runs SET label = 'main' WHERE id = 'old-run'");
    },
    3: (database) => {
      seeds[2]!(database);
      database.exec("UPDATE runs SET project_id = 'project-1' WHERE id = 'old-run'");
    },
    4: (database) => {
      seeds[3]!(database);
      // Version 4 allows the same id in another scope: a local run beside the project's.
      database.exec(
        `INSERT INTO runs (project_id, id, created_at, status, config_path, plan_hash, total, options_json)
         VALUES ('', 'old-run', '2024-12-31T00:00:00.000Z', 'failed', '/elsewhere/assay.yaml', 'sha256:1', 1, '{}')`,
      );
    },
    5: (database) => {
      seeds[4]!(database);
      // Version 5 adds run leases: the local run was left held by a process that died.
      database.exec("UPDATE runs SET lease_owner = '1@gone#0', lease_expires_at = '2024-12-31T00:01:00.000Z' WHERE project_id = '' AND id = 'old-run'");
    },
  };

  it('has a seed for every schema version', () => {
    expect(Object.keys(seeds).map(Number)).toEqual(migrations.map((migration) => migration.version));
  });

  it.each(migrations.map((migration) => migration.version))('migrates a database left at schema version %i, keeping its data', async (version) => {
    const directory = freshDirectory();
    const database = new DatabaseSync(path.join(directory, 'assay.db'));
    database.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL) STRICT');
    for (const migration of migrations.filter((candidate) => candidate.version <= version)) {
      database.exec(migration.sql);
      database.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(migration.version, '2025-01-01T00:00:00.000Z');
    }
    seeds[version]!(database);
    database.close();

    const store = openSqliteStore({ directory });
    const expected = makeRun('old-run', {
      status: 'completed',
      finishedAt: '2025-01-01T00:05:00.000Z',
      ...(version >= 2 ? { label: 'main' } : {}),
      ...(version >= 3 ? { projectId: 'project-1' } : {}),
    });
    // From version 3 the run is project-1's; its id is unique within that project only.
    const scope = version >= 3 ? store.project('project-1') : store;
    expect(await scope.getRun('old-run')).toEqual(expected);
    expect((await scope.listResults('old-run', { limit: 10 })).items).toEqual([makeResult('old-run', 0), makeResult('old-run', 1)]);
    // What later versions added works on the old data.
    await scope.setRunLabel('old-run', 'baseline');
    expect((await scope.listRuns({ label: 'baseline' })).map((run) => run.id)).toEqual(['old-run']);
    expect(await store.project('project-1').countRuns()).toBe(version >= 3 ? 1 : 0);
    await scope.appendResults('old-run', [makeResult('old-run', 1, { output: 'retried' }), makeResult('old-run', 2)]);
    expect((await collect(scope.iterateResults('old-run'))).map((result) => result.caseIndex)).toEqual([0, 1, 2]);
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

  it('refuses a database written by a newer schema', async () => {
    const directory = freshDirectory();
    await openSqliteStore({ directory }).close();
    const database = new DatabaseSync(path.join(directory, 'assay.db'));
    database.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(9999, new Date().toISOString());
    database.close();
    expect(() => openSqliteStore({ directory })).toThrow(/schema version 9999/);
  });

  it('rolls back a whole batch when one result fails to insert', async () => {
    const store = openSqliteStore({ directory: freshDirectory() });
    await store.createRun(makeRun('run-1'));
    // STRICT tables reject a fractional repeat; the good result before it must not stay.
    const batch = [makeResult('run-1', 0), { ...makeResult('run-1', 1), repeat: 1.5 }];
    await expect(store.appendResults('run-1', batch)).rejects.toThrow();
    expect(await store.countResults('run-1')).toBe(0);
    await store.appendResults('run-1', [makeResult('run-1', 2)]);
    expect(await store.countResults('run-1')).toBe(1);
    await store.close();
  });

  it('iterates across exact page boundaries', async () => {
    const store = openSqliteStore({ directory: freshDirectory() });
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

  it('lets a second connection (the dashboard) read while the first writes', async () => {
    const directory = freshDirectory();
    const writer = openSqliteStore({ directory });
    const reader = openSqliteStore({ directory });
    await writer.createRun(makeRun('run-1'));
    await writer.appendResults('run-1', [makeResult('run-1', 0)]);
    expect(await reader.countResults('run-1')).toBe(1);
    const iterator = reader.iterateResults('run-1')[Symbol.asyncIterator]();
    await iterator.next();
    await writer.appendResults('run-1', [makeResult('run-1', 1)]);
    expect(await reader.completedKeys('run-1')).toEqual(new Set(['key-0', 'key-1']));
    await iterator.return?.();
    await writer.close();
    await reader.close();
  });

  it('keeps what was appended when the writing process is killed with SIGKILL', async () => {
    const directory = freshDirectory();
    const storeModule = pathToFileURL(path.join(path.dirname(fileURLToPath(import.meta.url)), 'sqlite-store.ts')).href;
    const script = `
      import { openSqliteStore } from ${JSON.stringify(storeModule)};
      const runId = 'killed-run';
      const store = openSqliteStore({ directory: ${JSON.stringify(directory)} });
      await store.createRun(${JSON.stringify(makeRun('killed-run'))});
      const result = ${JSON.stringify(makeResult('killed-run', 0))};
      for (let batch = 0; batch < 5; batch++) {
        await store.appendResults(runId, Array.from({ length: 100 }, (_, index) => ({ ...result, key: 'key-' + (batch * 100 + index), caseIndex: batch * 100 + index })));
      }
      process.stdout.write('ok\\n');
      setInterval(() => {}, 1000); // stay alive, store open, until killed
    `;
    const scriptFile = path.join(directory, 'writer.mjs');
    fs.writeFileSync(scriptFile, script);

    const child = spawn(process.execPath, [scriptFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes('ok\n')) resolve();
      });
      child.on('exit', (code) => reject(new Error(`writer exited (${code}) before "ok": ${stderr}`)));
    });
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    // The WAL was never checkpointed or closed cleanly; opening must recover every commit.
    expect(fs.existsSync(path.join(directory, 'assay.db-wal'))).toBe(true);
    const store = openSqliteStore({ directory });
    expect(await store.countResults('killed-run')).toBe(500);
    expect((await store.getRun('killed-run'))?.status).toBe('running');
    await store.close();
  });
});
