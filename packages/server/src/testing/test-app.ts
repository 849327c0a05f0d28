import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Role } from '@assay/spec';
import { openPostgresStore, openRegistryStore, openSqliteStore, type RegistryStore, type Store } from '@assay/store';
import { startPostgres, type PostgresServer } from '@assay/store/testing';
import { afterAll, beforeAll, describe } from 'vitest';
import { createApp, type AssayApp } from '../app.ts';
import type { LoginThrottle } from '../login-throttle.ts';

/** An in-process server over a fresh SQLite store, with helpers to create callers. */
export interface TestApp {
  app: AssayApp;
  registry: RegistryStore;
  store: Store;
  /** `app.request` with JSON in and out; `as` is an API key secret or a logged-in user. */
  call(method: string, url: string, options?: { as?: Caller; body?: unknown; headers?: Record<string, string> }): Promise<{ status: number; body: any; headers: Headers }>;
  /** A project (organization `default`) with an admin key. */
  project(name: string): Promise<{ id: string; key: (role: Role) => Promise<Caller> }>;
  /** A user with a password, logged in (cookie and CSRF token). */
  user(email: string, options?: { isAdmin?: boolean; memberOf?: { projectId: string; role: Role }[] }): Promise<Caller & { userId: string }>;
  close(): Promise<void>;
}

export type Caller = { apiKey: string } | { cookie: string; csrfToken: string };

const system = { actor: { type: 'system' as const } };

export interface TestAppOptions {
  loginThrottle?: LoginThrottle;
  docsRoot?: string;
  trustProxy?: boolean | number;
  /** Runs on this PostgreSQL database instead of a fresh SQLite file. */
  postgresUrl?: string;
}

export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const { postgresUrl, ...dependencies } = options;
  const directory = mkdtempSync(path.join(tmpdir(), 'assay-server-'));
  const testing = { scryptLogN: 10 };
  const registry = postgresUrl
    ? await openRegistryStore({ postgres: { url: postgresUrl }, testing })
    : await openRegistryStore({ sqlite: { file: path.join(directory, 'assay.db') }, testing });
  const store = postgresUrl ? await openPostgresStore({ url: postgresUrl }) : openSqliteStore({ directory });
  const app = createApp({ registry, store, ...dependencies });

  const call: TestApp['call'] = async (method, url, options = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.as && 'apiKey' in options.as) headers.authorization = `Bearer ${options.as.apiKey}`;
    if (options.as && 'cookie' in options.as) {
      headers.cookie = options.as.cookie;
      if (method !== 'GET') headers['x-csrf-token'] ??= options.as.csrfToken;
    }
    const response = await app.request(url, { method, headers, ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }) });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      // Not JSON (a 304, the docs): keep the text.
    }
    return { status: response.status, body, headers: response.headers };
  };

  return {
    app,
    registry,
    store,
    call,
    async project(name) {
      const { project } = await registry.ensureProject({ organization: 'default', project: name }, system);
      return {
        id: project.id,
        key: async (role) => ({ apiKey: (await registry.createApiKey(project.id, { name: `${role} key`, role }, system)).secret }),
      };
    },
    async user(email, options = {}) {
      const password = 'correct horse battery';
      const user = await registry.createUser({ email, name: email.split('@')[0]!, password, isAdmin: options.isAdmin ?? false }, system);
      for (const membership of options.memberOf ?? []) await registry.setMember(membership.projectId, user.id, membership.role, system);
      const response = await app.request('/api/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
      if (response.status !== 200) throw new Error(`login failed: ${response.status} ${await response.text()}`);
      const cookie = /assay_session=[^;]+/.exec(response.headers.get('set-cookie') ?? '')![0];
      const { csrfToken } = (await response.json()) as { csrfToken: string };
      return { cookie, csrfToken, userId: user.id };
    },
    async close() {
      await Promise.all([registry.close(), store.close()]);
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** A small valid .prompt file. */
export function promptSource(options: { body?: string; riskTier?: string; owner?: string; model?: string } = {}): string {
  return [
    '---',
    `model: ${options.model ?? 'openai/gpt-4o-mini'}`,
    'metadata:',
    `  owner: ${options.owner ?? 'support-team'}`,
    `  riskTier: ${options.riskTier ?? 'low'}`,
    '  lastReviewed: 2026-10-01',
    '---',
    options.body ?? 'Classify this ticket: {{ticket}}',
    '',
  ].join('\n');
}

/** A run record as `assay eval` stores it. */
export function runRecord(id: string, overrides: Record<string, unknown> = {}) {
  return {
    id,
    createdAt: '2026-11-20T10:00:00.000Z',
    status: 'running',
    configPath: '/work/suite/assay.yaml',
    planHash: 'sha256:abc',
    total: 0,
    options: {},
    ...overrides,
  };
}

/** A case result; `pass` decides the outcome. */
export function caseResult(runId: string, caseIndex: number, pass: boolean, overrides: Record<string, unknown> = {}) {
  return {
    runId,
    key: `key-${caseIndex}`,
    promptId: 'triage',
    providerId: 'mock:model',
    caseId: `case-${caseIndex}`,
    caseIndex,
    repeat: 0,
    vars: { ticket: `ticket ${caseIndex}` },
    messages: [{ role: 'user', content: `Classify ticket ${caseIndex}` }],
    output: `answer ${caseIndex}`,
    toolCalls: [],
    pass,
    score: pass ? 1 : 0,
    assertions: [{ type: 'contains', pass, score: pass ? 1 : 0, reason: pass ? 'found' : 'missing', weight: 1, required: false }],
    latencyMs: 120,
    usage: { inputTokens: 20, outputTokens: 10, cachedInputTokens: 0, reasoningTokens: 0, totalTokens: 30 },
    cost: 0.0001,
    cached: false,
    finishedAt: '2026-11-20T10:00:01.000Z',
    ...overrides,
  };
}

/**
 * Runs a test body once on SQLite and once on PostgreSQL (a server this file starts): the same
 * server must behave the same on both. `openApp` makes a fresh app on the dialect of the run.
 *
 * @example
 * describeEachDialect((openApp) => {
 *   let t: TestApp;
 *   beforeEach(async () => { t = await openApp(); });
 * });
 */
export function describeEachDialect(body: (openApp: (options?: Omit<TestAppOptions, 'postgresUrl'>) => Promise<TestApp>) => void): void {
  describe.each(['sqlite', 'postgres'] as const)('on %s', (dialect) => {
    let postgres: PostgresServer | undefined;
    if (dialect === 'postgres') {
      beforeAll(async () => {
        postgres = await startPostgres();
      }, 60_000);
      afterAll(async () => postgres?.stop());
    }
    body(async (options = {}) => createTestApp({ ...options, ...(postgres ? { postgresUrl: await postgres.freshUrl() } : {}) }));
  });
}
