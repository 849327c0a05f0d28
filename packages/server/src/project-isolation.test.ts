import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseResult, describeEachDialect, promptSource, runRecord, type Caller, type TestApp } from './testing/test-app.ts';

// Proves, on every route of the OpenAPI document, that a caller of project B can read and write
// nothing of project A, and that a viewer cannot write. The route list comes from the server
// itself, so a new route without an entry in `bodies` below fails the first test.

describeEachDialect((openApp) => {
  let t: TestApp;
  let projectA: string;
  let aAdmin: Caller;
  let aViewer: Caller;
  let bKey: Caller;
  let bUser: Caller;
  const ids: Record<string, string> = {};
  const secret = 'TOP-SECRET-OF-A';

  /** A valid body per operation, so a request reaches the access check rather than failing validation. */
  const bodies: Record<string, unknown> = {
    'post /prompts': { name: 'secret-prompt', source: promptSource({ body: 'overwritten {{x}}' }) },
    'put /prompts/{name}/labels/{label}': { targets: [{ version: 1, weight: 100 }], expectedRevision: 2 },
    'post /prompts/{name}/labels/{label}/rollback': { expectedRevision: 2 },
    'post /change-requests': { promptName: 'secret-prompt', label: 'production', targets: [{ version: 1, weight: 100 }] },
    'post /change-requests/{id}/reviews': { decision: 'reject' },
    'post /change-requests/{id}/apply': undefined,
    'post /change-requests/{id}/cancel': undefined,
    'post /runs': { run: runRecord('run-a') },
    'post /runs/{id}/results': { results: [caseResult('run-a', 0, false, { output: 'overwritten' })] },
    'post /runs/{id}/finish': { status: 'failed', finishedAt: '2026-11-21T00:00:00.000Z' },
    'put /settings': { approvals: { low: 3, medium: 3, high: 3, critical: 3 }, protectedLabels: [] },
    'post /api-keys': { name: 'stolen', role: 'admin' },
    'post /api-keys/{id}/revoke': undefined,
    'put /members': { email: 'b-user@example.com', role: 'admin' },
    'delete /members/{userId}': undefined,
    'get /prompts': undefined,
    'get /prompts/{name}': undefined,
    'get /prompts/{name}/versions': undefined,
    'get /prompts/{name}/versions/{version}': undefined,
    'get /prompts/{name}/diff': undefined,
    'get /prompts/{name}/changelog': undefined,
    'get /prompts/{name}/labels': undefined,
    'get /labels': undefined,
    'get /prompts/{name}/labels/{label}/history': undefined,
    'get /change-requests': undefined,
    'get /change-requests/{id}': undefined,
    'get /runs': undefined,
    'get /runs/{id}': undefined,
    'get /runs/{id}/results': undefined,
    'get /compare': undefined,
    'get /settings': undefined,
    'get /api-keys': undefined,
    'get /members': undefined,
    'get /audit': undefined,
  };

  const queries: Record<string, string> = {
    'get /prompts/{name}/diff': '?from=1&to=2',
    'get /compare': '?a=run-a&b=run-a',
    'get /labels': '?prompts=secret-prompt',
  };

  async function snapshotOfA() {
    const { registry, store } = t;
    const versions = await registry.listPromptVersions(projectA, 'secret-prompt');
    const labels = await registry.listLabels(projectA, 'secret-prompt');
    const requests = await registry.listChangeRequests(projectA);
    // Using a key notes when it was last used; that is not a change to A.
    const keys = (await registry.listApiKeys(projectA)).map(({ lastUsedAt: _lastUsedAt, ...key }) => key);
    const members = await registry.listMembers(projectA);
    const project = await registry.getProject(projectA);
    const audit = await registry.listAuditEvents(projectA, { limit: 500 });
    const run = await store.project(projectA).getRun('run-a');
    const results = await store.project(projectA).listResults('run-a', { limit: 100 });
    return { versions, labels, requests, keys, members, project, audit: audit.items.length, run, results };
  }

  let projectOperations: { method: string; path: string }[];

  beforeAll(async () => {
    t = await openApp();
    const a = await t.project('alpha');
    const b = await t.project('beta');
    projectA = a.id;
    aAdmin = await a.key('admin');
    aViewer = await a.key('viewer');
    bKey = await b.key('admin');
    bUser = await t.user('b-user@example.com', { memberOf: [{ projectId: b.id, role: 'admin' }] });
    const aMember = await t.user('a-member@example.com', { memberOf: [{ projectId: a.id, role: 'approver' }] });
    ids.userId = aMember.userId;

    await t.call('POST', '/api/prompts', { as: aAdmin, body: { name: 'secret-prompt', source: promptSource({ body: `${secret} {{x}}`, riskTier: 'high' }) } });
    await t.call('POST', '/api/prompts', { as: aAdmin, body: { name: 'secret-prompt', source: promptSource({ body: `${secret} v2 {{x}}`, riskTier: 'high' }) } });
    await t.call('PUT', '/api/prompts/secret-prompt/labels/staging', { as: aAdmin, body: { targets: [{ version: 1, weight: 100 }], expectedRevision: 0 } });
    await t.call('PUT', '/api/prompts/secret-prompt/labels/staging', { as: aAdmin, body: { targets: [{ version: 2, weight: 100 }], expectedRevision: 1 } });
    const request = await t.call('POST', '/api/change-requests', { as: aAdmin, body: { promptName: 'secret-prompt', label: 'production', targets: [{ version: 2, weight: 100 }] } });
    ids.changeRequest = request.body.id;
    await t.call('POST', '/api/runs', { as: aAdmin, body: { run: runRecord('run-a', { total: 1 }) } });
    await t.call('POST', '/api/runs/run-a/results', { as: aAdmin, body: { results: [caseResult('run-a', 0, true, { output: secret })] } });
    ids.apiKey = (await t.registry.listApiKeys(projectA))[0]!.id;

    const document = (await t.call('GET', '/api/openapi.json')).body;
    projectOperations = [];
    for (const [path, operations] of Object.entries<Record<string, unknown>>(document.paths)) {
      if (!path.startsWith('/api/projects/{projectId}/')) continue;
      for (const method of Object.keys(operations)) projectOperations.push({ method, path: path.slice('/api/projects/{projectId}'.length) });
    }
  });
  afterAll(async () => t.close());

  function concrete(path: string): string {
    return path
      .replace('{name}', 'secret-prompt')
      .replace('{label}', 'staging')
      .replace('{version}', '1')
      .replace('{userId}', ids.userId!)
      .replace('{id}', path.startsWith('/change-requests') ? ids.changeRequest! : path.startsWith('/api-keys') ? ids.apiKey! : 'run-a');
  }

  async function request(caller: Caller, method: string, url: string, key: string) {
    return t.call(method.toUpperCase(), url + (queries[key] ?? ''), { as: caller, ...(bodies[key] === undefined ? {} : { body: bodies[key] }) });
  }

  describe('project isolation on every route', () => {
    it('has an entry for every project route of the OpenAPI document', () => {
      const keys = projectOperations.map(({ method, path }) => `${method} ${path}`).sort();
      expect(keys.length).toBeGreaterThan(30);
      expect(keys).toEqual(Object.keys(bodies).sort());
    });

    it("answers 404 to project B's key and user on every route under A's project id, and changes nothing", async () => {
      const before = await snapshotOfA();
      for (const { method, path } of projectOperations) {
        const key = `${method} ${path}`;
        for (const caller of [bKey, bUser]) {
          const response = await request(caller, method, `/api/projects/${projectA}${concrete(path)}`, key);
          expect({ key, status: response.status }).toEqual({ key, status: 404 });
          expect(JSON.stringify(response.body)).not.toContain(secret);
        }
      }
      expect(await snapshotOfA()).toEqual(before);
    });

    it("never reaches A's data through the key-scoped routes (/api/…) with B's key", async () => {
      const before = await snapshotOfA();
      for (const { method, path } of projectOperations) {
        const key = `${method} ${path}`;
        const response = await request(bKey, method, `/api${concrete(path)}`, key);
        const text = JSON.stringify(response.body);
        expect(text, key).not.toContain(secret);
        expect(text, key).not.toContain(projectA);
        // Ids of A's change request and member find nothing in B. (Prompt names and run ids are
        // per project: B's own `secret-prompt` and `run-a`, made by the loop, are B's to read.)
        if (/\{(id|userId)\}/.test(path) && !path.startsWith('/runs')) expect({ key, status: response.status }).toEqual({ key, status: 404 });
      }
      const after = await snapshotOfA();
      expect(after).toEqual(before);
    });

    it("answers B about A's run id exactly as about an id that exists nowhere, and keeps B's run of that id apart", async () => {
      const aRuns = t.store.project(projectA);
      await t.call('POST', '/api/runs', { as: aAdmin, body: { run: runRecord('a-shared', { total: 1, label: secret }) } });
      await t.call('POST', '/api/runs/a-shared/results', { as: aAdmin, body: { results: [caseResult('a-shared', 0, true, { output: secret })] } });
      const before = await snapshotOfA();
      const aRun = await aRuns.getRun('a-shared');

      // Every run route, with A's id and with an id no project has: the same status and body.
      const answer = async (id: string, method: string, url: string, body?: unknown) => {
        const response = await t.call(method, url.replaceAll('{id}', id), { as: bKey, ...(body === undefined ? {} : { body: JSON.parse(JSON.stringify(body).replaceAll('{id}', id)) }) });
        return { status: response.status, body: JSON.stringify(response.body).replaceAll(id, '{id}') };
      };
      const probes: [string, string, unknown?][] = [
        ['GET', '/api/runs/{id}'],
        ['GET', '/api/runs/{id}/results'],
        ['GET', '/api/compare?a={id}&b={id}'],
        ['POST', '/api/runs/{id}/results', { results: [caseResult('{id}', 0, false)] }],
        ['POST', '/api/runs/{id}/finish', { status: 'failed', finishedAt: '2026-11-21T00:00:00.000Z' }],
        ['GET', `/api/runs?label=${secret}`],
        ['POST', '/api/runs', { run: runRecord('{id}', { total: 1 }) }],
      ];
      for (const [method, url, body] of probes) {
        const shared = await answer('a-shared', method, url, body);
        const unknown = await answer('nowhere-1', method, url, body);
        expect({ method, url, ...shared }).toEqual({ method, url, ...unknown });
        expect(shared.body).not.toContain(secret);
        expect(shared.body).not.toContain(projectA);
      }

      // B's `a-shared` (created by the last probe) is B's own run: its results, summary and label never mix with A's.
      const created = await t.call('GET', '/api/runs/a-shared', { as: bKey });
      expect(created.body.run).toMatchObject({ id: 'a-shared', status: 'running', projectId: expect.not.stringMatching(projectA) });
      expect(created.body.run.label).toBeUndefined();
      await t.call('POST', '/api/runs/a-shared/results', { as: bKey, body: { results: [caseResult('a-shared', 0, false, { output: 'b output' })] } });
      await t.call('POST', '/api/runs/a-shared/finish', { as: bKey, body: { status: 'failed', finishedAt: '2026-11-21T00:00:00.000Z' } });
      expect((await t.call('GET', '/api/runs/a-shared/results', { as: bKey })).body.items.map((result: any) => result.output)).toEqual(['b output']);
      expect((await t.call('GET', '/api/runs/a-shared/results', { as: aAdmin })).body.items.map((result: any) => result.output)).toEqual([secret]);
      expect((await t.call('GET', '/api/runs?limit=500', { as: bKey })).body.items.filter((item: any) => item.id === 'a-shared')).toMatchObject([{ status: 'failed', label: null }]);
      expect((await t.call('GET', `/api/runs?label=${secret}`, { as: aAdmin })).body.items.map((item: any) => item.id)).toEqual(['a-shared']);
      const comparison = await t.call('GET', '/api/compare?a=a-shared&b=a-shared', { as: bKey });
      expect(comparison.status).toBe(200);
      expect(JSON.stringify(comparison.body)).not.toContain(secret);
      expect(await aRuns.getRun('a-shared')).toEqual(aRun);
      expect(await snapshotOfA()).toEqual(before);
    });

    it('lets a viewer of A read but write nothing, on every route', async () => {
      const before = await snapshotOfA();
      for (const { method, path } of projectOperations) {
        const key = `${method} ${path}`;
        const response = await request(aViewer, method, `/api${concrete(path)}`, key);
        if (method === 'get') {
          const adminOnly = ['/api-keys', '/audit'].includes(path);
          expect({ key, status: response.status }).toEqual({ key, status: adminOnly ? 403 : 200 });
        } else {
          expect({ key, status: response.status }).toEqual({ key, status: 403 });
        }
      }
      expect(await snapshotOfA()).toEqual(before);
    });

    it("keeps instance routes to what the caller may see", async () => {
      const projects = await t.call('GET', '/api/projects', { as: bUser });
      expect(projects.body.items.map((item: any) => item.project.name)).toEqual(['beta']);
      expect((await t.call('GET', '/api/projects', { as: bKey })).body.items.map((item: any) => item.project.name)).toEqual(['beta']);
      expect((await t.call('POST', '/api/projects', { as: bUser, body: { name: 'gamma' } })).status).toBe(403);
      expect((await t.call('GET', '/api/users', { as: bUser })).status).toBe(403);
      expect((await t.call('POST', '/api/users', { as: bKey, body: { email: 'x@example.com', name: 'x', password: 'long enough pw' } })).status).toBe(403);
    });
  });
});
