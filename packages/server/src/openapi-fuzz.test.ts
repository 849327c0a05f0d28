import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { caseResult, describeEachDialect, promptSource, runRecord, type Caller, type TestApp } from './testing/test-app.ts';

// Issue 10: bodies that were not JSON answered 500 on every JSON route. This sends bad input to
// every operation of the OpenAPI document the server serves (malformed and empty bodies, the
// wrong type, a huge string, a deep object and null in place of each body field, bad path and
// query parameters) and asks that none is a 5xx and that what is refused writes nothing. A new
// route with a body and no entry in `bodies` fails the first test.

/** Operations with the operations of the key-scoped mount (`/api/prompts`) folded into the project one. */
const projectPrefix = '/api/projects/{projectId}';

interface Operation {
  method: string;
  /** As in the document. */
  path: string;
  /** `method path` with the project prefix as `/api`: the key of `bodies` and `queries`. */
  key: string;
  pathParameters: string[];
  queryParameters: string[];
  hasBody: boolean;
}

const huge = 'x'.repeat(1_500_000);
/** Deeper than any document a client sends, shallow enough to parse: 2,000 levels. */
const deep = JSON.parse('{"a":'.repeat(2000) + '1' + '}'.repeat(2000)) as unknown;
const deepArray = JSON.parse('['.repeat(2000) + ']'.repeat(2000)) as unknown;

/** Values that no path or query parameter of this API takes, URL-encoded as a client would send them. */
const badParameters = ['', '%00', '%FF', '%E2%80%AE', '..%2F..', 'x'.repeat(20_000), '-1', '1.5', '1e309', 'NaN', '99999999999999999999', "'; drop table runs; --"];

describeEachDialect((openApp) => {
  let t: TestApp;
  let admin: Caller;
  let key: Caller;
  let projectId: string;
  const ids: Record<string, string> = {};
  let operations: Operation[];

  /** A body each operation takes, aimed at something that exists but changing nothing if it got through. */
  const bodies = (): Record<string, unknown> => ({
    'post /api/setup': { token: 'not-a-token', email: 'new@example.com', name: 'New', password: 'long enough password' },
    'post /api/login': { email: 'admin@example.com', password: 'not the password' },
    'post /api/password': { currentPassword: 'not the password', newPassword: 'another long password' },
    'post /api/projects': { organization: 'default', name: 'alpha' },
    'post /api/users': { email: 'admin@example.com', name: 'Admin', password: 'long enough password' },
    'post /api/prompts': { name: 'triage', source: promptSource({ body: 'Second {{ticket}}' }), author: 'fuzz', message: 'same content' },
    'put /api/prompts/{name}/labels/{label}': { targets: [{ version: 1, weight: 100 }], expectedRevision: 99, message: 'stale' },
    'post /api/prompts/{name}/labels/{label}/rollback': { expectedRevision: 99, message: 'stale' },
    'post /api/change-requests': { promptName: 'no-such-prompt', label: 'production', targets: [{ version: 1, weight: 100 }], message: 'm' },
    'post /api/change-requests/{id}/reviews': { decision: 'approve', comment: 'cancelled already' },
    'post /api/runs': { run: runRecord('run-1', { total: 1 }) },
    'post /api/runs/{id}/results': { results: [caseResult('run-1', 0, true)] },
    'post /api/runs/{id}/finish': { status: 'completed', finishedAt: '2026-11-21T00:00:00.000Z' },
    'put /api/settings': { approvals: { low: 0, medium: 1, high: 1, critical: 2 }, protectedLabels: ['production'] },
    'post /api/api-keys': { name: 'fuzz', role: 'viewer', expiresAt: '2999-01-01T00:00:00Z' },
    'put /api/members': { email: 'nobody@example.com', role: 'viewer' },
  });

  /** Query parameters an operation needs to reach its handler. */
  const queries: Record<string, Record<string, string>> = {
    'get /api/prompts/{name}/diff': { from: '1', to: '2' },
    'get /api/compare': { a: 'run-1', b: 'run-1' },
  };

  beforeAll(async () => {
    t = await openApp();
    const project = await t.project('alpha');
    projectId = project.id;
    key = await project.key('admin');
    admin = await t.user('admin@example.com', { isAdmin: true });
    const member = await t.user('member@example.com', { memberOf: [{ projectId, role: 'viewer' }] });
    ids.userId = member.userId;

    await t.call('POST', '/api/prompts', { as: key, body: { name: 'triage', source: promptSource() } });
    await t.call('POST', '/api/prompts', { as: key, body: { name: 'triage', source: promptSource({ body: 'Second {{ticket}}' }) } });
    await t.call('PUT', '/api/prompts/triage/labels/staging', { as: key, body: { targets: [{ version: 1, weight: 100 }], expectedRevision: 0 } });
    const request = await t.call('POST', '/api/change-requests', { as: key, body: { promptName: 'triage', label: 'production', targets: [{ version: 2, weight: 100 }] } });
    ids.changeRequest = request.body.id;
    await t.call('POST', `/api/change-requests/${ids.changeRequest}/cancel`, { as: key });
    await t.call('POST', '/api/runs', { as: key, body: { run: runRecord('run-1', { total: 1 }) } });
    await t.call('POST', '/api/runs/run-1/results', { as: key, body: { results: [caseResult('run-1', 0, true)] } });
    await t.call('POST', '/api/runs/run-1/finish', { as: key, body: { status: 'completed', finishedAt: '2026-11-21T00:00:00.000Z' } });
    ids.apiKey = (await t.registry.listApiKeys(projectId))[0]!.id;

    const document = (await t.call('GET', '/api/openapi.json')).body as { paths: Record<string, Record<string, { parameters?: { in: string; name: string }[]; requestBody?: unknown }>> };
    operations = [];
    for (const [path, methods] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        const parameters = operation.parameters ?? [];
        operations.push({
          method,
          path,
          key: `${method} ${path.startsWith(projectPrefix) ? `/api${path.slice(projectPrefix.length)}` : path}`,
          pathParameters: parameters.filter((parameter) => parameter.in === 'path').map((parameter) => parameter.name),
          queryParameters: parameters.filter((parameter) => parameter.in === 'query').map((parameter) => parameter.name),
          hasBody: operation.requestBody !== undefined,
        });
      }
    }
  }, 60_000);
  afterAll(async () => t?.close());

  /** Everything a request could have written, in every project and for the instance. */
  async function snapshot() {
    const { registry, store } = t;
    const projects = await registry.listProjects();
    const [users, instanceAudit, perProject] = await Promise.all([
      registry.listUsers(),
      // A failed login is written to the audit log by design, whatever the password held.
      registry.listAuditEvents(null, { limit: 500 }).then((page) => page.items.filter((event) => event.action !== 'user.login-failed').length),
      Promise.all(
        projects.map(async (project) => {
          const runs = store.project(project.id);
          const [prompts, versions, labels, changeRequests, keys, members, audit, runList, results] = await Promise.all([
            registry.listPrompts(project.id, { limit: 500 }),
            registry.listPromptVersions(project.id, 'triage', { limit: 500 }),
            registry.listLabels(project.id, 'triage'),
            registry.listChangeRequests(project.id, { limit: 500 }),
            registry.listApiKeys(project.id),
            registry.listMembers(project.id),
            registry.listAuditEvents(project.id, { limit: 500 }),
            runs.listRuns({ limit: 500 }),
            runs.listResults('run-1', { limit: 500 }),
          ]);
          return {
            prompts: prompts.items,
            versions: versions.items.length,
            labels,
            changeRequests: changeRequests.items,
            // Using a key notes when it was last used; that is not a change.
            keys: keys.map(({ lastUsedAt: _lastUsedAt, ...apiKey }) => apiKey),
            members,
            audit: audit.items.length,
            runs: runList,
            results: results.items,
          };
        }),
      ),
    ]);
    return { users, projects, instanceAudit, perProject };
  }

  /** The operation's URL with valid path parameters, one of them replaced by `bad` when given. */
  function url(operation: Operation, bad?: { in: 'path' | 'query'; name: string; value: string }): string {
    const valid: Record<string, string> = {
      projectId,
      name: 'triage',
      label: 'staging',
      version: '1',
      userId: ids.userId!,
      id: operation.path.includes('/change-requests') ? ids.changeRequest! : operation.path.includes('/api-keys') ? ids.apiKey! : 'run-1',
    };
    let path = operation.path.replace(/\{(\w+)\}/g, (_match, name: string) => (bad?.in === 'path' && bad.name === name ? bad.value : encodeURIComponent(valid[name]!)));
    const query = Object.entries(queries[operation.key] ?? {}).filter(([name]) => !(bad?.in === 'query' && bad.name === name));
    const parts = query.map(([name, value]) => `${name}=${encodeURIComponent(value)}`);
    if (bad?.in === 'query') parts.push(`${bad.name}=${bad.value}`);
    if (parts.length > 0) path += `?${parts.join('&')}`;
    return path;
  }

  async function send(operation: Operation, target: string, body: string | undefined, contentType = 'application/json') {
    // The project mount and instance routes as a logged-in administrator, the key-scoped mount with a key.
    const caller = operation.path.startsWith(projectPrefix) || isInstance(operation) ? admin : key;
    const headers: Record<string, string> = body === undefined ? {} : { 'content-type': contentType };
    if ('apiKey' in caller) headers.authorization = `Bearer ${caller.apiKey}`;
    else {
      headers.cookie = caller.cookie;
      headers['x-csrf-token'] = caller.csrfToken;
    }
    const response = await t.app.request(target, { method: operation.method.toUpperCase(), headers, ...(body === undefined ? {} : { body }) });
    const text = await response.text();
    return { status: response.status, type: response.headers.get('content-type'), text };
  }

  function isInstance(operation: Operation): boolean {
    return !operations.some((other) => other.path.startsWith(projectPrefix) && other.key === operation.key);
  }

  /** Every bad request for one operation, as [what was sent, url, body, content type]. */
  function* badRequests(operation: Operation): Generator<[string, string, string | undefined, string?]> {
    const target = url(operation);
    if (operation.hasBody) {
      const base = bodies()[operation.key];
      yield ['malformed JSON', target, '{'];
      yield ['an empty body', target, ''];
      yield ['a text/plain body', target, JSON.stringify(base), 'text/plain'];
      yield ['a JSON array', target, '[]'];
      yield ['a JSON string', target, JSON.stringify(huge)];
      yield ['a deep object', target, JSON.stringify(deep)];
      // Field by field on one mount: the key-scoped one runs the same handlers.
      const fieldByField = operation.path.startsWith(projectPrefix) || isInstance(operation);
      for (const [path, value] of fieldByField ? fields(base) : []) {
        for (const [label, bad] of [['the wrong type', wrongType(value)], ['a huge string', huge], ['a NUL character', 'a\u0000b'], ['a deep object', deep], ['a deep array', deepArray], ['null', null]] as const) {
          yield [`${label} as ${path.join('.')}`, target, JSON.stringify(replaced(base, path, bad))];
        }
      }
    }
    const body = operation.hasBody ? JSON.stringify(bodies()[operation.key]) : undefined;
    for (const name of operation.pathParameters.filter((parameter) => parameter !== 'projectId')) {
      for (const value of badParameters) yield [`path parameter ${name}=${value.slice(0, 20)}`, url(operation, { in: 'path', name, value }), body];
    }
    for (const name of operation.queryParameters) {
      for (const value of badParameters) yield [`query parameter ${name}=${value.slice(0, 20)}`, url(operation, { in: 'query', name, value }), body];
      yield [`query parameter ${name} twice`, `${url(operation)}${url(operation).includes('?') ? '&' : '?'}${name}=1&${name}=2`, body];
    }
  }

  it('has a body for every operation of the OpenAPI document that takes one', () => {
    expect(operations.length).toBeGreaterThan(60);
    const needed = [...new Set(operations.filter((operation) => operation.hasBody).map((operation) => operation.key))].sort();
    expect(needed).toEqual(Object.keys(bodies()).sort());
  });

  it('answers bad input to every operation without a 5xx, as problem+json, and a refused request writes nothing', async () => {
    const failures: string[] = [];
    for (const operation of operations) {
      const name = `${operation.method.toUpperCase()} ${operation.path}`;
      // A read never writes; a write is checked request by request (some bad-looking input is
      // valid: a result's output may be 1.5 MB, its vars any JSON), and what it refused must have left no trace.
      const reads = operation.method === 'get';
      let last = await snapshot();
      for (const [sent, target, body, contentType] of badRequests(operation)) {
        const response = await send(operation, target, body, contentType);
        if (response.status >= 500 || (response.status >= 400 && response.type !== 'application/problem+json')) {
          failures.push(`${name} with ${sent}: ${response.status} ${response.text.slice(0, 300)}`);
        }
        if (reads) continue;
        const after = await snapshot();
        if (response.status >= 400 && !isDeepStrictEqual(after, last)) failures.push(`${name} with ${sent}: refused (${response.status}) but wrote`);
        last = after;
      }
      if (reads && !isDeepStrictEqual(await snapshot(), last)) failures.push(`${name}: a read wrote`);
    }
    expect(failures).toEqual([]);
  }, 600_000);
});

/** Paths of every property and array item in `value`, parents before children. */
function* fields(value: unknown, path: (string | number)[] = []): Generator<[(string | number)[], unknown]> {
  if (value === null || typeof value !== 'object') return;
  const entries: [string | number, unknown][] = Array.isArray(value) ? value.slice(0, 1).map((item, index) => [index, item]) : Object.entries(value);
  for (const [name, child] of entries) {
    yield [[...path, name], child];
    yield* fields(child, [...path, name]);
  }
}

function wrongType(value: unknown): unknown {
  if (typeof value === 'string') return 12345;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return { 0: value[0] ?? 'x' };
  return ['x'];
}

function replaced(value: unknown, path: (string | number)[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path;
  const copy = (Array.isArray(value) ? [...value] : { ...(value as Record<string, unknown>) }) as Record<string | number, unknown>;
  copy[head!] = replaced(copy[head!], rest, replacement);
  return copy;
}
