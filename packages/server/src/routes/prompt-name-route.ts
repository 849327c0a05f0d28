import type { OpenAPIHono } from '@hono/zod-openapi';
import { reservedPromptNameSegments } from '@assay/core';
import type { ServerEnv } from '../server-env.ts';

/**
 * What `{name}` matches in a prompt route: one or more path segments, so `support/triage` may be
 * sent as is (`/api/prompts/support/triage/versions`) or encoded (`support%2Ftriage`, one
 * segment). A segment after the first is never a route word (`versions`, `labels`, `diff`,
 * `changelog`), which pushes refuse in names, so every URL names one route and one prompt.
 */
const promptNamePattern = `[^/]+(?:/(?!(?:${reservedPromptNameSegments.join('|')})(?:/|$))[^/]+)*`;

/**
 * Declares a prompt route whose `{name}` may hold slashes: the OpenAPI document gets the route as
 * written (`/prompts/{name}/versions`), Hono gets it with a pattern parameter
 * (`/prompts/:name{…}/versions`). Use as `app.openapi(promptNameRoute(app, createRoute({…})), handler)`.
 */
export function promptNameRoute<Route extends { path: string }>(app: OpenAPIHono<ServerEnv>, route: Route): Route {
  app.openAPIRegistry.registerPath(route as unknown as Parameters<typeof app.openAPIRegistry.registerPath>[0]);
  // zod-openapi turns `/{x}` into `/:x` up to the first `}`, so `{name{pattern}}` becomes `:name{pattern}` (the pattern has no braces).
  return { ...route, path: route.path.replace('/{name}', `/{name{${promptNamePattern}}}`), hide: true };
}

/** The OpenAPI description of the `name` path parameter. */
export const promptNameDescription =
  'The prompt name, e.g. support/triage: its slashes may be sent as they are (/api/prompts/support/triage/versions) or encoded as %2F.';
