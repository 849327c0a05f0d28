import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore, type RegistryStore, type Store } from '@assay/store';
import { caseResult, createTestApp, runRecord } from './testing/test-app.ts';
import { createViewerApp, openViewerRegistry, type ViewerApp } from './view-app.ts';

// Issue 11: `assay view` has no login, so it must change nothing whatever it is sent. Every
// operation the server documents is sent to the viewer, on both mounts: writes are 405 and the
// store is unchanged; reads other than the runs API are 404; the runs API reads the folder's own
// runs (not a project's). The operation list comes from the server, so a new route is covered.

let directory: string;
let store: Store;
let registry: RegistryStore;
let viewer: ViewerApp;
let operations: { method: string; path: string }[];
const origin = 'http://127.0.0.1:15500';

beforeAll(async () => {
  const server = await createTestApp();
  const document = (await server.call('GET', '/api/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
  await server.close();
  operations = Object.entries(document.paths).flatMap(([route, methods]) => Object.keys(methods).map((method) => ({ method: method.toUpperCase(), path: route })));

  directory = mkdtempSync(path.join(tmpdir(), 'assay-view-'));
  store = openSqliteStore({ directory });
  await store.createRun({ ...runRecord('local-run'), status: 'completed' } as never);
  await store.appendResults('local-run', [caseResult('local-run', 0, true), caseResult('local-run', 1, false)] as never);
  // A run uploaded to a server project in the same store: not the folder's own, not shown.
  await store.project('team').createRun({ ...runRecord('team-run'), projectId: 'team' } as never);
  registry = await openViewerRegistry();
  viewer = createViewerApp({ store, registry, source: '.assay/assay.db', name: 'demo' });
});

afterAll(async () => {
  await Promise.all([store?.close(), registry?.close()]);
  if (directory) rmSync(directory, { recursive: true, force: true });
});

/** `/api/projects/{projectId}/runs/{id}` → `/api/projects/local/runs/local-run`. */
function url(route: string): string {
  return `${origin}${route.replace(/\{(\w+)\}/g, (_, name: string) => (name === 'id' ? 'local-run' : name === 'projectId' ? 'local' : 'x'))}`;
}

describe('assay view is read-only', () => {
  it('refuses every write the server documents with 405 and Allow: GET, HEAD, and writes nothing', async () => {
    const writes = operations.filter((operation) => operation.method !== 'GET' && operation.method !== 'HEAD');
    expect(writes.length).toBeGreaterThan(10);
    for (const { method, path: route } of writes) {
      const response = await viewer.request(url(route), { method, headers: { 'content-type': 'application/json' }, body: '{"run":{"id":"x"}}' });
      expect(response.status, `${method} ${url(route)}`).toBe(405);
      expect(response.headers.get('allow')).toBe('GET, HEAD');
      expect(response.headers.get('content-type')).toBe('application/problem+json');
    }
    expect((await store.listRuns()).map((run) => [run.id, run.status])).toEqual([['local-run', 'completed']]);
    expect(await store.countResults('local-run')).toBe(2);
  });

  it('answers the runs API over the folder’s own runs, and 404 for every other read', async () => {
    const instanceReads = new Set(['/api/health', '/api/session', '/api/projects']);
    const runReads = /^\/api(\/projects\/\{projectId\})?\/(runs|runs\/\{id\}|runs\/\{id\}\/results|compare)$/;
    const reads = operations.filter((operation) => operation.method === 'GET' && !instanceReads.has(operation.path));
    expect(reads.filter((operation) => runReads.test(operation.path))).toHaveLength(8);
    for (const { method, path: route } of reads) {
      const target = route.endsWith('/compare') ? `${url(route)}?a=local-run&b=local-run` : url(route);
      const response = await viewer.request(target, { method });
      expect(response.status, `${method} ${target}`).toBe(runReads.test(route) ? 200 : 404);
    }
    const list = await (await viewer.request(`${origin}/api/projects/local/runs`)).json();
    expect(list.items.map((run: { id: string }) => run.id)).toEqual(['local-run']);
    expect((await viewer.request(`${origin}/api/runs/team-run`)).status).toBe(404);
    expect((await viewer.request(`${origin}/api/projects/team/runs`)).status).toBe(404);
    const session = await (await viewer.request(`${origin}/api/session`)).json();
    expect(session).toMatchObject({ user: null, csrfToken: null, viewer: { source: '.assay/assay.db' }, projects: [{ project: { id: 'local', displayName: 'demo' }, role: 'viewer' }] });
  });

  it('refuses requests addressed to a name that is not loopback', async () => {
    expect((await viewer.request('http://attacker.example/api/runs')).status).toBe(403);
    expect((await viewer.request('http://localhost:15500/api/runs')).status).toBe(200);
    expect((await viewer.request('http://[::1]:15500/api/runs')).status).toBe(200);
  });
});
