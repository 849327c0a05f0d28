import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { AssayError, ConfigError, ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from '@assay/spec';
import { StoreUnavailableError } from '@assay/store';

/**
 * An RFC 9457 problem document. `type` links to the section of docs/api.md that explains the
 * problem (the server serves the docs under /docs/, so the link opens on any install).
 */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  /** What to do about it. */
  hint?: string;
  /** One entry per invalid field: a dotted path and what is wrong with it. */
  fields?: { path: string; message: string }[];
  [extension: string]: unknown;
}

export function problemType(slug: string): string {
  return `/docs/api.md#${slug}`;
}

/** Sends a problem with `application/problem+json`. */
export function sendProblem(context: Context, problem: Problem): Response {
  return context.body(JSON.stringify(problem), problem.status as ContentfulStatusCode, { 'content-type': 'application/problem+json' });
}

/** A problem the server raises itself (no session, wrong role, too large…). */
export class HttpProblem extends Error {
  readonly problem: Problem;

  constructor(status: number, slug: string, title: string, detail?: string, extensions: Record<string, unknown> = {}) {
    super(detail ?? title);
    this.problem = { type: problemType(slug), title, status, ...(detail === undefined ? {} : { detail }), ...extensions };
  }
}

/**
 * What an error thrown while answering `context` becomes on the wire: {@link problemFromError},
 * except that Hono's own refusals of a request body (issue 10: they were 500s) say what was wrong
 * with this request's body.
 */
export async function problemFromRequestError(error: unknown, context: Context): Promise<Problem> {
  if (!(error instanceof HTTPException) || (error.status !== 400 && error.status !== 415)) return problemFromError(error);
  const contentType = context.req.header('content-type');
  if (error.status === 415) {
    return {
      ...unsupportedMediaType,
      detail: contentType ? `This route takes application/json, not ${contentType.split(';')[0]!.trim()}.` : 'The request has a body but no Content-Type; this route takes application/json.',
    };
  }
  // Hono's validator read the body as text before JSON.parse failed, so it is cached: reading it again costs nothing.
  const text = context.req.bodyCache.text ? await context.req.text().catch(() => undefined) : undefined;
  if (text === undefined) return problemFromError(error);
  if (text.trim() === '') return { ...malformedBody, detail: 'The request body is empty; this route takes a JSON document.' };
  try {
    JSON.parse(text);
  } catch (parseError) {
    return { ...malformedBody, detail: `The request body is not valid JSON: ${(parseError as Error).message}.` };
  }
  return problemFromError(error);
}

const malformedBody: Problem = {
  type: problemType('malformed-body'),
  title: 'Malformed request body',
  status: 400,
  detail: 'The request body is empty or not valid JSON.',
  hint: 'Send a JSON document with Content-Type: application/json.',
};

const unsupportedMediaType: Problem = {
  type: problemType('unsupported-media-type'),
  title: 'Unsupported media type',
  status: 415,
  detail: 'This route takes application/json.',
  hint: 'Send a JSON document with Content-Type: application/json.',
};

/** What an error thrown by a route becomes on the wire. Database faults are 503: nothing was written, a retry may work. */
export function problemFromError(error: unknown): Problem {
  if (error instanceof HttpProblem) return error.problem;
  if (error instanceof HTTPException && error.status === 400) return malformedBody;
  if (error instanceof HTTPException && error.status === 415) return unsupportedMediaType;
  const hint = AssayError.isInstance(error) && error.hint ? { hint: error.hint } : {};
  if (NotFoundError.isInstance(error)) {
    return { type: problemType('not-found'), title: 'Not found', status: 404, detail: error.message, resource: error.resource, ...hint };
  }
  if (ConflictError.isInstance(error)) {
    return {
      type: problemType('conflict'),
      title: 'Conflict',
      status: 409,
      detail: error.message,
      ...(error.currentRevision === undefined ? {} : { currentRevision: error.currentRevision, expectedRevision: error.expectedRevision }),
      ...hint,
    };
  }
  if (ForbiddenError.isInstance(error)) {
    return {
      type: problemType(error.reason),
      title: 'Forbidden',
      status: 403,
      detail: error.message,
      reason: error.reason,
      ...(error.requiredApprovals === undefined ? {} : { requiredApprovals: error.requiredApprovals }),
      ...hint,
    };
  }
  if (InvalidInputError.isInstance(error)) {
    return {
      type: problemType('invalid-input'),
      title: 'Invalid input',
      status: 422,
      detail: error.message,
      fields: error.issues.map((issue) => ({ path: issue.field, message: issue.message })),
      ...hint,
    };
  }
  if (error instanceof ConfigError || (AssayError.isInstance(error) && error.name === 'ConfigError')) {
    const config = error as ConfigError;
    return {
      type: problemType('invalid-prompt'),
      title: 'Invalid prompt file',
      status: 422,
      detail: config.message,
      ...(config.line === undefined ? {} : { line: config.line }),
      ...(config.field === undefined ? {} : { field: config.field }),
      ...hint,
    };
  }
  if (isUnstorableText(error)) {
    return { type: problemType('invalid-input'), title: 'Invalid input', status: 422, detail: 'Text holding a NUL character (\\u0000) cannot be stored.' };
  }
  if (error instanceof StoreUnavailableError || isDatabaseFault(error)) {
    return {
      type: problemType('unavailable'),
      title: 'Store unavailable',
      status: 503,
      detail: 'The database could not be reached; nothing was written. Try again shortly.',
    };
  }
  if (error instanceof RangeError) {
    return { type: problemType('invalid-input'), title: 'Invalid input', status: 422, detail: error.message };
  }
  return { type: problemType('internal'), title: 'Internal server error', status: 500, detail: 'The server failed; the error is in its log.' };
}

/**
 * PostgreSQL refuses NUL in text (22021) and `\u0000` in JSON (22P05); SQLite stores both. It is
 * the value sent, not a fault of the server (issue 10: a name with NUL was a 500).
 */
function isUnstorableText(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return code === '22021' || code === '22P05';
}

/** A lost or refused database connection (pg and node system errors carry a string `code`). */
function isDatabaseFault(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string') return /Connection terminated|connection.*(closed|ended)/i.test(String((error as Error).message));
  // ECONNREFUSED, ECONNRESET, ETIMEDOUT…; PostgreSQL classes 08 (connection), 53 (resources), 57 (shutdown).
  return /^E[A-Z]+$/.test(code) || /^(08|53|57)/.test(code);
}
