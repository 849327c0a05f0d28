import { setTimeout as delay } from 'node:timers/promises';
import {
  AssayError,
  ConfigError,
  type ApiKey,
  type CaseResult,
  type ChangeRequest,
  type Label,
  type LabelHistoryEntry,
  type LabelTarget,
  type Page,
  type Project,
  type PromptSummary,
  type PromptVersion,
  type Role,
  type RunRecord,
  type RunStatus,
  type RunSummary,
  type User,
} from '@assay/spec';
import { ServerError, type ServerProblem } from './server-error.ts';

/** Where `assay serve` listens by default. */
export const defaultServerUrl = 'http://127.0.0.1:7400';

const createKeyHint = 'Create a key with `assay admin create-key --project <name> --role editor` on the server’s machine (or in the dashboard settings) and set ASSAY_API_KEY to it.';

export interface RetryOptions {
  /** Attempts in all, the first included. Default 5. */
  attempts?: number;
  /** No retry starts once this much time has passed since the first attempt. Default 30 s. */
  budgetMs?: number;
  /** The first backoff; it doubles with each attempt (with jitter), up to `maxDelayMs`. Default 500 ms. */
  baseDelayMs?: number;
  /** Default 8 s. */
  maxDelayMs?: number;
  /** How to wait (tests pass one that records the delay and returns at once). */
  sleep?: (milliseconds: number) => Promise<void>;
  /** The jitter's source, 0 ≤ x < 1. Default Math.random. */
  random?: () => number;
}

export interface ServerClientOptions {
  /** Base URL of the server; default `$ASSAY_SERVER`, else http://127.0.0.1:7400. */
  server?: string;
  /** Default `$ASSAY_API_KEY`. Needed for every call except `health()`. */
  apiKey?: string;
  /** A dashboard session (from {@link logIn}) instead of a key; project routes then name `projectId`. */
  session?: { cookie: string; csrfToken: string; projectId?: string };
  /** Where ASSAY_SERVER and ASSAY_API_KEY are read from. Default `process.env`. */
  env?: Record<string, string | undefined>;
  retry?: RetryOptions;
  /** Per attempt; a request that takes longer counts as a network failure. Default 60 s. */
  timeoutMs?: number;
  /** Told about each retry (what failed, how long until the next attempt). */
  onRetry?: (message: string) => void;
  fetch?: typeof globalThis.fetch;
}

export interface RequestOptions {
  body?: unknown;
  query?: Record<string, string | number | undefined>;
  /** Send the API key or session. Default true. */
  auth?: boolean;
  /**
   * Whether the request may be sent again after a network failure that happened once it may
   * have reached the server. Default true for GET, HEAD and PUT (a label move is a
   * compare-and-set: repeating it cannot move the label twice). A refused connection is retried
   * either way: nothing reached the server.
   */
  idempotent?: boolean;
}

export interface ServerResponse<T> {
  status: number;
  headers: Headers;
  body: T;
}

export interface SessionInfo {
  user: User | null;
  apiKey: ApiKey | null;
  csrfToken: string | null;
  projects: { project: Project; role: Role }[];
}

export interface ResolvedLabel {
  name: string;
  label: string;
  revision: number;
  targets: LabelTarget[];
  versions: PromptVersion[];
}

export interface PromptVersionDiffResponse {
  from: number;
  to: number;
  changes: { field: 'template' | 'modelConfig' | 'inputSchema' | 'outputSchema' | 'metadata'; unified: string; added: number; removed: number }[];
}

export interface ChangelogResponse {
  markdown: string;
  entries: { version: number; author: string; message: string | null; createdAt: string; changedFields: string[]; labels: string[] }[];
}

/**
 * The Assay server's HTTP API (docs/api.md; /api/openapi.json) for the CLI: API-key auth, retries of
 * 429/502/503/504 and network failures (exponential backoff with jitter, `Retry-After` honoured,
 * about 5 attempts or 30 s), and problem+json errors turned into {@link ServerError}s. The key is
 * sent only in the Authorization header and never appears in a message.
 *
 * @example
 * const client = createServerClient({ server: options.server });
 * const { version, created } = await client.pushPrompt({ name: 'support/triage', source });
 */
export function createServerClient(options: ServerClientOptions = {}) {
  const env = options.env ?? process.env;
  const url = serverUrl(options.server ?? env.ASSAY_SERVER);
  const apiKey = (options.apiKey ?? env.ASSAY_API_KEY)?.trim() || undefined;
  const session = options.session;
  const fetch = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const retry = {
    attempts: options.retry?.attempts ?? 5,
    budgetMs: options.retry?.budgetMs ?? 30_000,
    baseDelayMs: options.retry?.baseDelayMs ?? 500,
    maxDelayMs: options.retry?.maxDelayMs ?? 8_000,
    sleep: options.retry?.sleep ?? ((milliseconds: number) => delay(milliseconds)),
    random: options.retry?.random ?? Math.random,
  };
  const projectBase = session?.projectId ? `/api/projects/${encodeURIComponent(session.projectId)}` : '/api';

  function authHeaders(method: string): Record<string, string> {
    if (session) return { cookie: session.cookie, ...(method === 'GET' || method === 'HEAD' ? {} : { 'x-csrf-token': session.csrfToken }) };
    if (!apiKey) {
      throw new ConfigError('No API key: set ASSAY_API_KEY to a key of the Assay server', { hint: createKeyHint, docs: 'prompts-registry.md' });
    }
    return { authorization: `Bearer ${apiKey}` };
  }

  /** Sends one request with retries. Answers every status that is not retried; a retried one that persists throws a {@link ServerError}. */
  async function send<T>(method: string, path: string, request: RequestOptions = {}): Promise<ServerResponse<T>> {
    const headers: Record<string, string> = { accept: 'application/json', ...(request.auth === false ? {} : authHeaders(method)) };
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    const body = request.body === undefined ? undefined : JSON.stringify(request.body);
    const target = url + path + queryString(request.query);
    const idempotent = request.idempotent ?? (method === 'GET' || method === 'HEAD' || method === 'PUT');
    const started = Date.now();

    for (let attempt = 1; ; attempt++) {
      let response: Response | undefined;
      let failure: unknown;
      try {
        response = await fetch(target, { method, headers, body, signal: AbortSignal.timeout(timeoutMs) });
      } catch (error) {
        failure = error;
      }

      let retryAfterMs = 0;
      let what: string;
      if (response) {
        if (!retriedStatuses.has(response.status)) return { status: response.status, headers: response.headers, body: (await readBody(response, method, path)) as T };
        retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
        what = `${method} ${path} answered ${response.status}`;
      } else {
        const code = networkCode(failure);
        if (!retriedNetworkCodes.has(code) || (!idempotent && !neverSentCodes.has(code))) throw unreachable(url, failure, attempt, started);
        what = `${method} ${path} failed (${describeNetworkCode(code)})`;
      }

      const backoff = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempt - 1)) * (0.5 + retry.random() * 0.5);
      const wait = Math.round(Math.max(backoff, retryAfterMs));
      if (attempt >= retry.attempts || Date.now() - started + wait > retry.budgetMs) {
        if (response) throw await errorFromResponse(response, method, path, attempt);
        throw unreachable(url, failure, attempt, started);
      }
      await response?.body?.cancel().catch(() => {});
      options.onRetry?.(`${what}; retrying in ${(wait / 1000).toFixed(1)} s (attempt ${attempt + 1} of ${retry.attempts}).`);
      await retry.sleep(wait);
    }
  }

  /** `send`, and any status from 400 up becomes a {@link ServerError}. */
  async function call<T>(method: string, path: string, request: RequestOptions = {}): Promise<T> {
    return (await callWithStatus<T>(method, path, request)).body;
  }

  async function callWithStatus<T>(method: string, path: string, request: RequestOptions = {}): Promise<ServerResponse<T>> {
    const response = await send<T>(method, path, request);
    if (response.status >= 400) throw problemError(response.status, '', response.body as ServerProblem | string | null, method, path, 1);
    return response;
  }

  const prompt = (name: string) => `${projectBase}/prompts/${encodeURIComponent(name)}`;
  const label = (name: string, labelName: string) => `${prompt(name)}/labels/${encodeURIComponent(labelName)}`;
  const changeRequest = (id: string) => `${projectBase}/change-requests/${encodeURIComponent(id)}`;
  const run = (id: string) => `${projectBase}/runs/${encodeURIComponent(id)}`;

  return {
    /** The server's base URL (no trailing slash, no credentials). */
    url,
    send,
    call,
    health: () => call<{ status: 'ok'; dialect: 'sqlite' | 'postgres' }>('GET', '/api/health', { auth: false }),
    session: () => call<SessionInfo>('GET', '/api/session'),
    listPrompts: (query: { owner?: string; riskTier?: string; lastReviewedBefore?: string; limit?: number; cursor?: string } = {}) =>
      call<Page<PromptSummary>>('GET', `${projectBase}/prompts`, { query }),
    // Pushing the same content again answers the existing version, so a push may be repeated.
    pushPrompt: (input: { name: string; source: string; author?: string; message?: string; partials?: Record<string, string> }) =>
      call<{ version: PromptVersion; created: boolean }>('POST', `${projectBase}/prompts`, { body: input, idempotent: true }),
    getPrompt: (name: string) => call<{ prompt: PromptSummary; labels: Label[] }>('GET', prompt(name)),
    resolveLabel: (name: string, labelName: string) => call<ResolvedLabel>('GET', prompt(name), { query: { label: labelName } }),
    getVersion: (name: string, version: number) => call<PromptVersion>('GET', `${prompt(name)}/versions/${version}`),
    listVersions: (name: string, query: { limit?: number; cursor?: string } = {}) => call<Page<PromptVersion>>('GET', `${prompt(name)}/versions`, { query }),
    diff: (name: string, from: number, to: number) => call<PromptVersionDiffResponse>('GET', `${prompt(name)}/diff`, { query: { from, to } }),
    changelog: (name: string) => call<ChangelogResponse>('GET', `${prompt(name)}/changelog`),
    setLabel: (name: string, labelName: string, input: { targets: LabelTarget[]; expectedRevision: number; message?: string }) =>
      call<Label>('PUT', label(name, labelName), { body: input }),
    // A rollback names the revision it expects, so repeating it after a lost answer fails with 409 rather than rolling back twice.
    rollbackLabel: (name: string, labelName: string, input: { expectedRevision: number; message?: string }) =>
      call<Label>('POST', `${label(name, labelName)}/rollback`, { body: input, idempotent: true }),
    labelHistory: (name: string, labelName: string, query: { limit?: number; cursor?: string } = {}) =>
      call<Page<LabelHistoryEntry>>('GET', `${label(name, labelName)}/history`, { query }),
    createChangeRequest: (input: { promptName: string; label: string; targets: LabelTarget[]; message?: string }) =>
      call<ChangeRequest>('POST', `${projectBase}/change-requests`, { body: input }),
    getChangeRequest: (id: string) => call<ChangeRequest>('GET', changeRequest(id)),
    reviewChangeRequest: (id: string, input: { decision: 'approve' | 'reject'; comment?: string }) =>
      call<ChangeRequest>('POST', `${changeRequest(id)}/reviews`, { body: input }),
    applyChangeRequest: (id: string) => call<{ changeRequest: ChangeRequest; label: Label }>('POST', `${changeRequest(id)}/apply`, { idempotent: true }),
    // Run uploads are resumable and results replace themselves by key, so every step may be repeated.
    createRun: (record: RunRecord) => callWithStatus<{ run: RunRecord; stored: number }>('POST', `${projectBase}/runs`, { body: { run: record }, idempotent: true }),
    appendResults: (runId: string, results: CaseResult[]) => call<{ stored: number }>('POST', `${run(runId)}/results`, { body: { results }, idempotent: true }),
    finishRun: (runId: string, input: { status: RunStatus; summary?: RunSummary; finishedAt: string }) =>
      call<{ run: RunRecord }>('POST', `${run(runId)}/finish`, { body: input, idempotent: true }),
    getRun: (runId: string) => call<{ run: RunRecord }>('GET', run(runId)),
    listResults: (runId: string, query: { offset?: number; limit?: number; outcome?: 'pass' | 'fail' | 'error'; q?: string } = {}) =>
      call<{ items: CaseResult[]; total: number }>('GET', `${run(runId)}/results`, { query }),
    logOut: () => call<null>('POST', '/api/logout'),
  };
}

export type ServerClient = ReturnType<typeof createServerClient>;

/**
 * Logs a person in (POST /api/login) for what API keys may not do, such as reviewing a change
 * request. Returns the session to pass to {@link createServerClient}.
 */
export async function logIn(options: ServerClientOptions & { email: string; password: string }): Promise<{ cookie: string; csrfToken: string; user: User }> {
  const client = createServerClient(options);
  const response = await client.send<{ user: User; csrfToken: string } | ServerProblem>('POST', '/api/login', {
    auth: false,
    body: { email: options.email, password: options.password },
    idempotent: true,
  });
  if (response.status >= 400) {
    const error = problemError(response.status, '', response.body as ServerProblem, 'POST', '/api/login', 1);
    if (response.status === 401) throw new ServerError(`Cannot log in as ${options.email}: wrong email or password`, { status: 401, problem: error.problem, hint: 'Check the email, and ASSAY_PASSWORD if you set it.', docs: 'prompts-registry.md' });
    throw error;
  }
  const cookie = /assay_session=[^;]+/.exec(response.headers.get('set-cookie') ?? '')?.[0];
  const body = response.body as { user: User; csrfToken: string };
  if (!cookie) throw new AssayError(`The server at ${client.url} logged ${options.email} in but sent no session cookie`, { hint: 'Is --server pointing at an Assay server?', docs: 'prompts-registry.md' });
  return { cookie, csrfToken: body.csrfToken, user: body.user };
}

// ---------------------------------------------------------------------------------------------

const retriedStatuses = new Set([429, 502, 503, 504]);
/** Failures worth another attempt: the server is starting, restarting, or the network blinked. */
const retriedNetworkCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'TimeoutError']);
/** Failures that happen before the request is sent, so even a non-idempotent request may be repeated. */
const neverSentCodes = new Set(['ECONNREFUSED', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/** Validates `--server` / ASSAY_SERVER and drops a trailing slash and any credentials in it. */
export function serverUrl(value: string | undefined): string {
  const text = value?.trim() || defaultServerUrl;
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    parsed = new URL('invalid:');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ConfigError(`The server must be an http:// or https:// URL, got "${text.replace(/\/\/[^@/]*@/, '//')}"`, {
      field: 'server',
      hint: `Pass --server or set ASSAY_SERVER, e.g. ${defaultServerUrl} (where \`assay serve\` listens by default).`,
      docs: 'prompts-registry.md',
    });
  }
  parsed.username = '';
  parsed.password = '';
  parsed.search = '';
  parsed.hash = '';
  return parsed.toString().replace(/\/+$/, '');
}

function queryString(query: RequestOptions['query']): string {
  if (!query) return '';
  const parameters = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) parameters.set(key, String(value));
  const text = parameters.toString();
  return text ? `?${text}` : '';
}

/** Seconds or an HTTP date → milliseconds from now (0 when absent or unreadable). */
export function parseRetryAfter(value: string | null): number {
  if (!value) return 0;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? 0 : Math.max(0, date - Date.now());
}

async function readBody(response: Response, method: string, path: string): Promise<unknown> {
  const text = await response.text();
  if (!text) return null;
  if (!/json/i.test(response.headers.get('content-type') ?? '')) {
    if (response.status < 400) {
      throw new AssayError(`${method} ${path} answered ${response.status} with ${response.headers.get('content-type') ?? 'no content type'}, not JSON`, {
        hint: 'Is --server (or ASSAY_SERVER) the address of an Assay server?',
        docs: 'prompts-registry.md',
      });
    }
    return text;
  }
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

async function errorFromResponse(response: Response, method: string, path: string, attempts: number): Promise<ServerError> {
  return problemError(response.status, response.statusText, await readBody(response, method, path), method, path, attempts);
}

/** A problem document (or whatever came instead) as one message with the server's hint and ours. */
function problemError(status: number, statusText: string, body: unknown, method: string, path: string, attempts: number): ServerError {
  const problem: ServerProblem = body !== null && typeof body === 'object' ? (body as ServerProblem) : {};
  const title = problem.title ?? (statusText || `HTTP ${status}`);
  let message = problem.detail ? `${title}: ${problem.detail}` : typeof body === 'string' && body.trim() ? `${title}: ${body.trim().slice(0, 200)}` : `${title} (${method} ${path})`;
  if (problem.fields?.length) message += ` (${problem.fields.map((field) => `${field.path || 'body'}: ${field.message}`).join('; ')})`;
  if (attempts > 1) message += ` (gave up after ${attempts} attempts)`;

  const hints: string[] = [];
  if (problem.hint) hints.push(problem.hint);
  const reason = problem.reason ?? (typeof problem.type === 'string' ? /#([\w-]+)$/.exec(problem.type)?.[1] : undefined);
  if (status === 401) hints.push(`Check ASSAY_API_KEY: it must be a key of this server that is not revoked or expired. ${createKeyHint}`);
  else if (reason === 'approval-required') {
    hints.push(`This move needs ${problem.requiredApprovals ?? 'one or more'} approval(s): ask for them with \`assay prompts promote <name>@<version> --label <label> --request\`.`);
  } else if (reason === 'reviewer-not-user' || reason === 'self-approval') {
    hints.push('Reviews are a person’s decision: another approver runs `assay prompts approve <id> --as <their email>`, or approves in the dashboard.');
  } else if (status === 403 && problem.requiredRole) {
    hints.push(`Use a key with the ${problem.requiredRole} role (this one has ${problem.role ?? 'a weaker one'}).`);
  } else if (status >= 500) {
    hints.push('The server failed or is unavailable; try again shortly. Its log has the details.');
  }
  const docs = typeof problem.type === 'string' && problem.type.startsWith('/docs/') ? problem.type.slice('/docs/'.length) : 'prompts-registry.md';
  return new ServerError(message, { status, problem, ...(hints.length ? { hint: hints.join(' ') } : {}), docs });
}

function networkCode(error: unknown): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return 'TimeoutError';
  const cause = (error as { cause?: { code?: unknown; errors?: { code?: unknown }[] } } | undefined)?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  // Node reports "localhost" (IPv4 and IPv6 both refused) as an AggregateError.
  const inner = cause?.errors?.find((item) => typeof item.code === 'string')?.code;
  return typeof inner === 'string' ? inner : 'unknown';
}

function describeNetworkCode(code: string): string {
  const known: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ECONNRESET: 'connection reset',
    ENOTFOUND: 'host not found',
    EAI_AGAIN: 'name lookup failed',
    TimeoutError: 'timed out',
  };
  return known[code] ? `${known[code]}, ${code}` : code;
}

function unreachable(url: string, failure: unknown, attempts: number, started: number): AssayError {
  const code = networkCode(failure);
  const cause = (failure as { cause?: unknown } | undefined)?.cause;
  const detail = code !== 'unknown' ? describeNetworkCode(code) : cause instanceof Error ? cause.message : failure instanceof Error ? failure.message : String(failure);
  const tries = attempts > 1 ? ` after ${attempts} attempts in ${((Date.now() - started) / 1000).toFixed(1)} s` : '';
  return new AssayError(`Cannot reach the Assay server at ${url} (${detail})${tries}`, {
    hint: 'Start it with `assay serve`, or point --server (or ASSAY_SERVER) at it.',
    docs: 'prompts-registry.md',
    cause: failure,
  });
}
