import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import {
  ApiKeySchema,
  AuditEventSchema,
  CreateApiKeyInputSchema,
  EmailSchema,
  MembershipSchema,
  NotFoundError,
  ProjectSchema,
  ProjectSettingsSchema,
  RoleSchema,
  UserSchema,
} from '@assay/spec';
import { ActorNamesSchema, actorNames } from '../actor-names.ts';
import { projectAccess } from '../auth.ts';
import { validationHook, errorResponses, jsonBody, jsonResponse, pageSchema, PageQuerySchema } from '../openapi-helpers.ts';
import type { ServerDependencies, ServerEnv } from '../server-env.ts';

/** Project settings (approval policy), API keys, members and the audit log. */
export function settingsRoutes(dependencies: ServerDependencies) {
  const { registry } = dependencies;
  const app = new OpenAPIHono<ServerEnv>({ defaultHook: validationHook });
  const access = projectAccess(dependencies);

  app.openapi(
    createRoute({
      method: 'get',
      path: '/settings',
      tags: ['settings'],
      summary: 'The project and its approval policy',
      responses: { 200: jsonResponse(z.object({ project: ProjectSchema }), 'The project'), ...errorResponses },
    }),
    async (context) => {
      const { project } = await access(context, 'viewer');
      return context.json({ project }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/settings',
      tags: ['settings'],
      summary: 'Replace the approval policy (approvals per risk tier, protected labels)',
      request: { body: jsonBody(ProjectSettingsSchema) },
      responses: { 200: jsonResponse(z.object({ project: ProjectSchema }), 'The project after the change'), ...errorResponses },
    }),
    async (context) => {
      const { projectId, audit } = await access(context, 'admin');
      return context.json({ project: await registry.updateProjectSettings(projectId, context.req.valid('json'), audit) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api-keys',
      tags: ['settings'],
      summary: "The project's API keys (never their secrets)",
      responses: { 200: jsonResponse(z.object({ items: z.array(ApiKeySchema), names: ActorNamesSchema }), 'Keys, and who created them'), ...errorResponses },
    }),
    async (context) => {
      const { projectId } = await access(context, 'admin');
      const items = await registry.listApiKeys(projectId);
      return context.json({ items, names: await actorNames(registry, projectId, items.map((key) => key.createdBy)) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api-keys',
      tags: ['settings'],
      summary: 'Create an API key; its secret is in this response and never again',
      request: { body: jsonBody(CreateApiKeyInputSchema) },
      responses: { 201: jsonResponse(z.object({ apiKey: ApiKeySchema, secret: z.string() }), 'The key and its secret'), ...errorResponses },
    }),
    async (context) => {
      const { projectId, audit } = await access(context, 'admin');
      context.header('Cache-Control', 'no-store');
      return context.json(await registry.createApiKey(projectId, context.req.valid('json'), audit), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api-keys/{id}/revoke',
      tags: ['settings'],
      summary: 'Revoke an API key (idempotent)',
      request: { params: z.object({ id: z.string().min(1).max(100) }) },
      responses: { 200: jsonResponse(ApiKeySchema, 'The revoked key'), ...errorResponses },
    }),
    async (context) => {
      const { projectId, audit } = await access(context, 'admin');
      return context.json(await registry.revokeApiKey(projectId, context.req.valid('param').id, audit), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/members',
      tags: ['settings'],
      summary: "The project's members and their roles, and the instance administrators who reach it without being members",
      responses: {
        200: jsonResponse(z.object({ items: z.array(MembershipSchema), instanceAdmins: z.array(UserSchema) }), 'Members, and instance administrators who are not'),
        ...errorResponses,
      },
    }),
    async (context) => {
      const { projectId } = await access(context, 'viewer');
      const items = await registry.listMembers(projectId);
      // Issue 11: a project made by `assay admin create-key` has no members, yet its instance
      // administrator works in it; the list said "No members." with the admin logged in.
      const members = new Set(items.map((member) => member.user.id));
      const instanceAdmins = (await registry.listUsers()).filter((user) => user.isAdmin && !members.has(user.id));
      return context.json({ items, instanceAdmins }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/members',
      tags: ['settings'],
      summary: 'Add an existing user by email, or change their role',
      request: { body: jsonBody(z.object({ email: EmailSchema, role: RoleSchema }).strict()) },
      responses: { 200: jsonResponse(MembershipSchema, 'The membership'), ...errorResponses },
    }),
    async (context) => {
      const { projectId, audit } = await access(context, 'admin');
      const { email, role } = context.req.valid('json');
      const user = await registry.getUserByEmail(email);
      if (!user) {
        throw new NotFoundError(`No user ${email}.`, { resource: 'user', id: email, hint: 'An instance administrator creates users (POST /api/users).' });
      }
      return context.json(await registry.setMember(projectId, user.id, role, audit), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/members/{userId}',
      tags: ['settings'],
      summary: 'Remove a member',
      request: { params: z.object({ userId: z.string().min(1).max(100) }) },
      responses: { 204: { description: 'Removed' }, ...errorResponses },
    }),
    async (context) => {
      const { projectId, audit } = await access(context, 'admin');
      await registry.removeMember(projectId, context.req.valid('param').userId, audit);
      return context.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/audit',
      tags: ['audit'],
      summary: "The project's audit log, newest first: who, what, when, from where",
      request: { query: PageQuerySchema.extend({ action: z.string().max(100).optional(), targetType: z.string().max(100).optional(), targetId: z.string().max(300).optional() }) },
      responses: { 200: jsonResponse(pageSchema(AuditEventSchema).extend({ names: ActorNamesSchema }), 'A page of events, and who the actors and targets are'), ...errorResponses },
    }),
    async (context) => {
      const { projectId } = await access(context, 'admin');
      const page = await registry.listAuditEvents(projectId, context.req.valid('query'));
      const targets = page.items.flatMap((event) => (event.targetType === 'user' || event.targetType === 'api-key' ? [{ type: event.targetType, id: event.targetId } as const] : []));
      return context.json({ ...page, names: await actorNames(registry, projectId, [...page.items.map((event) => event.actor), ...targets]) }, 200);
    },
  );

  return app;
}
