// A small typed client for the server's HTTP API (docs/api.md; /api/openapi.json). The session cookie
// travels by itself (`credentials: 'same-origin'`); every request that changes something carries
// the session's CSRF token in `X-CSRF-Token`.
import type {
  ActorNames,
  ApiKey,
  AuditEvent,
  CaseOutcome,
  CaseResult,
  ChangeRequest,
  ChangeRequestStatus,
  Changelog,
  Label,
  LabelHistoryEntry,
  LabelTarget,
  Membership,
  Page,
  Project,
  ProjectAccess,
  ProjectSettings,
  PromptDiff,
  PromptSummary,
  PromptVersion,
  RiskTier,
  Role,
  RunComparison,
  RunListItem,
  RunRecord,
  SessionInfo,
  User,
} from './types.ts';
import { readResult, readRun, type Read } from './read-run.ts';

/** An `application/problem+json` body (RFC 9457) plus whatever the server adds. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  /** What to do about it. */
  hint?: string;
  fields?: { path: string; message: string }[];
  [extra: string]: unknown;
}

const apiErrorMarker = Symbol.for('assay.web.api-error');

/** A request the server answered with an error (or that never reached it: `status` 0). */
export class ApiError extends Error {
  readonly [apiErrorMarker] = true;
  readonly status: number;
  readonly problem: Problem;

  constructor(problem: Problem) {
    super(problem.detail ? `${problem.title}: ${problem.detail}` : problem.title);
    this.name = 'ApiError';
    this.status = problem.status;
    this.problem = problem;
  }

  /** The problem's `reason`, else the last segment of its type (`/docs/api.md#approval-required` → `approval-required`). */
  get reason(): string {
    if (typeof this.problem.reason === 'string') return this.problem.reason;
    const type = this.problem.type ?? '';
    return type.slice(Math.max(type.lastIndexOf('/'), type.lastIndexOf('#')) + 1);
  }

  static isInstance(error: unknown): error is ApiError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[apiErrorMarker] === true;
  }
}

let csrfToken: string | null = null;
let unauthorizedHandler: (() => void) | null = null;

/** Remembers the token the server handed out with the session (login, setup, GET /api/session). */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when a request made with a session gets 401 (the session expired or was revoked). */
export function onUnauthorized(handler: (() => void) | null): void {
  unauthorizedHandler = handler;
}

type Query = Record<string, string | number | boolean | null | undefined>;

interface RequestOptions {
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
  /** Leave a 401 to the caller instead of sending the user to the login page. */
  allowUnauthorized?: boolean;
}

function withQuery(path: string, query: Query | undefined): string {
  if (!query) return path;
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `${path}?${text}` : path;
}

async function readProblem(response: Response): Promise<Problem> {
  const fallback: Problem = { type: 'about:blank', title: response.statusText || `HTTP ${response.status}`, status: response.status };
  const type = response.headers.get('content-type') ?? '';
  if (!type.includes('json')) return fallback;
  try {
    const body = (await response.json()) as Partial<Problem>;
    return { ...fallback, ...body, title: body.title || fallback.title, status: body.status ?? response.status };
  } catch {
    return fallback;
  }
}

async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(withQuery(path, options.query), {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      credentials: 'same-origin',
      signal: options.signal,
    });
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw new ApiError({ type: 'about:blank', title: 'Network error', status: 0, detail: 'The Assay server could not be reached.' });
  }
  if (!response.ok) {
    const problem = await readProblem(response);
    if (response.status === 401 && !options.allowUnauthorized) unauthorizedHandler?.();
    throw new ApiError(problem);
  }
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

type Named<T> = T & { names?: ActorNames };

/** A list with the server's `names` of the people and keys it mentions (none from an older server). */
const withNames = <T,>(body: Named<T>): T & { names: ActorNames } => ({ ...body, names: body.names ?? {} });

const project = (projectId: string) => `/api/projects/${encodeURIComponent(projectId)}`;
const prompt = (projectId: string, name: string) => `${project(projectId)}/prompts/${encodeURIComponent(name)}`;
const label = (projectId: string, name: string, labelName: string) => `${prompt(projectId, name)}/labels/${encodeURIComponent(labelName)}`;

// ---------------------------------------------------------------------------------------------
// Instance

export const getSetup = () => request<{ needed: boolean }>('GET', '/api/setup', { allowUnauthorized: true });

export const completeSetup = (body: { token: string; email: string; name: string; password: string }) =>
  request<{ user: User; csrfToken: string }>('POST', '/api/setup', { body, allowUnauthorized: true });

export const login = (body: { email: string; password: string }) =>
  request<{ user: User; csrfToken: string }>('POST', '/api/login', { body, allowUnauthorized: true });

export const logout = () => request<void>('POST', '/api/logout', { allowUnauthorized: true });

/** Ends the user's other sessions; this browser gets a new one (and a new CSRF token). */
export const changePassword = (body: { currentPassword: string; newPassword: string }) =>
  request<{ user: User; csrfToken: string }>('POST', '/api/password', { body });

export const getSession = () => request<SessionInfo>('GET', '/api/session', { allowUnauthorized: true });

export const listProjects = (signal?: AbortSignal) => request<{ items: ProjectAccess[] }>('GET', '/api/projects', { signal });

export const createProject = (body: { name: string; displayName?: string }) => request<{ project: Project }>('POST', '/api/projects', { body });

// ---------------------------------------------------------------------------------------------
// Prompts, versions, labels, change requests

export interface PromptFilters {
  owner?: string;
  riskTier?: RiskTier;
  lastReviewedBefore?: string;
  limit?: number;
  cursor?: string;
}

export const listPrompts = (projectId: string, filters: PromptFilters, signal?: AbortSignal) =>
  request<Page<PromptSummary>>('GET', `${project(projectId)}/prompts`, { query: { ...filters }, signal });

export const getPrompt = (projectId: string, name: string, signal?: AbortSignal) =>
  request<{ prompt: PromptSummary; labels: Label[] }>('GET', prompt(projectId, name), { signal });

export const listVersions = (projectId: string, name: string, options: { limit?: number; cursor?: string }, signal?: AbortSignal) =>
  request<Page<PromptVersion>>('GET', `${prompt(projectId, name)}/versions`, { query: { ...options }, signal });

export const getDiff = (projectId: string, name: string, from: number, to: number, signal?: AbortSignal) =>
  request<PromptDiff>('GET', `${prompt(projectId, name)}/diff`, { query: { from, to }, signal });

export const getChangelog = (projectId: string, name: string, signal?: AbortSignal) =>
  request<Changelog>('GET', `${prompt(projectId, name)}/changelog`, { signal });

export const listLabels = async (projectId: string, name: string, signal?: AbortSignal) =>
  withNames(await request<{ items: Label[]; names?: ActorNames }>('GET', `${prompt(projectId, name)}/labels`, { signal }));

/** The labels of the prompts named (at most 100), in one request. */
export const listLabelsOf = (projectId: string, promptNames: string[], signal?: AbortSignal) =>
  request<{ items: Label[] }>('GET', `${project(projectId)}/labels`, { query: { prompts: promptNames.join(',') }, signal });

export const setLabel = (projectId: string, name: string, labelName: string, body: { targets: LabelTarget[]; expectedRevision: number; message?: string }) =>
  request<Label>('PUT', label(projectId, name, labelName), { body });

export const rollbackLabel = (projectId: string, name: string, labelName: string, body: { expectedRevision: number; message?: string }) =>
  request<Label>('POST', `${label(projectId, name, labelName)}/rollback`, { body });

export const labelHistory = async (projectId: string, name: string, labelName: string, options: { limit?: number; cursor?: string }, signal?: AbortSignal) =>
  withNames(await request<Named<Page<LabelHistoryEntry>>>('GET', `${label(projectId, name, labelName)}/history`, { query: { ...options }, signal }));

export const listChangeRequests = async (
  projectId: string,
  options: { promptName?: string; status?: ChangeRequestStatus; limit?: number; cursor?: string },
  signal?: AbortSignal,
) => withNames(await request<Named<Page<ChangeRequest>>>('GET', `${project(projectId)}/change-requests`, { query: { ...options }, signal }));

export const createChangeRequest = (projectId: string, body: { promptName: string; label: string; targets: LabelTarget[]; message?: string }) =>
  request<ChangeRequest>('POST', `${project(projectId)}/change-requests`, { body });

export const reviewChangeRequest = (projectId: string, id: string, body: { decision: 'approve' | 'reject'; comment?: string }) =>
  request<ChangeRequest>('POST', `${project(projectId)}/change-requests/${encodeURIComponent(id)}/reviews`, { body });

export const applyChangeRequest = (projectId: string, id: string) =>
  request<{ changeRequest: ChangeRequest; label: Label }>('POST', `${project(projectId)}/change-requests/${encodeURIComponent(id)}/apply`);

export const cancelChangeRequest = (projectId: string, id: string) =>
  request<ChangeRequest>('POST', `${project(projectId)}/change-requests/${encodeURIComponent(id)}/cancel`);

// ---------------------------------------------------------------------------------------------
// Runs

export const listRuns = (projectId: string, options: { label?: string; limit?: number; offset?: number }, signal?: AbortSignal) =>
  request<{ items: RunListItem[]; total: number }>('GET', `${project(projectId)}/runs`, { query: { ...options }, signal });

/**
 * The run, read defensively (read-run.ts): `problems` names what was stored in another shape;
 * `stored` is how many of its results have arrived (null from a server that does not say).
 */
export const getRun = async (projectId: string, runId: string, signal?: AbortSignal): Promise<Read<RunRecord> & { stored: number | null }> => {
  const body = await request<{ run: unknown; stored?: unknown }>('GET', `${project(projectId)}/runs/${encodeURIComponent(runId)}`, { signal });
  return { ...readRun(body.run), stored: typeof body.stored === 'number' && Number.isSafeInteger(body.stored) ? body.stored : null };
};

export const listResults = async (
  projectId: string,
  runId: string,
  options: { offset?: number; limit?: number; outcome?: CaseOutcome; q?: string },
  signal?: AbortSignal,
): Promise<{ items: Read<CaseResult>[]; total: number }> => {
  const page = await request<{ items: unknown[]; total: number }>('GET', `${project(projectId)}/runs/${encodeURIComponent(runId)}/results`, { query: { ...options }, signal });
  return { items: page.items.map((item, index) => readResult(item, (options.offset ?? 0) + index)), total: page.total };
};

/** `a` is the candidate, `b` the baseline. */
export const compareRuns = (projectId: string, a: string, b: string, signal?: AbortSignal) =>
  request<RunComparison>('GET', `${project(projectId)}/compare`, { query: { a, b, confidence: 0.95 }, signal });

// ---------------------------------------------------------------------------------------------
// Audit and settings

export const listAuditEvents = async (projectId: string, options: { action?: string; limit?: number; cursor?: string }, signal?: AbortSignal) =>
  withNames(await request<Named<Page<AuditEvent>>>('GET', `${project(projectId)}/audit`, { query: { ...options }, signal }));

export const getSettings = (projectId: string, signal?: AbortSignal) => request<{ project: Project }>('GET', `${project(projectId)}/settings`, { signal });

export const saveSettings = (projectId: string, body: Partial<ProjectSettings>) =>
  request<{ project: Project }>('PUT', `${project(projectId)}/settings`, { body });

export const listApiKeys = async (projectId: string, signal?: AbortSignal) =>
  withNames(await request<{ items: ApiKey[]; names?: ActorNames }>('GET', `${project(projectId)}/api-keys`, { signal }));

export const createApiKey = (projectId: string, body: { name: string; role: Role; expiresAt?: string }) =>
  request<{ apiKey: ApiKey; secret: string }>('POST', `${project(projectId)}/api-keys`, { body });

export const revokeApiKey = (projectId: string, id: string) => request<ApiKey>('POST', `${project(projectId)}/api-keys/${encodeURIComponent(id)}/revoke`);

/** Members, and the instance administrators who reach the project without being members. */
export const listMembers = async (projectId: string, signal?: AbortSignal): Promise<{ items: Membership[]; instanceAdmins: User[] }> => {
  const body = await request<{ items: Membership[]; instanceAdmins?: User[] }>('GET', `${project(projectId)}/members`, { signal });
  return { items: body.items, instanceAdmins: body.instanceAdmins ?? [] };
};

export const setMember = (projectId: string, body: { email: string; role: Role }) => request<Membership>('PUT', `${project(projectId)}/members`, { body });

/** Instance administrators only. */
export const createUser = (body: { email: string; name: string; password: string }) => request<{ user: User }>('POST', '/api/users', { body });

export const removeMember = (projectId: string, userId: string) => request<void>('DELETE', `${project(projectId)}/members/${encodeURIComponent(userId)}`);
