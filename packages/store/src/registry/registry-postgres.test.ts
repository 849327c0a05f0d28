import { AssayError } from '@assay/spec';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeRegistryConformance, promptInput } from './registry-conformance.ts';
import { registryMigrations } from './registry-migrations.ts';
import { sha256 } from './registry-secrets.ts';
import { openRegistryStore } from './open-registry-store.ts';
import { startPostgres, type PostgresServer, withClient } from '../testing/postgres-server.ts';

let server: PostgresServer;

beforeAll(async () => {
  server = await startPostgres();
});

afterAll(async () => {
  await server?.stop();
});

// Every test of the suite gets a database of its own.
describeRegistryConformance('postgres', async (options) => openRegistryStore({ postgres: { url: await server.freshUrl() }, ...options }));

const system = { actor: { type: 'system' as const } };
const fast = { testing: { scryptLogN: 10 } };


describe('registry on PostgreSQL', () => {
  it('migrates once when several processes open a new database at the same moment', async () => {
    const url = await server.freshUrl();
    const stores = await Promise.all(Array.from({ length: 5 }, () => openRegistryStore({ postgres: { url }, ...fast })));
    const applied = await withClient(url, (client) => client.query<{ version: number }>('SELECT version FROM registry_migrations ORDER BY version'));
    expect(applied.rows.map((row) => row.version)).toEqual(registryMigrations.map((migration) => migration.version));
    const { project } = await stores[0]!.ensureProject({ organization: 'default', project: 'demo' }, system);
    const pushes = await Promise.all(stores.map((store, index) => store.pushPromptVersion(project.id, promptInput('p', `content ${index}`), system)));
    expect(pushes.map((push) => push.version.version).sort()).toEqual([1, 2, 3, 4, 5]);
    await Promise.all(stores.map((store) => store.close()));
  });

  it('leaves a shared pool open on close', async () => {
    const pool = new pg.Pool({ connectionString: await server.freshUrl() });
    const registry = await openRegistryStore({ postgres: { pool }, ...fast });
    await registry.ensureProject({ organization: 'default', project: 'demo' }, system);
    await registry.close();
    expect((await pool.query('SELECT count(*)::int AS count FROM projects')).rows[0].count).toBe(1);
    await pool.end();
  });

  it('refuses a database written by a newer Assay', async () => {
    const url = await server.freshUrl();
    await (await openRegistryStore({ postgres: { url }, ...fast })).close();
    await withClient(url, (client) => client.query('INSERT INTO registry_migrations (version, applied_at) VALUES (999, now())'));
    const error = await openRegistryStore({ postgres: { url } }).catch((caught: unknown) => caught);
    expect(AssayError.isInstance(error)).toBe(true);
    expect((error as AssayError).message).toMatch(/version 999/);
  });

  it('says clearly when the database cannot be reached', async () => {
    const url = new URL(await server.freshUrl());
    url.pathname = '/no_such_database';
    const error = await openRegistryStore({ postgres: { url: url.toString() } }).catch((caught: unknown) => caught);
    expect(AssayError.isInstance(error)).toBe(true);
    expect((error as AssayError).hint).toMatch(/ASSAY_DATABASE_URL/);
  });

  it('stores secrets only as hashes, and the audit log cannot be edited', async () => {
    const url = await server.freshUrl();
    const registry = await openRegistryStore({ postgres: { url }, ...fast });
    const { project } = await registry.ensureProject({ organization: 'default', project: 'demo' }, system);
    const user = await registry.createUser({ email: 'a@example.com', name: 'A', password: 'correct horse battery' }, system);
    const { secret } = await registry.createApiKey(project.id, { name: 'ci', role: 'editor' }, system);
    const { token } = await registry.createSession(user.id);
    await registry.close();

    await withClient(url, async (client) => {
      // One query at a time: a pg client does not run queries concurrently.
      const tables: unknown[] = [];
      for (const table of ['api_keys', 'sessions', 'users', 'audit_events']) tables.push((await client.query(`SELECT * FROM ${table}`)).rows);
      const dump = JSON.stringify(tables);
      expect(dump).not.toContain(secret);
      expect(dump).not.toContain(token);
      expect(dump).not.toContain('correct horse battery');
      expect((await client.query('SELECT key_hash FROM api_keys')).rows[0].key_hash).toBe(sha256(secret));
      expect((await client.query('SELECT token_hash FROM sessions')).rows[0].token_hash).toBe(sha256(token));
      await expect(client.query("UPDATE audit_events SET action = 'nothing'")).rejects.toThrow(/append-only/);
      await expect(client.query('DELETE FROM audit_events')).rejects.toThrow(/append-only/);
      await expect(client.query('TRUNCATE audit_events')).rejects.toThrow(/append-only/);
    });
  });
});
