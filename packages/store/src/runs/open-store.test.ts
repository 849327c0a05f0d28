import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import { AssayError } from '@assay/spec';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from './open-store.ts';
import type { SqliteStore } from './sqlite-store.ts';
import { makeRun } from './store-conformance.ts';

// The PostgreSQL branch is tested in postgres-store.test.ts, next to the server it needs.
describe('openStore', () => {
  const directories: string[] = [];
  afterEach(() => {
    for (const directory of directories.splice(0)) fs.rmSync(directory, { recursive: true, force: true });
  });

  function project(): string {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'assay-open-store-'));
    directories.push(directory);
    return directory;
  }

  it('opens the SQLite store in <cwd>/.assay without ASSAY_DATABASE_URL', async () => {
    const cwd = project();
    const store = (await openStore({ cwd, env: {} })) as SqliteStore;
    expect(store.path).toBe(path.join(cwd, '.assay', 'assay.db'));
    await store.createRun(makeRun('run-1'));
    expect((await store.listRuns()).map((run) => run.id)).toEqual(['run-1']);
    await store.close();
  });

  it('puts the SQLite store in ASSAY_DATA_DIR, and treats an empty ASSAY_DATABASE_URL as unset', async () => {
    const cwd = project();
    const store = (await openStore({ cwd, env: { ASSAY_DATA_DIR: 'data', ASSAY_DATABASE_URL: '' } })) as SqliteStore;
    expect(store.path).toBe(path.join(cwd, 'data', 'assay.db'));
    await store.close();
  });

  it('refuses an ASSAY_DATABASE_URL of another database, quoting only its scheme', async () => {
    const attempt = openStore({ cwd: project(), env: { ASSAY_DATABASE_URL: 'mysql://root:hunter2@db.internal/assay' } });
    const error = await attempt.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(AssayError.isInstance(error)).toBe(true);
    expect((error as AssayError).message).toMatch(/postgres:\/\/ or postgresql:\/\/ URL, not mysql:/);
    expect(inspect(error)).not.toContain('hunter2');
  });
});
