import { z } from '@hono/zod-openapi';
import type { Hook } from '@hono/zod-openapi';
import { problemType, sendProblem } from './problem.ts';
import type { ServerEnv } from './server-env.ts';

/** The problem+json body every error response carries (RFC 9457). */
export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    hint: z.string().optional(),
    fields: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .catchall(z.unknown())
  .openapi('Problem');

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: ProblemSchema } } });

/** Error responses documented on every route. */
export const errorResponses = {
  400: problem('The body is not JSON, or a query or path parameter is invalid (`fields` names it).'),
  401: problem('No valid session or API key.'),
  403: problem('The caller lacks the role, or the rules forbid the change (see `reason`).'),
  404: problem('Not found, or in a project the caller cannot access.'),
  409: problem('Conflict with the current state (stale revision, taken name).'),
  413: problem('The request body is too large.'),
  415: problem('The body is not application/json.'),
  422: problem('The request failed validation; `fields` names each problem.'),
  429: problem('Too many failed logins; wait for `Retry-After` seconds.'),
  503: problem('The database is unreachable; nothing was written.'),
} as const;

/** A JSON request body. */
export function jsonBody<T extends z.ZodType>(schema: T, description?: string) {
  return { content: { 'application/json': { schema } }, required: true, ...(description ? { description } : {}) };
}

/** A JSON response. */
export function jsonResponse<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } } };
}

/** A page of a cursor-paged list. */
export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

/** `limit` and `cursor` as query strings. */
export const PageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).optional(),
  cursor: z.string().max(500).optional(),
});

/**
 * Request validation failures name each field: a body that does not fit is a 422, a query or path
 * parameter that does not (`?lastReviewedBefore=2026-13-45`, `/versions/abc`) a 400 naming it.
 */
export const validationHook: Hook<unknown, ServerEnv, string, unknown> = (result, context) => {
  if (result.success) return;
  const inUrl = result.target === 'query' || result.target === 'param';
  const fields = result.error.issues.map((issue) => ({ path: issue.path.map(String).join('.') || (inUrl ? `(${result.target})` : '(body)'), message: issue.message }));
  const detail = fields.map((field) => `${field.path}: ${field.message}`).join('; ');
  if (inUrl) {
    const kind = result.target === 'query' ? 'query parameter' : 'path parameter';
    return sendProblem(context, { type: problemType('invalid-parameter'), title: 'Invalid parameter', status: 400, detail: `Invalid ${kind}: ${detail}`, fields });
  }
  return sendProblem(context, { type: problemType('invalid-input'), title: 'Invalid input', status: 422, detail, fields });
};
