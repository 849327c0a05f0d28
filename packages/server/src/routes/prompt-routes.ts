import { createHash } from 'node:crypto';
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { diffPromptVersions, promptChangelog, promptVersionFields, promptVersionInput } from '@assay/core';
import {
  LabelSchema,
  ListPromptsOptionsSchema,
  PromptNameSchema,
  PromptPartialSchema,
  PromptSummarySchema,
  PromptVersionSchema,
  RiskTierSchema,
  NotFoundError,
  type PromptVersion,
} from '@assay/spec';
import { closestName } from '@assay/runner';
import { projectAccess } from '../auth.ts';
import { validationHook, errorResponses, jsonBody, jsonResponse, pageSchema, PageQuerySchema } from '../openapi-helpers.ts';
import { HttpProblem } from '../problem.ts';
import type { ServerDependencies, ServerEnv } from '../server-env.ts';
import { promptNameDescription, promptNameRoute } from './prompt-name-route.ts';

const VersionNumberSchema = z.coerce.number().int().min(1);

const ResolvedLabelSchema = z
  .object({
    name: z.string(),
    label: z.string(),
    revision: z.number().int(),
    targets: z.array(z.object({ version: z.number().int(), weight: z.number().int() })),
    versions: z.array(PromptVersionSchema),
  })
  .openapi('ResolvedLabel');

const DiffSchema = z
  .object({
    from: z.number().int(),
    to: z.number().int(),
    changes: z.array(
      z.object({
        field: z.enum(promptVersionFields),
        unified: z.string(),
        added: z.number().int(),
        removed: z.number().int(),
      }),
    ),
  })
  .openapi('PromptVersionDiff');

/** Publishing and reading prompts: push, list, serve by label or version, history, diff, changelog. */
export function promptRoutes(dependencies: ServerDependencies) {
  const { registry } = dependencies;
  const app = new OpenAPIHono<ServerEnv>({ defaultHook: validationHook });
  const access = projectAccess(dependencies);
  /** Prompt names may hold "/" (`support/triage`), sent as is or as %2F (prompt-name-route.ts). Described with zod's own `.meta()`: `.openapi()` is missing on spec schemas made before @hono/zod-openapi extended zod. */
  const NameParamSchema = z.object({ name: PromptNameSchema.meta({ description: promptNameDescription, example: 'support/triage' }) });

  app.openapi(
    createRoute({
      method: 'get',
      path: '/prompts',
      tags: ['prompts'],
      summary: 'List prompts, filterable by governance metadata',
      request: {
        query: PageQuerySchema.extend({
          owner: z.string().max(200).optional(),
          riskTier: RiskTierSchema.optional(),
          lastReviewedBefore: ListPromptsOptionsSchema.shape.lastReviewedBefore.unwrap().optional().openapi({ description: 'Overdue for review: last reviewed before this date (YYYY-MM-DD), or never' }),
        }),
      },
      responses: { 200: jsonResponse(pageSchema(PromptSummarySchema), 'A page of prompts'), ...errorResponses },
    }),
    async (context) => {
      const { projectId } = await access(context, 'viewer');
      return context.json(await registry.listPrompts(projectId, context.req.valid('query')), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/prompts',
      tags: ['prompts'],
      summary: 'Push a .prompt file: a new immutable version, or the existing one with the same content',
      request: {
        body: jsonBody(
          z
            .object({
              name: PromptNameSchema,
              source: z.string().max(1_000_000).openapi({ description: 'The whole .prompt file (Dotprompt)' }),
              author: z.string().trim().min(1).max(200).optional(),
              message: z.string().max(10_000).optional(),
              partials: z
                .record(PromptPartialSchema.shape.name, PromptPartialSchema.shape.source)
                .optional()
                .openapi({
                  description:
                    'The partials `{{> name}}` may use, by name: the files `_name.prompt` beside the prompt, as read. Those the template uses are stored with the version; a use with no partial here is a 422.',
                  example: { 'knowledge-base': '[doc-1] Plans: …' },
                }),
            })
            .strict(),
        ),
      },
      responses: {
        200: jsonResponse(z.object({ version: PromptVersionSchema, created: z.literal(false) }), 'Same content as an existing version'),
        201: jsonResponse(z.object({ version: PromptVersionSchema, created: z.literal(true) }), 'A new version'),
        ...errorResponses,
      },
    }),
    async (context) => {
      const { projectId, audit } = await access(context, 'editor');
      const body = context.req.valid('json');
      const content = await promptVersionInput(body.source, { name: body.name, file: `${body.name}.prompt`, ...(body.partials ? { partials: body.partials } : {}) });
      const principal = context.get('principal')!;
      const author = body.author ?? (principal.kind === 'user' ? principal.user.name : `API key ${principal.apiKey.name}`);
      const { version, created } = await registry.pushPromptVersion(
        projectId,
        { ...content, author, ...(body.message === undefined ? {} : { message: body.message }) },
        audit,
      );
      return created ? context.json({ version, created: true as const }, 201) : context.json({ version, created: false as const }, 200);
    },
  );

  app.openapi(
    promptNameRoute(app, createRoute({
      method: 'get',
      path: '/prompts/{name}',
      tags: ['prompts'],
      summary: 'A prompt with its labels; with ?label= the version(s) the label serves, with ?version= one version (ETag, 304)',
      request: {
        params: NameParamSchema,
        query: z.object({ label: z.string().max(64).optional(), version: VersionNumberSchema.optional() }),
      },
      responses: {
        200: jsonResponse(z.union([z.object({ prompt: PromptSummarySchema, labels: z.array(LabelSchema) }), ResolvedLabelSchema, PromptVersionSchema]), 'The prompt'),
        304: { description: 'Not modified (If-None-Match matched the ETag)' },
        ...errorResponses,
      },
    })),
    async (context) => {
      const { projectId } = await access(context, 'viewer');
      const { name } = context.req.valid('param');
      const query = context.req.valid('query');
      if (query.label !== undefined && query.version !== undefined) {
        throw new HttpProblem(422, 'invalid-input', 'Invalid input', 'Give either label or version, not both.');
      }
      let body: unknown;
      if (query.label !== undefined) {
        const resolved = await registry.resolveLabel(projectId, name, query.label);
        if (!resolved) throw new NotFoundError(`Prompt ${name} has no label ${query.label}.`, { resource: 'label', id: query.label });
        body = { name, label: resolved.label.name, revision: resolved.label.revision, targets: resolved.label.targets, versions: resolved.versions };
      } else if (query.version !== undefined) {
        body = await findVersion(projectId, name, query.version);
      } else {
        const prompt = await registry.getPrompt(projectId, name);
        if (!prompt) throw await missingPrompt(projectId, name);
        return context.json({ prompt, labels: await registry.listLabels(projectId, name) }, 200);
      }
      // The SDK caches on this: a label's revision or a version's content changes the tag.
      const text = JSON.stringify(body);
      const etag = `"${createHash('sha256').update(text).digest('base64url').slice(0, 32)}"`;
      context.header('ETag', etag);
      context.header('Cache-Control', 'private, no-cache');
      const ifNoneMatch = context.req.header('if-none-match');
      if (ifNoneMatch !== undefined && ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag || tag.trim() === '*')) {
        return context.body(null, 304);
      }
      return context.body(text, 200, { 'content-type': 'application/json' });
    },
  );

  app.openapi(
    promptNameRoute(app, createRoute({
      method: 'get',
      path: '/prompts/{name}/versions',
      tags: ['prompts'],
      summary: "A prompt's versions, newest first",
      request: { params: NameParamSchema, query: PageQuerySchema },
      responses: { 200: jsonResponse(pageSchema(PromptVersionSchema), 'A page of versions'), ...errorResponses },
    })),
    async (context) => {
      const { projectId } = await access(context, 'viewer');
      const { name } = context.req.valid('param');
      return context.json(await explainMissing(projectId, name, registry.listPromptVersions(projectId, name, context.req.valid('query'))), 200);
    },
  );

  app.openapi(
    promptNameRoute(app, createRoute({
      method: 'get',
      path: '/prompts/{name}/versions/{version}',
      tags: ['prompts'],
      summary: 'One version',
      request: { params: NameParamSchema.extend({ version: VersionNumberSchema }) },
      responses: { 200: jsonResponse(PromptVersionSchema, 'The version'), ...errorResponses },
    })),
    async (context) => {
      const { projectId } = await access(context, 'viewer');
      const { name, version } = context.req.valid('param');
      return context.json(await findVersion(projectId, name, version), 200);
    },
  );

  app.openapi(
    promptNameRoute(app, createRoute({
      method: 'get',
      path: '/prompts/{name}/diff',
      tags: ['prompts'],
      summary: 'What changed between two versions: template, model config, schemas, metadata',
      request: { params: NameParamSchema, query: z.object({ from: VersionNumberSchema, to: VersionNumberSchema }) },
      responses: { 200: jsonResponse(DiffSchema, 'Unified diffs of the changed fields'), ...errorResponses },
    })),
    async (context) => {
      const { projectId } = await access(context, 'viewer');
      const { name } = context.req.valid('param');
      const { from, to } = context.req.valid('query');
      const [before, after] = await Promise.all([findVersion(projectId, name, from), findVersion(projectId, name, to)]);
      return context.json(diffPromptVersions(before, after), 200);
    },
  );

  app.openapi(
    promptNameRoute(app, createRoute({
      method: 'get',
      path: '/prompts/{name}/changelog',
      tags: ['prompts'],
      summary: 'Release notes generated from the version history',
      request: { params: NameParamSchema },
      responses: {
        200: jsonResponse(
          z.object({
            markdown: z.string(),
            entries: z.array(
              z.object({
                version: z.number().int(),
                author: z.string(),
                message: z.string().nullable(),
                createdAt: z.string(),
                changedFields: z.array(z.string()),
                labels: z.array(z.string()),
              }),
            ),
          }),
          'The changelog',
        ),
        ...errorResponses,
      },
    })),
    async (context) => {
      const { projectId } = await access(context, 'viewer');
      const { name } = context.req.valid('param');
      const versions: PromptVersion[] = [];
      let cursor: string | undefined;
      do {
        const page = await explainMissing(projectId, name, registry.listPromptVersions(projectId, name, { limit: 500, ...(cursor ? { cursor } : {}) }));
        versions.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      const labels = await registry.listLabels(projectId, name);
      const changelog = promptChangelog(versions, labels);
      return context.json({ markdown: changelog.markdown, entries: changelog.entries.map((entry) => ({ ...entry, message: entry.message ?? null })) }, 200);
    },
  );

  async function findVersion(projectId: string, name: string, version: number): Promise<PromptVersion> {
    const found = await registry.getPromptVersion(projectId, name, version);
    if (found) return found;
    const prompt = await registry.getPrompt(projectId, name);
    if (!prompt) throw await missingPrompt(projectId, name);
    throw new NotFoundError(`Prompt ${name} has no version ${version}; its latest is v${prompt.latestVersion}.`, {
      resource: 'version',
      id: `${name}@${version}`,
      hint: `GET /api/prompts/${name}/versions lists them.`,
    });
  }

  /** A 404 that says what the project has: the nearest name, how to list them, how names are written. */
  async function missingPrompt(projectId: string, name: string): Promise<NotFoundError> {
    const names = (await registry.listPrompts(projectId, { limit: 500 })).items.map((prompt) => prompt.name);
    const nearest = closestName(name, names);
    const has = names.length === 0 ? 'This project has no prompts yet; push them with `assay prompts push`.' : `GET /api/prompts lists this project's ${names.length}${names.length === 500 ? '+' : ''} prompts.`;
    return new NotFoundError(`No prompt ${name} in this project.`, {
      resource: 'prompt',
      id: name,
      hint: `${nearest ? `Did you mean ${nearest}? ` : ''}${has} A name is the prompt's path under prompts/ without .prompt (prompts/support/triage.prompt is support/triage), sent as it is (/api/prompts/support/triage) or with %2F. An API key reads its own project only.`,
    });
  }

  async function explainMissing<T>(projectId: string, name: string, read: Promise<T>): Promise<T> {
    try {
      return await read;
    } catch (error) {
      if (NotFoundError.isInstance(error) && error.resource === 'prompt') throw await missingPrompt(projectId, name);
      throw error;
    }
  }

  return app;
}
