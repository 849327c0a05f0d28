import { Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import type { ApiKey, Project } from '@assay/spec';
import { openRegistryStore, type RegistryStore, type Store } from '@assay/store';
import { createApp } from './app.ts';
import { HttpProblem, problemFromRequestError, sendProblem } from './problem.ts';
import { runRoutes } from './routes/run-routes.ts';
import type { ServerEnv } from './server-env.ts';

/** The one project of the viewer: the dashboard's pages of the folder's runs live under `/p/local/`. */
export const viewerProjectId = 'local';

export interface ViewerAppOptions {
  /** The folder's store; the viewer shows its own runs (those `assay eval` made, without a project). */
  store: Store;
  /** An empty registry (`openViewerRegistry()`): what the run routes look up there finds nothing. */
  registry: RegistryStore;
  /** Where the runs come from, as the dashboard shows it (`.assay/assay.db`). */
  source: string;
  /** The project folder's name, shown as the project's name. */
  name: string;
  /** The built dashboard (index.html and assets). */
  webRoot?: string;
  /** The Markdown docs served under /docs/. */
  docsRoot?: string;
}

/** What GET /api/session adds in the viewer (the dashboard hides login, registry and settings when it is there). */
export interface ViewerInfo {
  /** Where the runs come from: `.assay/assay.db`. */
  source: string;
}

const epoch = new Date(0).toISOString();
const readMethods = new Set(['GET', 'HEAD']);

/**
 * `assay view`: the dashboard's run, case and compare pages over a folder's own runs, with no
 * login and nothing that changes anything. Only GET and HEAD are answered (anything else is 405,
 * whatever the path), only the read routes of the runs API exist (the server's own, from
 * `runRoutes`, as a viewer of the project `local`), and only requests addressed to a loopback
 * name are served: with no login, a page elsewhere that rebinds its DNS name to 127.0.0.1 must not
 * read the runs. The dashboard learns it is a viewer from GET /api/session (`viewer`).
 *
 * @example
 * const app = createViewerApp({ store, registry: await openViewerRegistry(), source: '.assay/assay.db', name: 'support-bot', webRoot });
 * const response = await app.request('http://127.0.0.1/api/runs');
 */
export function createViewerApp(options: ViewerAppOptions) {
  const project: Project = {
    id: viewerProjectId,
    organizationId: viewerProjectId,
    name: viewerProjectId,
    displayName: options.name || viewerProjectId,
    settings: { approvals: { low: 0, medium: 0, high: 0, critical: 0 }, protectedLabels: [] },
    createdAt: epoch,
  };
  const apiKey: ApiKey = {
    id: 'assay-view',
    projectId: viewerProjectId,
    name: 'assay view',
    role: 'viewer',
    prefix: '',
    createdBy: { type: 'system' },
    createdAt: epoch,
    expiresAt: null,
    lastUsedAt: null,
    revokedAt: null,
  };
  // The run routes read the registry (the project, registry versions of a run's prompts): an
  // empty one answers them with nothing, except the viewer's own project. Writes, which would
  // audit, never get past the 405 below.
  const registry = overriding(options.registry, 'getProject', async (id: string) => (id === viewerProjectId ? project : undefined));
  // The run routes always read through `store.project(id)`: the folder's own runs are project `local`'s.
  const store = overriding(options.store, 'project', (id: string) => {
    if (id !== viewerProjectId) throw new HttpProblem(404, 'not-found', 'Not found', `No project ${id} in the viewer.`);
    return options.store;
  });
  const dependencies = { registry, store };
  const viewer: ViewerInfo = { source: options.source };
  // The dashboard's files, docs and headers (CSP) exactly as `assay serve` serves them.
  const dashboard = createApp({ ...dependencies, ...(options.webRoot ? { webRoot: options.webRoot } : {}), ...(options.docsRoot ? { docsRoot: options.docsRoot } : {}) });

  const app = new Hono<ServerEnv>();
  app.onError(async (error, context) => {
    const problem = await problemFromRequestError(error, context);
    if (problem.status >= 500) console.error(`${context.req.method} ${new URL(context.req.url).pathname}:`, error);
    return sendProblem(context, { ...problem, instance: new URL(context.req.url).pathname });
  });

  app.use('*', async (context, next) => {
    // On a socket the URL's host is the Host header; in-process requests (tests) have only the URL.
    const host = context.req.header('host') ?? new URL(context.req.url).host;
    if (!isLoopbackHost(host)) {
      throw new HttpProblem(403, 'forbidden', 'Forbidden', `The viewer answers requests to 127.0.0.1, localhost or [::1] only, not to ${host}.`, {
        hint: 'Open the address `assay view` printed. To share runs, upload them to `assay serve` (docs/serve.md).',
      });
    }
    if (!readMethods.has(context.req.method)) {
      context.header('Allow', 'GET, HEAD');
      throw new HttpProblem(405, 'read-only', 'Method not allowed', `assay view is read-only: ${context.req.method} is refused.`, {
        hint: 'Runs are written by `assay eval`; labels, prompts and settings live on `assay serve`.',
      });
    }
    await next();
  });

  // No login, no first-run setup and no home page in the viewer: straight to the runs.
  for (const page of ['/', '/login', '/setup']) app.get(page, (context) => context.redirect(`/p/${viewerProjectId}/runs`, 302));

  app.use('/api/*', secureHeaders({ referrerPolicy: 'same-origin' }), async (context, next) => {
    context.set('principal', { kind: 'api-key', apiKey });
    context.set('audit', { actor: { type: 'system' } });
    await next();
    if (!context.res.headers.has('cache-control')) context.header('Cache-Control', 'no-store');
  });
  app.get('/api/health', (context) => context.json({ status: 'ok' as const, dialect: 'sqlite' as const, viewer: true }));
  app.get('/api/session', (context) => context.json({ user: null, apiKey: null, csrfToken: null, projects: [{ project, role: 'viewer' as const }], viewer }));
  app.get('/api/projects', (context) => context.json({ items: [{ project, role: 'viewer' as const }] }));
  const runs = runRoutes(dependencies);
  app.route('/api/projects/:projectId', runs);
  app.route('/api', runs);
  app.all('/api/*', () => {
    throw new HttpProblem(404, 'not-found', 'Not found', 'The viewer serves the runs API only: /api/runs, /api/runs/{id}, /api/runs/{id}/results and /api/compare.', {
      hint: 'Prompts, labels, settings and the audit log are on `assay serve`.',
    });
  });

  app.all('*', (context) => dashboard.fetch(context.req.raw, context.env));
  return app;
}

export type ViewerApp = ReturnType<typeof createViewerApp>;

/** 127.0.0.0/8, ::1 and localhost (with or without a port): what a browser sends to a loopback server. */
export function isLoopbackHost(host: string): boolean {
  const name = host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.replace(/:\d*$/, '');
  return isLoopbackAddress(name.toLowerCase());
}

/** The addresses `assay view` may listen on. */
export function isLoopbackAddress(address: string): boolean {
  return address === 'localhost' || address === '::1' || /^127(\.\d{1,3}){3}$/.test(address);
}

/** The registry a viewer reads: empty, in memory, gone when closed. */
export function openViewerRegistry(): Promise<RegistryStore> {
  return openRegistryStore({ sqlite: { file: ':memory:' } });
}

/** `target` with one method replaced; the others stay bound to it (its fields are private). */
function overriding<T extends object, K extends keyof T>(target: T, key: K, replacement: T[K]): T {
  return new Proxy(target, {
    get(object, property) {
      if (property === key) return replacement;
      const value: unknown = Reflect.get(object, property, object);
      return typeof value === 'function' ? value.bind(object) : value;
    },
  });
}
