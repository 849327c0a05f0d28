import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { compareRuns, storeRunSource } from '@assay/runner';
import {
  CaseResultSchema,
  NotFoundError,
  RunIdSchema,
  RunRecordSchema,
  RunStatusSchema,
  RunSummarySchema,
  RunUploadSchema,
  type RunRecord,
} from '@assay/spec';
import type { RunStore } from '@assay/store';
import { projectAccess } from '../auth.ts';
import { validationHook, errorResponses, jsonBody, jsonResponse } from '../openapi-helpers.ts';
import { HttpProblem } from '../problem.ts';
import { notComparable } from '../not-comparable.ts';
import type { ServerDependencies, ServerEnv } from '../server-env.ts';
import { linkRegistryVersions, withRegistryVersions } from './registry-version-links.ts';

const IsoSchema = z.iso.datetime({ offset: true });

// RunUploadSchema and CaseResultSchema (packages/spec) are what `assay eval --upload` sends,
// exactly: strict, so an unknown, missing or mistyped field is a 422 naming it and nothing is
// written. The project comes from the caller, never the body.

const RunListItemSchema = z.object({
  id: z.string(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  status: RunStatusSchema,
  label: z.string().nullable(),
  total: z.number().int(),
  passed: z.number().int().nullable(),
  failed: z.number().int().nullable(),
  errors: z.number().int().nullable(),
  passRate: z.number().nullable(),
  cost: z.number().nullable(),
});

/** Most results per upload request: a 2,000-result batch of typical results is a few MB. */
export const maxResultsPerUpload = 2000;

/** Runs: upload (create, append results in batches, finish), list, read a page of results, compare. */
export function runRoutes(dependencies: ServerDependencies) {
  const { store, registry } = dependencies;
  const app = new OpenAPIHono<ServerEnv>({ defaultHook: validationHook });
  const access = projectAccess(dependencies);

  /**
   * The caller's project's run. Run ids are unique per project (store migration 4), so another
   * project's run with this id is not even looked at: it is missing here, like any other id.
   */
  async function projectRun(runs: RunStore, runId: string): Promise<RunRecord> {
    const run = await runs.getRun(runId);
    if (!run) throw new NotFoundError(`No run ${runId}.`, { resource: 'run', id: runId });
    return run;
  }

  app.openapi(
    createRoute({
      method: 'get',
      path: '/runs',
      tags: ['runs'],
      summary: 'Runs, newest first (offset paging with the total)',
      request: {
        query: z.object({
          label: z.string().max(200).optional(),
          status: RunStatusSchema.optional(),
          limit: z.coerce.number().int().min(1).max(500).default(50),
          offset: z.coerce.number().int().min(0).default(0),
        }),
      },
      responses: { 200: jsonResponse(z.object({ items: z.array(RunListItemSchema), total: z.number().int() }), 'A page of runs'), ...errorResponses },
    }),
    async (context) => {
      const { projectId } = await access(context, 'viewer');
      const { label, status, limit, offset } = context.req.valid('query');
      const filter = { ...(label ? { label } : {}), ...(status ? { status } : {}) };
      const runs = store.project(projectId);
      const [items, total] = await Promise.all([runs.listRuns({ ...filter, limit, offset }), runs.countRuns(filter)]);
      return context.json({ items: items.map(runListItem), total }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/runs',
      tags: ['runs'],
      summary:
        'Start an upload: the run record, stored as running (without summary) until /finish. Uploading a run id again resumes it; run ids are unique per project.',
      request: { body: jsonBody(z.object({ run: RunUploadSchema }).strict()) },
      responses: {
        200: jsonResponse(z.object({ run: RunRecordSchema, stored: z.number().int() }), 'The run was already here (an upload being resumed)'),
        201: jsonResponse(z.object({ run: RunRecordSchema, stored: z.number().int() }), 'Created'),
        ...errorResponses,
      },
    }),
    async (context) => {
      const { projectId, audit } = await access(context, 'editor');
      const { run: uploaded } = context.req.valid('json');
      const runs = store.project(projectId);
      const resumed = async (run: RunRecord) => context.json({ run, stored: await runs.countResults(run.id) }, 200);
      const existing = await runs.getRun(uploaded.id);
      if (existing) return resumed(existing);
      // A run made by `assay eval` in the folder this server serves is already in its store,
      // without a project: the upload gives it to the uploader's project.
      if (await store.claimRun(uploaded.id, projectId)) {
        const adopted = (await runs.getRun(uploaded.id))!;
        await registry.recordAuditEvent(projectId, { action: 'run.upload', targetType: 'run', targetId: adopted.id, details: { adopted: true, label: adopted.label ?? null } }, audit);
        return resumed(adopted);
      }
      // Running until /finish, whatever the body says: an upload that breaks off after some batches
      // (the client killed) must not show as a completed run with the full summary (issue 10).
      const { summary: _summary, finishedAt: _finishedAt, ...record } = uploaded;
      const run: RunRecord = { ...record, status: 'running', projectId };
      try {
        await runs.createRun(run);
      } catch (error) {
        // Two uploads of one run at once (a client retrying): the second resumes the first.
        const raced = await runs.getRun(run.id);
        if (raced) return resumed(raced);
        throw error;
      }
      // Runs live in the run store, so this event is written after the run, not in its transaction.
      await registry.recordAuditEvent(projectId, { action: 'run.upload', targetType: 'run', targetId: run.id, details: { total: run.total, label: run.label ?? null } }, audit);
      return context.json({ run, stored: 0 }, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/runs/{id}/results',
      tags: ['runs'],
      summary: `Append results (at most ${maxResultsPerUpload} per request; a result sent again replaces itself)`,
      request: { params: z.object({ id: RunIdSchema }), body: jsonBody(z.object({ results: z.array(CaseResultSchema).max(maxResultsPerUpload) }).strict()) },
      responses: { 200: jsonResponse(z.object({ stored: z.number().int() }), 'Results stored in total'), ...errorResponses },
    }),
    async (context) => {
      const { projectId } = await access(context, 'editor');
      const { id } = context.req.valid('param');
      const runs = store.project(projectId);
      const run = await projectRun(runs, id);
      const { results } = context.req.valid('json');
      const foreign = results.find((result) => result.runId !== run.id);
      if (foreign) throw new HttpProblem(422, 'invalid-input', 'Invalid input', `Result ${foreign.key} belongs to run ${foreign.runId}, not ${run.id}.`);
      await runs.appendResults(run.id, results);
      return context.json({ stored: await runs.countResults(run.id) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/runs/{id}/finish',
      tags: ['runs'],
      summary: 'End an upload with the final status and summary',
      request: {
        params: z.object({ id: RunIdSchema }),
        body: jsonBody(z.object({ status: RunStatusSchema, summary: RunSummarySchema.optional(), finishedAt: IsoSchema }).strict()),
      },
      responses: { 200: jsonResponse(z.object({ run: RunRecordSchema }), 'The finished run'), ...errorResponses },
    }),
    async (context) => {
      const { projectId, audit } = await access(context, 'editor');
      const { id } = context.req.valid('param');
      const runs = store.project(projectId);
      await projectRun(runs, id);
      const body = context.req.valid('json');
      // Each cell names the registry version it tested (by content hash), checked here rather than taken from the client.
      const summary = body.summary && (await linkRegistryVersions(registry, projectId, body.summary));
      await runs.finishRun(id, { status: body.status, finishedAt: body.finishedAt, ...(summary ? { summary } : {}) });
      await registry.recordAuditEvent(
        projectId,
        { action: 'run.finish', targetType: 'run', targetId: id, details: { status: body.status, passed: summary?.passed ?? null, failed: summary?.failed ?? null, errors: summary?.errors ?? null } },
        audit,
      );
      return context.json({ run: await projectRun(runs, id) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/runs/{id}',
      tags: ['runs'],
      summary: 'A run with its summary (matrix, intervals, gates) and how many of its results have arrived',
      request: { params: z.object({ id: RunIdSchema }) },
      responses: {
        200: jsonResponse(z.object({ run: RunRecordSchema, stored: z.number().int().describe('Results stored (of `run.total` planned)') }), 'The run'),
        ...errorResponses,
      },
    }),
    async (context) => {
      const { projectId } = await access(context, 'viewer');
      const runs = store.project(projectId);
      const run = await projectRun(runs, context.req.valid('param').id);
      // A version pushed after the upload links too.
      return context.json({ run: await withRegistryVersions(registry, projectId, run), stored: await runs.countResults(run.id) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/runs/{id}/results',
      tags: ['runs'],
      summary: "A page of a run's results, filterable by outcome and text",
      request: {
        params: z.object({ id: RunIdSchema }),
        query: z.object({
          offset: z.coerce.number().int().min(0).default(0),
          limit: z.coerce.number().int().min(1).max(500).default(50),
          outcome: z.enum(['pass', 'fail', 'error']).optional(),
          q: z.string().max(200).optional(),
        }),
      },
      responses: { 200: jsonResponse(z.object({ items: z.array(CaseResultSchema), total: z.number().int() }), 'A page of results'), ...errorResponses },
    }),
    async (context) => {
      const { projectId } = await access(context, 'viewer');
      const { id } = context.req.valid('param');
      const runs = store.project(projectId);
      await projectRun(runs, id);
      const { offset, limit, outcome, q } = context.req.valid('query');
      // Results stored before uploads were checked strictly may be in another shape; they are
      // answered as stored, and the dashboard shows what it can of them.
      const page = await runs.listResults(id, { offset, limit, ...(outcome ? { outcome } : {}), ...(q ? { search: q } : {}) });
      return context.json(page, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/compare',
      tags: ['runs'],
      summary: 'Compare run a (candidate) with run b (baseline): paired tests, Holm-adjusted p-values, verdicts, flipped cases',
      request: {
        query: z.object({ a: RunIdSchema, b: RunIdSchema, confidence: z.coerce.number().gt(0.5).lt(1).default(0.95) }),
      },
      responses: { 200: jsonResponse(z.record(z.string(), z.unknown()).openapi('RunComparison'), 'The comparison'), ...errorResponses },
    }),
    async (context) => {
      const { projectId } = await access(context, 'viewer');
      const { a, b, confidence } = context.req.valid('query');
      const runs = store.project(projectId);
      const [candidate, baseline] = await Promise.all([projectRun(runs, a), projectRun(runs, b)]);
      const comparison = await compareRuns(storeRunSource(runs, baseline), storeRunSource(runs, candidate), { confidence }).catch((error: unknown) => {
        throw notComparable(error, baseline, candidate);
      });
      return context.json(comparison as unknown as Record<string, unknown>, 200);
    },
  );

  return app;
}

/** The list row of a run; a summary stored in another shape (before strict uploads) gives nulls, not NaN or a 500. */
function runListItem(run: RunRecord): z.infer<typeof RunListItemSchema> {
  const summary = (typeof run.summary === 'object' && run.summary !== null ? run.summary : {}) as Record<string, unknown>;
  const count = (value: unknown) => (Number.isSafeInteger(value) ? (value as number) : null);
  const passed = count(summary.passed);
  const failed = count(summary.failed);
  return {
    id: run.id,
    createdAt: run.createdAt,
    finishedAt: run.finishedAt ?? null,
    status: run.status,
    label: run.label ?? null,
    total: run.total,
    passed,
    failed,
    errors: count(summary.errors),
    passRate: passed !== null && failed !== null && passed + failed > 0 ? passed / (passed + failed) : null,
    cost: typeof summary.cost === 'number' && Number.isFinite(summary.cost) ? summary.cost : null,
  };
}
