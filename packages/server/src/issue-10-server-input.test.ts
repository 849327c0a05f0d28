import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { maxBodyBytes, maxResultsBodyBytes } from './app.ts';
import { startServer, type RunningServer } from './start-server.ts';
import { createTestApp, promptSource, type Caller, type TestApp } from './testing/test-app.ts';

// Issue 10, "Server input": bodies that are not JSON were 500s, a YAML alias bomb in a pushed
// prompt was a 500, a 413 left the client's keep-alive socket to be cut under its next request,
// and `lastReviewedBefore=2026-13-45` and keys that expire in the past were accepted.

describe('issue 10: server input', () => {
  let t: TestApp;
  let admin: Caller;
  let projectId: string;

  beforeEach(async () => {
    t = await createTestApp();
    const project = await t.project('alpha');
    projectId = project.id;
    admin = await project.key('admin');
  });
  afterEach(async () => t.close());

  /** A request with a raw body, as curl sends it. */
  async function raw(method: string, url: string, body: string | Uint8Array<ArrayBuffer> | undefined, contentType: string | undefined) {
    const headers: Record<string, string> = { authorization: `Bearer ${(admin as { apiKey: string }).apiKey}` };
    if (contentType !== undefined) headers['content-type'] = contentType;
    const response = await t.app.request(url, { method, headers, ...(body === undefined ? {} : { body }) });
    return { status: response.status, type: response.headers.get('content-type'), body: (await response.json()) as Record<string, unknown> };
  }

  async function written() {
    return {
      audit: (await t.registry.listAuditEvents(projectId, { limit: 500 })).items.length,
      prompts: (await t.registry.listPrompts(projectId)).items.length,
      keys: (await t.registry.listApiKeys(projectId)).length,
    };
  }

  it('answers a body that is not JSON with 400 problem+json saying what is wrong, on body routes of every kind', async () => {
    const before = await written();
    for (const [method, url] of [
      ['POST', '/api/prompts'],
      ['PUT', '/api/prompts/triage/labels/production'],
      ['POST', '/api/api-keys'],
      ['POST', '/api/login'],
      ['POST', `/api/projects/${projectId}/runs`],
    ] as const) {
      const malformed = await raw(method, url, '{', 'application/json');
      expect({ url, status: malformed.status, type: malformed.type }).toEqual({ url, status: 400, type: 'application/problem+json' });
      expect(malformed.body).toMatchObject({ type: '/docs/api.md#malformed-body', title: 'Malformed request body', status: 400, hint: expect.stringContaining('application/json') });
      expect(malformed.body.detail).toMatch(/^The request body is not valid JSON: .*position 1/);

      const empty = await raw(method, url, '', 'application/json');
      expect({ url, status: empty.status }).toEqual({ url, status: 400 });
      expect(empty.body.detail).toBe('The request body is empty; this route takes a JSON document.');

      const truncated = await raw(method, url, '{"name": "triage", "source": "---', 'application/json; charset=utf-8');
      expect({ url, status: truncated.status }).toEqual({ url, status: 400 });
      expect(truncated.body.detail).toMatch(/not valid JSON: Unterminated string/);
    }
    expect(await written()).toEqual(before);
  });

  it('answers a body of another type with 415 naming the type, and a body without a type likewise', async () => {
    const before = await written();
    const text = await raw('POST', '/api/prompts', '{"name":"triage"}', 'text/plain');
    expect(text).toMatchObject({ status: 415, type: 'application/problem+json', body: { type: '/docs/api.md#unsupported-media-type', status: 415 } });
    expect(text.body.detail).toBe('This route takes application/json, not text/plain.');
    // curl --data sends this type unless told otherwise.
    const form = await raw('POST', '/api/prompts', 'name=triage', 'application/x-www-form-urlencoded');
    expect(form.body.detail).toBe('This route takes application/json, not application/x-www-form-urlencoded.');
    // Bytes, because a string body gets text/plain from the Request constructor.
    const untyped = await raw('POST', '/api/prompts', new TextEncoder().encode('{"name":"triage"}'), undefined);
    expect(untyped.status).toBe(415);
    expect(untyped.body.detail).toBe('The request has a body but no Content-Type; this route takes application/json.');
    expect(await written()).toEqual(before);
  });

  it('refuses a pushed .prompt whose frontmatter aliases nest without bound (billion laughs) with 422 at the line, storing nothing', async () => {
    const levels = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
    for (let level = 1; level < 9; level++) levels.push(`l${level}: &l${level} [${Array(9).fill(level === 1 ? '*a' : `*l${level - 1}`).join(', ')}]`);
    const source = promptSource().replace('metadata:', `${levels.join('\n')}\nmetadata:`);
    const before = await written();
    const response = await t.call('POST', '/api/prompts', { as: admin, body: { name: 'triage', source } });
    expect(response.status).toBe(422);
    expect(response.body).toMatchObject({ type: '/docs/api.md#invalid-prompt', title: 'Invalid prompt file', line: 4, detail: expect.stringContaining('billion laughs') });
    expect(await written()).toEqual(before);
  });

  it('refuses a query parameter that is not what it says with 400 naming it: lastReviewedBefore must be a day of the calendar', async () => {
    await t.call('POST', '/api/prompts', { as: admin, body: { name: 'triage', source: promptSource() } });
    for (const value of ['2026-13-45', '2026-02-30', '2026-1-5', 'yesterday']) {
      const response = await t.call('GET', `/api/prompts?lastReviewedBefore=${value}`, { as: admin });
      expect({ value, status: response.status }).toEqual({ value, status: 400 });
      expect(response.body).toMatchObject({ type: '/docs/api.md#invalid-parameter', title: 'Invalid parameter', fields: [{ path: 'lastReviewedBefore' }] });
      expect(response.body.detail).toMatch(/^Invalid query parameter: lastReviewedBefore: /);
    }
    const overdue = await t.call('GET', '/api/prompts?lastReviewedBefore=2026-10-02', { as: admin });
    expect(overdue.body.items.map((item: { name: string }) => item.name)).toEqual(['triage']);
    expect((await t.call('GET', '/api/prompts?lastReviewedBefore=2026-10-01', { as: admin })).body.items).toEqual([]);
    // A path parameter too: 400, named.
    const version = await t.call('GET', '/api/prompts/triage/versions/first', { as: admin });
    expect(version).toMatchObject({ status: 400, body: { fields: [{ path: 'version' }], detail: expect.stringMatching(/^Invalid path parameter: version: /) } });
  });

  it('refuses to create an API key that expires in the past, with 422 naming expiresAt, and creates one that expires later', async () => {
    const before = await written();
    for (const expiresAt of ['2020-01-01T00:00:00Z', new Date(Date.now() - 1000).toISOString()]) {
      const refused = await t.call('POST', '/api/api-keys', { as: admin, body: { name: 'typo', role: 'viewer', expiresAt } });
      expect(refused.status).toBe(422);
      expect(refused.body).toMatchObject({ type: '/docs/api.md#invalid-input', fields: [{ path: 'expiresAt', message: 'must be in the future' }] });
      expect(refused.body.detail).toMatch(/is not in the future: the key would never work/);
    }
    expect(await written()).toEqual(before);
    const later = new Date(Date.now() + 86_400_000).toISOString();
    const made = await t.call('POST', '/api/api-keys', { as: admin, body: { name: 'tomorrow', role: 'viewer', expiresAt: later } });
    expect(made.status).toBe(201);
    expect(made.body.apiKey.expiresAt).toBe(later);
  });
});

describe('issue 10: a 413 over a keep-alive connection', () => {
  let server: RunningServer;
  let directory: string;
  let key: string;

  beforeAll(async () => {
    directory = mkdtempSync(path.join(tmpdir(), 'assay-serve-413-'));
    server = await startServer({ cwd: directory, env: {}, port: 0, webRoot: path.join(directory, 'no-web') });
    const { project } = await server.registry.ensureProject({ organization: 'default', project: 'alpha' }, { actor: { type: 'system' } });
    key = (await server.registry.createApiKey(project.id, { name: 'ci', role: 'editor' }, { actor: { type: 'system' } })).secret;
  });
  afterAll(async () => {
    await server?.close();
    rmSync(directory, { recursive: true, force: true });
  });

  type Sending = 'with its length' | 'in chunks' | 'after 100 Continue, as curl does';

  /**
   * One request through `agent`, the body sent as `sending` says. A response with `Connection:
   * close` is settled when the socket has closed, with any error the client met while still
   * sending (a server that closes without reading the body resets the connection under it).
   */
  function send(agent: http.Agent, method: string, route: string, body?: Buffer, sending: Sending = 'with its length') {
    const headers: Record<string, string> = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    if (body && sending === 'after 100 Continue, as curl does') Object.assign(headers, { expect: '100-continue', 'content-length': String(body.length) });
    return new Promise<{ status: number; connection: string | undefined; body: string; reusedSocket: boolean; sendError?: string }>((resolve, reject) => {
      let sendError: string | undefined;
      const request = http.request(`${server.url}${route}`, { method, agent, headers }, (response) => {
        request.removeListener('error', reject);
        request.on('error', (error) => (sendError ??= error.message));
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => {
          const settle = () => resolve({ status: response.statusCode!, connection: response.headers.connection, body: text, reusedSocket: request.reusedSocket, ...(sendError ? { sendError } : {}) });
          if (response.headers.connection !== 'close' || request.socket?.destroyed !== false) settle();
          else request.socket.once('close', settle);
        });
      });
      request.on('error', reject);
      if (!body) request.end();
      else if (sending === 'after 100 Continue, as curl does') request.on('continue', () => request.end(body));
      else if (sending === 'in chunks') {
        for (let offset = 0; offset < body.length; offset += 64 * 1024) request.write(body.subarray(offset, offset + 64 * 1024));
        request.end();
      } else request.end(body);
    });
  }

  for (const sending of ['with its length', 'in chunks', 'after 100 Continue, as curl does'] as const) {
    it(`reads a refused body sent ${sending} before answering 413, and closes the connection, so the next request on the agent succeeds`, async () => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      try {
        // The agent keeps sockets alive: a request after this one would reuse its socket.
        expect(await send(agent, 'GET', '/api/health')).toMatchObject({ status: 200, reusedSocket: false });
        for (const [route, limit] of [['/api/prompts', maxBodyBytes], ['/api/runs/r/results', maxResultsBodyBytes]] as const) {
          for (let attempt = 0; attempt < 2; attempt++) {
            const refused = await send(agent, 'POST', route, Buffer.alloc(limit + 1024 * 1024, 'a'), sending);
            expect({ route, status: refused.status, connection: refused.connection, sendError: refused.sendError }).toEqual({ route, status: 413, connection: 'close', sendError: undefined });
            expect(JSON.parse(refused.body)).toMatchObject({ type: '/docs/api.md#too-large', status: 413 });
            const next = await send(agent, 'GET', '/api/prompts');
            expect({ route, status: next.status, reusedSocket: next.reusedSocket }).toEqual({ route, status: 200, reusedSocket: false });
          }
        }
      } finally {
        agent.destroy();
      }
    });
  }
});
