import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { AssayError } from '@assay/spec';
import { afterEach, describe, expect, it } from 'vitest';
import { describeRegistryConformance, promptInput } from './registry-conformance.ts';
import { registryMigrations } from './registry-migrations.ts';
import { sha256 } from './registry-secrets.ts';
import { openRegistryStore } from './open-registry-store.ts';
import { openSqliteStore } from '../runs/sqlite-store.ts';
import { makeRun } from '../runs/store-conformance.ts';

const temporaryDirectories: string[] = [];

function freshFile(): string {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'assay-registry-'));
  temporaryDirectories.push(directory);
  return path.join(directory, '.assay', 'assay.db');
}

async function removeDirectories(): Promise<void> {
  for (const directory of temporaryDirectories.splice(0)) fs.rmSync(directory, { recursive: true, force: true });
}

describeRegistryConformance('sqlite', (options) => openRegistryStore({ sqlite: { file: freshFile() }, ...options }), removeDirectories);

const system = { actor: { type: 'system' as const } };
const fast = { testing: { scryptLogN: 10 } };

describe('registry on SQLite', () => {
  afterEach(removeDirectories);

  it('shares the runs database file, in WAL mode, with the runs store open beside it', async () => {
    const file = freshFile();
    const runs = openSqliteStore({ directory: path.dirname(file) });
    const registry = await openRegistryStore({ sqlite: { file }, ...fast });
    await runs.createRun(makeRun('run-1'));
    const { project } = await registry.ensureProject({ organization: 'default', project: 'demo' }, system);
    await registry.pushPromptVersion(project.id, promptInput('p', 'one'), system);
    expect(await runs.getRun('run-1')).toBeDefined();
    await registry.close();
    await runs.close();

    const database = new DatabaseSync(file);
    expect(database.prepare('PRAGMA journal_mode').get()?.journal_mode).toBe('wal');
    const tables = database.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all().map((row) => row.name);
    expect(tables).toEqual(expect.arrayContaining(['runs', 'results', 'schema_migrations', 'registry_migrations', 'prompts', 'audit_events']));
    database.close();
  });

  it('keeps data across close and reopen, and migrates once', async () => {
    const file = freshFile();
    let registry = await openRegistryStore({ sqlite: { file }, ...fast });
    const { project } = await registry.ensureProject({ organization: 'default', project: 'demo' }, system);
    await registry.pushPromptVersion(project.id, promptInput('p', 'one'), system);
    await registry.close();
    registry = await openRegistryStore({ sqlite: { file }, ...fast });
    expect((await registry.getPrompt(project.id, 'p'))?.latestVersion).toBe(1);
    await registry.close();
    const database = new DatabaseSync(file);
    expect(database.prepare('SELECT version FROM registry_migrations ORDER BY version').all().map((row) => row.version)).toEqual(
      registryMigrations.map((migration) => migration.version),
    );
    database.close();
  });

  it('refuses a database written by a newer Assay', async () => {
    const file = freshFile();
    await (await openRegistryStore({ sqlite: { file }, ...fast })).close();
    const database = new DatabaseSync(file);
    database.prepare('INSERT INTO registry_migrations (version, applied_at) VALUES (999, ?)').run(new Date().toISOString());
    database.close();
    const error = await openRegistryStore({ sqlite: { file } }).catch((caught: unknown) => caught);
    expect(AssayError.isInstance(error)).toBe(true);
    expect((error as AssayError).message).toMatch(/version 999/);
  });

  it('stores secrets only as hashes, and the audit log cannot be edited', async () => {
    const file = freshFile();
    const registry = await openRegistryStore({ sqlite: { file }, ...fast });
    const { project } = await registry.ensureProject({ organization: 'default', project: 'demo' }, system);
    const user = await registry.createUser({ email: 'a@example.com', name: 'A', password: 'correct horse battery' }, system);
    const { secret } = await registry.createApiKey(project.id, { name: 'ci', role: 'editor' }, system);
    const { token } = await registry.createSession(user.id);
    await registry.close();

    const database = new DatabaseSync(file);
    const dump = JSON.stringify(['api_keys', 'sessions', 'users', 'audit_events'].map((table) => database.prepare(`SELECT * FROM ${table}`).all()));
    expect(dump).not.toContain(secret);
    expect(dump).not.toContain(token);
    expect(dump).not.toContain('correct horse battery');
    expect(database.prepare('SELECT key_hash FROM api_keys').get()?.key_hash).toBe(sha256(secret));
    expect(database.prepare('SELECT token_hash FROM sessions').get()?.token_hash).toBe(sha256(token));
    expect(String(database.prepare('SELECT password_hash FROM users').get()?.password_hash)).toMatch(/^\$scrypt\$ln=10,r=8,p=1\$/);
    expect(() => database.exec("UPDATE audit_events SET action = 'nothing'")).toThrow(/append-only/);
    expect(() => database.exec('DELETE FROM audit_events')).toThrow(/append-only/);
    database.close();
  });

  it('follows key chains also for requests stored without their person, and stops at a loop', async () => {
    const file = freshFile();
    const registry = await openRegistryStore({ sqlite: { file }, ...fast });
    const { project } = await registry.ensureProject({ organization: 'default', project: 'demo' }, system);
    const admin = await registry.createUser({ email: 'a@example.com', name: 'A', password: 'correct horse battery', isAdmin: true }, system);
    await registry.pushPromptVersion(project.id, promptInput('refunds', 'v1', { riskTier: 'high' }), system);
    const { apiKey: k1 } = await registry.createApiKey(project.id, { name: 'k1', role: 'admin' }, { actor: { type: 'user', id: admin.id } });
    const { apiKey: k2 } = await registry.createApiKey(project.id, { name: 'k2', role: 'editor' }, { actor: { type: 'api-key', id: k1.id } });
    const request = { promptName: 'refunds', label: 'production', targets: [{ version: 1, weight: 100 }] };
    const stored = await registry.createChangeRequest(project.id, request, { actor: { type: 'api-key', id: k2.id } });
    const [{ apiKey: looped }, { apiKey: other }] = await Promise.all(['looped', 'other'].map((name) => registry.createApiKey(project.id, { name, role: 'editor' }, system)));
    const database = new DatabaseSync(file);
    // As written before issue 16: the person of a key made by a key was not looked for.
    database.prepare('UPDATE change_requests SET requester_user_id = NULL WHERE id = ?').run(stored.id);
    // Keys whose creators point at each other: no person, and no endless walk.
    const setCreator = database.prepare("UPDATE api_keys SET created_by_type = 'api-key', created_by_id = ? WHERE id = ?");
    setCreator.run(other!.id, looped!.id);
    setCreator.run(looped!.id, other!.id);
    database.close();

    const self = await registry.reviewChangeRequest(project.id, stored.id, { decision: 'approve' }, { actor: { type: 'user', id: admin.id } }).catch((error: unknown) => error);
    expect(self).toMatchObject({ reason: 'self-approval' });
    await registry.cancelChangeRequest(project.id, stored.id, system);
    expect(await registry.createChangeRequest(project.id, request, { actor: { type: 'api-key', id: looped!.id } })).toMatchObject({ requesterUserId: null, requiredApprovals: 2 });
    await registry.close();
  });

  it('numbers concurrent pushes from several processes sharing the file without gaps', async () => {
    const file = freshFile();
    const registry = await openRegistryStore({ sqlite: { file }, ...fast });
    const { project } = await registry.ensureProject({ organization: 'default', project: 'demo' }, system);
    const here = path.dirname(fileURLToPath(import.meta.url));
    const script = (writer: number) => `
      import { openRegistryStore } from ${JSON.stringify(pathToFileURL(path.join(here, 'open-registry-store.ts')).href)};
      import { promptInput } from ${JSON.stringify(pathToFileURL(path.join(here, 'registry-conformance.ts')).href)};
      const registry = await openRegistryStore({ sqlite: { file: ${JSON.stringify(file)} } });
      for (let index = 0; index < 8; index++) {
        await registry.pushPromptVersion(${JSON.stringify(project.id)}, promptInput('p', 'writer ${writer} content ' + index), { actor: { type: 'system' } });
      }
      await registry.close();
    `;
    const writers = [1, 2, 3].map((writer) => {
      const scriptFile = path.join(path.dirname(file), `writer-${writer}.mjs`);
      fs.writeFileSync(scriptFile, script(writer));
      return new Promise<void>((resolve, reject) => {
        const child = spawn(process.execPath, [scriptFile], { stdio: ['ignore', 'ignore', 'pipe'] });
        let stderr = '';
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`writer ${writer} exited with ${code}: ${stderr}`))));
      });
    });
    await Promise.all(writers);
    const versions = await registry.listPromptVersions(project.id, 'p', { limit: 100 });
    expect(versions.items.map((version) => version.version)).toEqual(Array.from({ length: 24 }, (_, index) => 24 - index));
    await registry.close();
  });
});
