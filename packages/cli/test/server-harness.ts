import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Role } from '@assay/spec';
import { startServer, type RunningServer } from '@assay/server';
import { afterAll, beforeAll } from 'vitest';
import { runCli, type CliResult } from './cli-harness.ts';

const system = { actor: { type: 'system' as const, id: 'cli tests' } };
export const password = 'correct horse battery';

/**
 * A real `assay serve` in this process: fresh SQLite in a temporary folder, 127.0.0.1 on a free
 * port, one project (`support`). Disposed with `await using`.
 */
export interface TestServer {
  server: RunningServer;
  url: string;
  projectId: string;
  /** An API key of the project; `createdBy` makes a person its creator (the requester of what it asks). */
  key(role: Role, createdBy?: string): Promise<string>;
  /** A user with {@link password}, member of the project with `role`. */
  user(email: string, role: Role): Promise<{ id: string; email: string }>;
  /** `fetch` of the API with a key, JSON in and out. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read wire payloads of any shape
  api(method: string, url: string, key: string, body?: unknown): Promise<{ status: number; body: any }>;
  [Symbol.asyncDispose](): Promise<void>;
}

export async function startTestServer(): Promise<TestServer> {
  const directory = mkdtempSync(path.join(tmpdir(), 'assay-cli-server-'));
  // An empty dashboard folder: these tests use the API only.
  const webRoot = path.join(directory, 'web');
  mkdirSync(webRoot);
  const server = await startServer({ cwd: directory, env: {}, port: 0, webRoot });
  const { project } = await server.registry.ensureProject({ organization: 'default', project: 'support' }, system);
  return {
    server,
    url: server.url,
    projectId: project.id,
    async key(role, createdBy) {
      const context = createdBy ? { actor: { type: 'user' as const, id: createdBy } } : system;
      return (await server.registry.createApiKey(project.id, { name: `${role} key`, role }, context)).secret;
    },
    async user(email, role) {
      const user = await server.registry.createUser({ email, name: email.split('@')[0]!, password, isAdmin: false }, system);
      await server.registry.setMember(project.id, user.id, role, system);
      return { id: user.id, email };
    },
    async api(method, url, key, body) {
      const response = await fetch(server.url + url, {
        method,
        headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : null };
    },
    async [Symbol.asyncDispose]() {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** A tiny node:http server for the edges a real server does not show on demand (503s, cut connections). */
export async function startHttpServer(handler: (request: IncomingMessage, response: ServerResponse, body: string) => void | Promise<void>): Promise<{
  url: string;
  server: Server;
  [Symbol.asyncDispose](): Promise<void>;
}> {
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => void handler(request, response, body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    server,
    async [Symbol.asyncDispose]() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/**
 * A forwarding proxy to `target` that records each request (`METHOD path`) and may act just
 * before forwarding one (e.g. move a label behind the CLI's back).
 */
export async function startProxy(target: string, before?: (method: string, path: string) => Promise<void>) {
  const seen: string[] = [];
  const proxy = await startHttpServer(async (request, response, body) => {
    const line = `${request.method} ${request.url}`;
    seen.push(line);
    await before?.(request.method!, request.url!);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) if (typeof value === 'string' && name !== 'host' && name !== 'content-length') headers[name] = value;
    const answer = await fetch(target + request.url, { method: request.method, headers, ...(body ? { body } : {}) });
    const forwarded: Record<string, string> = {};
    answer.headers.forEach((value, name) => {
      if (name !== 'content-length' && name !== 'content-encoding' && name !== 'transfer-encoding') forwarded[name] = value;
    });
    response.writeHead(answer.status, forwarded);
    response.end(Buffer.from(await answer.arrayBuffer()));
  });
  return Object.assign(proxy, { seen });
}

/**
 * One {@link startTestServer} for a test file (started before its tests, disposed after) and
 * `cli(args, cwd)`, the real `assay` binary pointed at it with an editor key and no database,
 * data folder or npm `INIT_CWD` from the environment.
 */
export function useTestServer(): { readonly server: TestServer; readonly editorKey: string; cli(args: string[], cwd: string, env?: Record<string, string | undefined>): Promise<CliResult> } {
  let server: TestServer | undefined;
  let editorKey = '';
  beforeAll(async () => {
    server = await startTestServer();
    editorKey = await server.key('editor');
  });
  afterAll(async () => server?.[Symbol.asyncDispose]());
  return {
    get server() {
      return server!;
    },
    get editorKey() {
      return editorKey;
    },
    cli: (args, cwd, env = {}) =>
      runCli(args, { cwd, env: { ASSAY_SERVER: server!.url, ASSAY_API_KEY: editorKey, ASSAY_DATABASE_URL: undefined, ASSAY_DATA_DIR: undefined, INIT_CWD: undefined, ...env } }),
  };
}
