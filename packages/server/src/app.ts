import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { OpenAPIHono } from '@hono/zod-openapi';
import { serveStatic } from '@hono/node-server/serve-static';
import { secureHeaders } from 'hono/secure-headers';
import { authenticate } from './auth.ts';
import { limitBody } from './body-limit.ts';
import { docsRoutes } from './docs-routes.ts';
import { validationHook } from './openapi-helpers.ts';
import { HttpProblem, problemFromRequestError, problemType, sendProblem } from './problem.ts';
import { instanceRoutes } from './routes/instance-routes.ts';
import { labelRoutes } from './routes/label-routes.ts';
import { promptRoutes } from './routes/prompt-routes.ts';
import { runRoutes } from './routes/run-routes.ts';
import { settingsRoutes } from './routes/settings-routes.ts';
import type { ServerDependencies, ServerEnv } from './server-env.ts';

/** Request bodies larger than this are refused with 413 (a prompt file is at most 1 MB). */
export const maxBodyBytes = 2 * 1024 * 1024;
/** Result uploads carry up to 2,000 results, each with a model's output. */
export const maxResultsBodyBytes = 32 * 1024 * 1024;

/**
 * The Assay server as a Hono app: the JSON API under /api (OpenAPI at /api/openapi.json), the docs
 * under /docs, and the dashboard at every other path. Tests call `app.request()` in-process;
 * `startServer` puts it on a socket.
 *
 * @example
 * const app = createApp({ registry, store, webRoot: 'packages/web/dist' });
 * const response = await app.request('/api/health');
 */
export function createApp(dependencies: ServerDependencies) {
  const app = new OpenAPIHono<ServerEnv>({ defaultHook: validationHook });

  app.onError(async (error, context) => {
    const problem = await problemFromRequestError(error, context);
    if (problem.status >= 500) console.error(`${context.req.method} ${new URL(context.req.url).pathname}:`, error);
    return sendProblem(context, { ...problem, instance: new URL(context.req.url).pathname });
  });

  app.use(
    '*',
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
      },
      referrerPolicy: 'same-origin',
    }),
  );

  app.use(
    '/api/*',
    limitBody(
      (context) => (/\/runs\/[^/]+\/results$/.test(context.req.path) ? maxResultsBodyBytes : maxBodyBytes),
      (context, maxSize) =>
        sendProblem(context, {
          type: problemType('too-large'),
          title: 'Payload too large',
          status: 413,
          detail: `Request bodies are limited to ${maxSize / 1024 / 1024} MB here.`,
          hint: 'Upload results in smaller batches.',
        }),
    ),
  );
  // No name, id or filter holds NUL, and PostgreSQL cannot compare text with one: a 400 on either database.
  app.use('/api/*', async (context, next) => {
    if (context.req.url.includes('%00')) throw new HttpProblem(400, 'invalid-parameter', 'Invalid parameter', 'The path or query holds a NUL character (%00).');
    await next();
  });
  app.use('/api/*', authenticate(dependencies));
  app.use('/api/*', async (context, next) => {
    await next();
    if (!context.res.headers.has('cache-control')) context.header('Cache-Control', 'no-store');
  });

  const projectRoutes = [promptRoutes, labelRoutes, runRoutes, settingsRoutes].map((routes) => routes(dependencies));
  app.route('/api', instanceRoutes(dependencies));
  for (const routes of projectRoutes) app.route('/api/projects/:projectId', routes);
  // The same routes for API keys, which belong to one project: /api/prompts/… is the key's project.
  for (const routes of projectRoutes) app.route('/api', routes);

  app.doc31('/api/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Assay server API',
      version: '1',
      description: 'Prompt registry, runs and audit log. Errors are application/problem+json. See docs/api.md.',
    },
    security: [{ apiKey: [] }],
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'apiKey', { type: 'http', scheme: 'bearer', description: 'A project API key' });

  app.all('/api/*', () => {
    throw new HttpProblem(404, 'not-found', 'Not found', 'No such API route. The routes are listed in /api/openapi.json.');
  });

  if (dependencies.docsRoot) app.route('/docs', docsRoutes(dependencies.docsRoot));

  if (dependencies.webRoot) {
    const webRoot = dependencies.webRoot;
    app.use('/assets/*', async (context, next) => {
      await next();
      // Vite puts a content hash in asset names, so they never change.
      if (context.res.status === 200) context.header('Cache-Control', 'public, max-age=31536000, immutable');
    });
    app.use('/*', serveStatic({ root: path.relative(process.cwd(), webRoot) || '.' }));
    // Client-side routes (/p/…/runs/…) all load the app shell.
    app.get('*', async (context) => {
      const index = path.join(webRoot, 'index.html');
      if (!existsSync(index)) {
        return context.text('The dashboard is not built. Run `npm run build:web` (npm ci does it).', 503);
      }
      context.header('Cache-Control', 'no-cache');
      return context.html(await readFile(index, 'utf8'));
    });
  }

  return app;
}

export type AssayApp = ReturnType<typeof createApp>;
