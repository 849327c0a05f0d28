import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { compareRuns, storeRunSource } from '@assay/runner';
import { ConflictError, NotFoundError, type CaseResult, type RunRecord, type RunSummary } from '@assay/spec';
import { projectAccess } from '../auth.ts';
import { validationHook, errorResponses, jsonBody, jsonResponse } from '../openapi-helpers.ts';
import { HttpProblem } from '../problem.ts';
import type { ServerDependencies, ServerEnv } from '../server-env.ts';

const RunIdSchema = z.string().min(1).max(100).regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits, ".", "_", ":", "-"');
const RunStatusSchema = z.enum(['running', 'completed', 'interrupted', 'failed']);
const IsoSchema = z.iso.datetime({ offset: true });

/** A run as uploaded by `assay eval --upload`; the project comes from the caller, never the body. */
const RunUploadSchema = z
  .object({
    id: RunIdSchema,
    createdAt: IsoSchema,
    status: RunStatusSchema,
    configPath: z.string().max(4096),
    planHash: z.string().max(200),
    total: z.number().int().min(0).max(10_000_000),
    options: z.record(z.string(), z.unknown()),
    summary: z.looseObject({ total: z.number(), cells: z.array(z.unknown()) }).optional(),
    finishedAt: IsoSchema.optional(),
    label: z.string().max(200).optional(),
  })
  .openapi('RunRecord');

/** One result; the fields the store indexes are checked, the rest (output, assertions…) kept as sent. */
const CaseResultSchema = z
  .looseObject({
    runId: RunIdSchema,
    key: z.string().min(1).max(1000),
    promptId: z.string().max(1000),
    providerId: z.string().max(1000),
    caseId: z.string().max(1000),
    caseIndex: z.number().int().min(0),
    repeat: z.number().int().min(0),
    pass: z.boolean(),
    score: z.number(),
    cost: z.number().nullable(),
    latencyMs: z.number(),
    error: z.string().optional(),
  })
  .openapi('CaseResult');

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

  async function projectRun(projectId: string, runId: string): Promise<RunRecord> {
    const run = await store.getRun(runId);
    // Another project's run is answered exactly like a missing one.
    if (!run || run.projectId !== projectId) throw new NotFoundError(`No run ${runId}.`, { resource: 'run', id: runId });
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
      const filter = { projectId, ...(label ? { label } : {}), ...(status ? { status } : {}) };
      const [runs, total] = await Promise.all([store.listRuns({ ...filter, limit, offset }), store.countRuns(filter)]);
      return context.json({ items: runs.map(runListItem), total }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/runs',
      tags: ['runs'],
      summary: 'Start an upload: the run record. Uploading a run id again resumes it.',
      request: { body: jsonBody(z.object({ run: RunUploadSchema }).strict()) },
      responses: {
        200: jsonResponse(z.object({ run: RunUploadSchema, stored: z.number().int() }), 'The run was already here (an upload being resumed)'),
        201: jsonResponse(z.object({ run: RunUploadSchema, stored: z.number().int() }), 'Created'),
        ...errorResponses,
      },
    }),
    async (context) => {
      const { projectId, audit } = await access(context, 'editor');
      const { run: uploaded } = context.req.valid('json');
      const existing = await store.getRun(uploaded.id);
      if (existing) {
        // A run made by `assay eval` in the folder this server serves is already in its store,
        // without a project: the upload gives it to the uploader's project.
        if (existing.projectId === undefined && (await store.claimRun(existing.id, projectId))) {
          existing.projectId = projectId;
          await registry.recordAuditEvent(projectId, { action: 'run.upload', targetType: 'run', targetId: existing.id, details: { adopted: true, label: existing.label ?? null } }, audit);
        }
        if (existing.projectId !== projectId) {
          throw new ConflictError(`Run id ${uploaded.id} belongs to another project on this server.`, { hint: 'Run ids are unique per server; upload the run from a copy with a new id.' });
        }
        return context.json({ run: existing, stored: await store.countResults(existing.id) }, 200);
      }
      const run: RunRecord = { ...(uploaded as unknown as RunRecord), projectId };
      await store.createRun(run);
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
      const run = await projectRun(projectId, id);
      const { results } = context.req.valid('json');
      const foreign = results.find((result) => result.runId !== run.id);
      if (foreign) throw new HttpProblem(422, 'invalid-input', 'Invalid input', `Result ${foreign.key} belongs to run ${foreign.runId}, not ${run.id}.`);
      await store.appendResults(run.id, results as unknown as CaseResult[]);
      return context.json({ stored: await store.countResults(run.id) }, 200);
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
        body: jsonBody(z.object({ status: RunStatusSchema, summary: RunUploadSchema.shape.summary, finishedAt: IsoSchema }).strict()),
      },
      responses: { 200: jsonResponse(z.object({ run: RunUploadSchema }), 'The finished run'), ...errorResponses },
    }),
    async (context) => {
      const { projectId, audit } = await access(context, 'editor');
      const { id } = context.req.valid('param');
      await projectRun(projectId, id);
      const body = context.req.valid('json');
      await store.finishRun(id, { status: body.status, finishedAt: body.finishedAt, ...(body.summary ? { summary: body.summary as unknown as RunSummary } : {}) });
      const summary = body.summary as { passed?: number; failed?: number; errors?: number } | undefined;
      await registry.recordAuditEvent(
        projectId,
        { action: 'run.finish', targetType: 'run', targetId: id, details: { status: body.status, passed: summary?.passed ?? null, failed: summary?.failed ?? null, errors: summary?.errors ?? null } },
        audit,
      );
      return context.json({ run: await projectRun(projectId, id) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/runs/{id}',
      tags: ['runs'],
      summary: 'A run with its summary (matrix, intervals, gates)',
      request: { params: z.object({ id: RunIdSchema }) },
      responses: { 200: jsonResponse(z.object({ run: RunUploadSchema }), 'The run'), ...errorResponses },
    }),
    async (context) => {
      const { projectId } = await access(context, 'viewer');
      return context.json({ run: await projectRun(projectId, context.req.valid('param').id) }, 200);
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
      await projectRun(projectId, id);
      const { offset, limit, outcome, q } = context.req.valid('query');
      const page = await store.listResults(id, { offset, limit, ...(outcome ? { outcome } : {}), ...(q ? { search: q } : {}) });
      return context.json(page as unknown as { items: z.infer<typeof CaseResultSchema>[]; total: number }, 200);
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
      const [candidate, baseline] = await Promise.all([projectRun(projectId, a), projectRun(projectId, b)]);
      const comparison = await compareRuns(storeRunSource(store, baseline), storeRunSource(store, candidate), { confidence });
      return context.json(comparison as unknown as Record<string, unknown>, 200);
    },
  );

  return app;
}

function runListItem(run: RunRecord): z.infer<typeof RunListItemSchema> {
  const summary = run.summary;
  const graded = summary ? summary.passed + summary.failed : 0;
  return {
    id: run.id,
    createdAt: run.createdAt,
    finishedAt: run.finishedAt ?? null,
    status: run.status,
    label: run.label ?? null,
    total: run.total,
    passed: summary?.passed ?? null,
    failed: summary?.failed ?? null,
    errors: summary?.errors ?? null,
    passRate: summary && graded > 0 ? summary.passed / graded : null,
    cost: summary?.cost ?? null,
  };
}
