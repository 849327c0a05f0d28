import type { Context } from 'hono';
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

/** What an error thrown by a route becomes on the wire. Database faults are 503: nothing was written, a retry may work. */
export function problemFromError(error: unknown): Problem {
  if (error instanceof HttpProblem) return error.problem;
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

/** A lost or refused database connection (pg and node system errors carry a string `code`). */
function isDatabaseFault(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string') return /Connection terminated|connection.*(closed|ended)/i.test(String((error as Error).message));
  // ECONNREFUSED, ECONNRESET, ETIMEDOUT…; PostgreSQL classes 08 (connection), 53 (resources), 57 (shutdown).
  return /^E[A-Z]+$/.test(code) || /^(08|53|57)/.test(code);
}
