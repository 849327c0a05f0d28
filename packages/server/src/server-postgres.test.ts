import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startPostgres, type LocalPostgresServer } from '@assay/store/testing';
import { startServer, type RunningServer } from './start-server.ts';
import { promptSource } from './testing/test-app.ts';

// The same server on PostgreSQL, over real HTTP: first-start setup, login, a push and a served
// label; then the database goes down mid-request (503, nothing half-written) and comes back.

let postgres: LocalPostgresServer;
let server: RunningServer;
let directory: string;

beforeAll(async () => {
  postgres = await startPostgres({ local: true });
  directory = mkdtempSync(path.join(tmpdir(), 'assay-serve-pg-'));
  server = await startServer({ cwd: directory, env: { ASSAY_DATABASE_URL: await postgres.freshUrl() }, port: 0, webRoot: path.join(directory, 'no-web') });
}, 60_000);

afterAll(async () => {
  await server?.close();
  await postgres?.stop();
  rmSync(directory, { recursive: true, force: true });
});

async function http(method: string, url: string, options: { body?: unknown; headers?: Record<string, string> } = {}) {
  const response = await fetch(server.url + url, {
    method,
    headers: { ...(options.body === undefined ? {} : { 'content-type': 'application/json' }), ...options.headers },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
}

describe('assay serve on PostgreSQL', () => {
  let key: string;

  it('starts with a one-time setup link, then serves the registry', async () => {
    expect(server.dialect).toBe('postgres');
    expect(server.setupUrl).toMatch(new RegExp(`^${server.url}/setup\\?token=`));
    const token = new URL(server.setupUrl!).searchParams.get('token')!;
    const setup = await http('POST', '/api/setup', { body: { token, email: 'root@example.com', name: 'Root', password: 'a long enough password' } });
    expect(setup.status).toBe(201);
    const cookie = /assay_session=[^;]+/.exec(setup.headers.get('set-cookie')!)![0];
    const headers = { cookie, 'x-csrf-token': setup.body.csrfToken, origin: server.url };
    const project = await http('POST', '/api/projects', { headers, body: { name: 'support-bot' } });
    expect(project.status).toBe(201);
    const created = await http('POST', `/api/projects/${project.body.project.id}/api-keys`, { headers, body: { name: 'ci', role: 'admin' } });
    key = created.body.secret;

    const auth = { authorization: `Bearer ${key}` };
    expect((await http('POST', '/api/prompts', { headers: auth, body: { name: 'support/triage', source: promptSource() } })).status).toBe(201);
    expect((await http('PUT', '/api/prompts/support%2Ftriage/labels/production', { headers: auth, body: { targets: [{ version: 1, weight: 100 }], expectedRevision: 0 } })).status).toBe(200);
    const served = await http('GET', '/api/prompts/support%2Ftriage?label=production', { headers: auth });
    expect(served.body.versions[0].template).toBe('Classify this ticket: {{ticket}}');
    const cached = await fetch(`${server.url}/api/prompts/support%2Ftriage?label=production`, { headers: { ...auth, 'if-none-match': served.headers.get('etag')! } });
    expect(cached.status).toBe(304);
  });

  it('answers 503 while the database is down, writes nothing, and recovers when it is back', async () => {
    const auth = { authorization: `Bearer ${key}` };
    await postgres.shutdown('immediate');
    try {
      const pushed = await http('POST', '/api/prompts', { headers: auth, body: { name: 'support/triage', source: promptSource({ body: 'v2 {{ticket}}' }) } });
      expect(pushed.status).toBe(503);
      expect(pushed.headers.get('content-type')).toBe('application/problem+json');
      expect(pushed.body.type).toBe('/docs/api.md#unavailable');
    } finally {
      await postgres.restart();
    }
    // The pool reconnects on its own; the failed push left no version behind.
    const versions = await http('GET', '/api/prompts/support%2Ftriage/versions', { headers: auth });
    expect(versions.status).toBe(200);
    expect(versions.body.items.map((version: { version: number }) => version.version)).toEqual([1]);
    const again = await http('POST', '/api/prompts', { headers: auth, body: { name: 'support/triage', source: promptSource({ body: 'v2 {{ticket}}' }) } });
    expect(again.status).toBe(201);
    expect(again.body.version.version).toBe(2);
  }, 60_000);

  it('gives up with a clear message when the database is down at start, after retrying', async () => {
    const port = await freePort();
    const retries: string[] = [];
    const error = await startServer({
      cwd: directory,
      env: { ASSAY_DATABASE_URL: `postgres://assay:pw-not-shown@127.0.0.1:${port}/assay` },
      port: 0,
      connectTimeoutMs: 800,
      onRetry: (message) => retries.push(message),
    }).then(
      () => undefined,
      (caught: unknown) => caught as Error,
    );
    expect(error?.message).toContain(`PostgreSQL at 127.0.0.1:${port}/assay`);
    expect(error?.message).not.toContain('pw-not-shown');
    expect(retries.length).toBeGreaterThanOrEqual(1);
  });
});

