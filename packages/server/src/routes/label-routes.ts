import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import {
  ChangeRequestSchema,
  ChangeRequestStatusSchema,
  CreateChangeRequestInputSchema,
  LabelHistoryEntrySchema,
  LabelNameSchema,
  LabelSchema,
  NotFoundError,
  PromptNameSchema,
  ReviewChangeRequestInputSchema,
  SetLabelInputSchema,
} from '@assay/spec';
import { ActorNamesSchema, actorNames } from '../actor-names.ts';
import { projectAccess } from '../auth.ts';
import { validationHook, errorResponses, jsonBody, jsonResponse, pageSchema, PageQuerySchema } from '../openapi-helpers.ts';
import type { ServerDependencies, ServerEnv } from '../server-env.ts';
import { promptNameDescription, promptNameRoute } from './prompt-name-route.ts';

const ChangeRequestParamsSchema = z.object({ id: z.string().min(1).max(100) });

/** Labels (compare-and-set moves, canaries, rollback, history) and change requests (approvals). */
export function labelRoutes(dependencies: ServerDependencies) {
  const { registry } = dependencies;
  const app = new OpenAPIHono<ServerEnv>({ defaultHook: validationHook });
  const access = projectAccess(dependencies);
  // Described with zod's own `.meta()`: `.openapi()` is missing on spec schemas made before @hono/zod-openapi extended zod.
  const NameSchema = PromptNameSchema.meta({ description: promptNameDescription, example: 'support/triage' });
  const LabelParamsSchema = z.object({ name: NameSchema, label: LabelNameSchema });

  app.openapi(
    promptNameRoute(app, createRoute({
      method: 'get',
      path: '/prompts/{name}/labels',
      tags: ['labels'],
      summary: "A prompt's labels",
      request: { params: z.object({ name: NameSchema }) },
      responses: { 200: jsonResponse(z.object({ items: z.array(LabelSchema), names: ActorNamesSchema }), 'Labels, and who moved them'), ...errorResponses },
    })),
    async (context) => {
      const { projectId } = await access(context, 'viewer');
      const items = await registry.listLabels(projectId, context.req.valid('param').name);
      return context.json({ items, names: await actorNames(registry, projectId, items.map((label) => label.updatedBy)) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/labels',
      tags: ['labels'],
      summary: 'The labels of several prompts at once (the prompt list shows them); a prompt that does not exist has none',
      request: {
        query: z.object({
          prompts: z
            .string()
            .max(25_000)
            .transform((value) => [...new Set(value.split(',').filter(Boolean))])
            .pipe(z.array(PromptNameSchema).max(100))
            .openapi({ description: 'Comma-separated prompt names, at most 100', example: 'support/refunds,support/triage' }),
        }),
      },
      responses: { 200: jsonResponse(z.object({ items: z.array(LabelSchema) }), 'Labels by prompt name, then label name'), ...errorResponses },
    }),
    async (context) => {
      const { projectId } = await access(context, 'viewer');
      const lists = await Promise.all(
        context.req.valid('query').prompts.map((name) => registry.listLabels(projectId, name).catch((error: unknown) => (NotFoundError.isInstance(error) ? [] : Promise.reject(error)))),
      );
      return context.json({ items: lists.flat() }, 200);
    },
  );

  app.openapi(
    promptNameRoute(app, createRoute({
      method: 'put',
      path: '/prompts/{name}/labels/{label}',
      tags: ['labels'],
      summary: 'Move (or create) a label: one version, or a canary across two. Compare-and-set on expectedRevision.',
      description:
        'A protected label whose move needs approvals answers 403 with `reason: approval-required` and `requiredApprovals`; create a change request instead. A stale `expectedRevision` answers 409 with `currentRevision`.',
      request: { params: LabelParamsSchema, body: jsonBody(SetLabelInputSchema) },
      responses: { 200: jsonResponse(LabelSchema, 'The label after the move'), ...errorResponses },
    })),
    async (context) => {
      const { projectId, audit } = await access(context, 'editor');
      const { name, label } = context.req.valid('param');
      return context.json(await registry.setLabel(projectId, name, label, context.req.valid('json'), audit), 200);
    },
  );

  app.openapi(
    promptNameRoute(app, createRoute({
      method: 'post',
      path: '/prompts/{name}/labels/{label}/rollback',
      tags: ['labels'],
      summary: 'Point the label back at what it pointed at before its latest move (no approval needed)',
      request: {
        params: LabelParamsSchema,
        body: jsonBody(z.object({ expectedRevision: z.number().int().min(1), message: z.string().max(10_000).optional() }).strict()),
      },
      responses: { 200: jsonResponse(LabelSchema, 'The label after the rollback'), ...errorResponses },
    })),
    async (context) => {
      const { projectId, audit } = await access(context, 'editor');
      const { name, label } = context.req.valid('param');
      return context.json(await registry.rollbackLabel(projectId, name, label, context.req.valid('json'), audit), 200);
    },
  );

  app.openapi(
    promptNameRoute(app, createRoute({
      method: 'get',
      path: '/prompts/{name}/labels/{label}/history',
      tags: ['labels'],
      summary: "A label's moves, newest first",
      request: { params: LabelParamsSchema, query: PageQuerySchema },
      responses: { 200: jsonResponse(pageSchema(LabelHistoryEntrySchema).extend({ names: ActorNamesSchema }), 'A page of moves, and who made them'), ...errorResponses },
    })),
    async (context) => {
      const { projectId } = await access(context, 'viewer');
      const { name, label } = context.req.valid('param');
      const page = await registry.listLabelHistory(projectId, name, label, context.req.valid('query'));
      return context.json({ ...page, names: await actorNames(registry, projectId, page.items.map((entry) => entry.actor)) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/change-requests',
      tags: ['approvals'],
      summary: 'Change requests, newest first',
      request: { query: PageQuerySchema.extend({ status: ChangeRequestStatusSchema.optional(), promptName: PromptNameSchema.optional() }) },
      responses: { 200: jsonResponse(pageSchema(ChangeRequestSchema).extend({ names: ActorNamesSchema }), 'A page of change requests, and who asked and reviewed'), ...errorResponses },
    }),
    async (context) => {
      const { projectId } = await access(context, 'viewer');
      const page = await registry.listChangeRequests(projectId, context.req.valid('query'));
      const actors = page.items.flatMap((request) => [request.requestedBy, ...request.reviews.map((review) => ({ type: 'user' as const, id: review.userId }))]);
      return context.json({ ...page, names: await actorNames(registry, projectId, actors) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/change-requests',
      tags: ['approvals'],
      summary: 'Ask to move a protected label; approvers review it, then it is applied',
      request: { body: jsonBody(CreateChangeRequestInputSchema) },
      responses: { 201: jsonResponse(ChangeRequestSchema, 'The request'), ...errorResponses },
    }),
    async (context) => {
      const { projectId, audit } = await access(context, 'editor');
      return context.json(await registry.createChangeRequest(projectId, context.req.valid('json'), audit), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/change-requests/{id}',
      tags: ['approvals'],
      summary: 'One change request with its reviews',
      request: { params: ChangeRequestParamsSchema },
      responses: { 200: jsonResponse(ChangeRequestSchema, 'The request'), ...errorResponses },
    }),
    async (context) => {
      const { projectId } = await access(context, 'viewer');
      const { id } = context.req.valid('param');
      const found = await registry.getChangeRequest(projectId, id);
      if (!found) throw new NotFoundError(`No change request ${id}.`, { resource: 'change-request', id });
      return context.json(found, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/change-requests/{id}/reviews',
      tags: ['approvals'],
      summary: 'Approve or reject (approvers; never one’s own request)',
      request: { params: ChangeRequestParamsSchema, body: jsonBody(ReviewChangeRequestInputSchema) },
      responses: { 200: jsonResponse(ChangeRequestSchema, 'The request after the review'), ...errorResponses },
    }),
    async (context) => {
      const { projectId, audit } = await access(context, 'approver');
      return context.json(await registry.reviewChangeRequest(projectId, context.req.valid('param').id, context.req.valid('json'), audit), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/change-requests/{id}/apply',
      tags: ['approvals'],
      summary: 'Move the label of an approved request',
      request: { params: ChangeRequestParamsSchema },
      responses: { 200: jsonResponse(z.object({ changeRequest: ChangeRequestSchema, label: LabelSchema }), 'Applied'), ...errorResponses },
    }),
    async (context) => {
      const { projectId, audit } = await access(context, 'editor');
      return context.json(await registry.applyChangeRequest(projectId, context.req.valid('param').id, audit), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/change-requests/{id}/cancel',
      tags: ['approvals'],
      summary: 'Withdraw a pending or approved request',
      request: { params: ChangeRequestParamsSchema },
      responses: { 200: jsonResponse(ChangeRequestSchema, 'Cancelled'), ...errorResponses },
    }),
    async (context) => {
      const { projectId, audit } = await access(context, 'editor');
      return context.json(await registry.cancelChangeRequest(projectId, context.req.valid('param').id, audit), 200);
    },
  );

  return app;
}
