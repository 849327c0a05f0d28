import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { deleteCookie } from 'hono/cookie';
import {
  ApiKeySchema,
  ConsumeSetupTokenInputSchema,
  CreateUserInputSchema,
  EmailSchema,
  PasswordSchema,
  ProjectSchema,
  RoleSchema,
  SlugSchema,
  UserSchema,
  type Role,
} from '@assay/spec';
import { requireInstanceAdmin, requirePrincipal, requireUser, sessionCookie, setSessionCookie } from '../auth.ts';
import { validationHook, errorResponses, jsonBody, jsonResponse } from '../openapi-helpers.ts';
import { LoginThrottle } from '../login-throttle.ts';
import { HttpProblem } from '../problem.ts';
import type { ServerDependencies, ServerEnv } from '../server-env.ts';

const LoggedInSchema = z.object({ user: UserSchema, csrfToken: z.string() });
const ProjectAccessSchema = z.object({ project: ProjectSchema, role: RoleSchema });

/** Health, first-run setup, login, the caller's session, projects and users. */
export function instanceRoutes(dependencies: ServerDependencies) {
  const { registry } = dependencies;
  const throttle = dependencies.loginThrottle ?? new LoginThrottle();
  const app = new OpenAPIHono<ServerEnv>({ defaultHook: validationHook });

  /** Password checks (login, password change) wait out a run of failures: 429 with Retry-After. */
  function refuseWhileThrottled(context: Context, email: string, address: string | undefined): void {
    const wait = throttle.retryAfterSeconds(email, address);
    if (wait > 0) {
      context.header('Retry-After', String(wait));
      throw new HttpProblem(429, 'too-many-attempts', 'Too many attempts', `Too many failed attempts; try again in ${Math.ceil(wait / 60)} minute(s).`);
    }
  }

  app.openapi(
    createRoute({
      method: 'get',
      path: '/health',
      tags: ['instance'],
      summary: 'Liveness and the database dialect',
      responses: { 200: jsonResponse(z.object({ status: z.literal('ok'), dialect: z.enum(['sqlite', 'postgres']) }), 'The server is up') },
    }),
    (context) => context.json({ status: 'ok' as const, dialect: registry.dialect }, 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/setup',
      tags: ['auth'],
      summary: 'Whether the first administrator still has to be created',
      responses: { 200: jsonResponse(z.object({ needed: z.boolean() }), 'Setup state') },
    }),
    async (context) => context.json({ needed: (await registry.countUsers()) === 0 }, 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/setup',
      tags: ['auth'],
      summary: 'Create the first administrator with the one-time token printed by `assay serve`',
      request: { body: jsonBody(ConsumeSetupTokenInputSchema.extend({ token: z.string().min(1).max(200) })) },
      responses: { 201: jsonResponse(LoggedInSchema, 'The administrator, logged in'), ...errorResponses },
    }),
    async (context) => {
      const { token, ...input } = context.req.valid('json');
      const audit = context.get('audit');
      const user = await registry.consumeSetupToken(token, input, { ...(audit.ip ? { ip: audit.ip } : {}), ...(audit.userAgent ? { userAgent: audit.userAgent } : {}) });
      const { session, token: sessionToken } = await registry.createSession(user.id, sessionInput(audit));
      setSessionCookie(context, sessionToken, session.expiresAt, dependencies);
      return context.json({ user, csrfToken: session.csrfToken }, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/login',
      tags: ['auth'],
      summary: 'Log in to the dashboard (sets the session cookie)',
      request: { body: jsonBody(z.object({ email: EmailSchema, password: z.string().min(1).max(1024) })) },
      responses: { 200: jsonResponse(LoggedInSchema, 'Logged in'), ...errorResponses },
    }),
    async (context) => {
      const { email, password } = context.req.valid('json');
      const audit = context.get('audit');
      refuseWhileThrottled(context, email, audit.ip);
      const user = await registry.authenticateUser(email, password);
      if (!user) {
        throttle.recordFailure(email, audit.ip);
        await registry.recordAuditEvent(null, { action: 'user.login-failed', targetType: 'user', targetId: email, details: {} }, audit);
        throw new HttpProblem(401, 'unauthenticated', 'Unauthenticated', 'Wrong email or password.');
      }
      throttle.recordSuccess(email);
      const { session, token } = await registry.createSession(user.id, sessionInput(audit));
      setSessionCookie(context, token, session.expiresAt, dependencies);
      return context.json({ user, csrfToken: session.csrfToken }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/logout',
      tags: ['auth'],
      summary: 'End the dashboard session',
      responses: { 204: { description: 'Logged out' }, ...errorResponses },
    }),
    async (context) => {
      const principal = requireUser(context);
      await registry.deleteSession(principal.token);
      deleteCookie(context, sessionCookie, { path: '/' });
      return context.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/password',
      tags: ['auth'],
      summary: "Change one's own password; every other session of the user ends",
      request: { body: jsonBody(z.object({ currentPassword: z.string().min(1).max(1024), newPassword: PasswordSchema }).strict()) },
      responses: { 200: jsonResponse(LoggedInSchema, 'Changed; this browser gets a new session'), ...errorResponses },
    }),
    async (context) => {
      const principal = requireUser(context);
      const { currentPassword, newPassword } = context.req.valid('json');
      const audit = context.get('audit');
      const email = principal.user.email;
      refuseWhileThrottled(context, email, audit.ip);
      if (!(await registry.authenticateUser(email, currentPassword))) {
        throttle.recordFailure(email, audit.ip);
        throw new HttpProblem(403, 'wrong-password', 'Forbidden', 'The current password is wrong.');
      }
      await registry.setUserPassword(principal.user.id, newPassword, audit);
      const { session, token } = await registry.createSession(principal.user.id, sessionInput(audit));
      setSessionCookie(context, token, session.expiresAt, dependencies);
      return context.json({ user: principal.user, csrfToken: session.csrfToken }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/session',
      tags: ['auth'],
      summary: 'Who the caller is, the CSRF token, and the projects they can reach',
      responses: {
        200: jsonResponse(
          z.object({ user: UserSchema.nullable(), apiKey: ApiKeySchema.nullable(), csrfToken: z.string().nullable(), projects: z.array(ProjectAccessSchema) }),
          'The caller',
        ),
        ...errorResponses,
      },
    }),
    async (context) => {
      const principal = requirePrincipal(context);
      const projects = await reachableProjects(dependencies, principal);
      if (principal.kind === 'user') return context.json({ user: principal.user, apiKey: null, csrfToken: principal.session.csrfToken, projects }, 200);
      return context.json({ user: null, apiKey: principal.apiKey, csrfToken: null, projects }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/projects',
      tags: ['projects'],
      summary: 'Projects the caller can reach, with their role',
      responses: { 200: jsonResponse(z.object({ items: z.array(ProjectAccessSchema) }), 'Projects'), ...errorResponses },
    }),
    async (context) => context.json({ items: await reachableProjects(dependencies, requirePrincipal(context)) }, 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/projects',
      tags: ['projects'],
      summary: 'Create a project (instance administrators); the creator becomes its admin',
      request: {
        body: jsonBody(z.object({ organization: SlugSchema.default('default'), name: SlugSchema, displayName: z.string().min(1).max(200).optional() }).strict()),
      },
      responses: { 201: jsonResponse(z.object({ project: ProjectSchema }), 'Created'), ...errorResponses },
    }),
    async (context) => {
      const principal = requireInstanceAdmin(context);
      const input = context.req.valid('json');
      const audit = context.get('audit');
      const organization =
        (await registry.getOrganizationByName(input.organization)) ?? (await registry.createOrganization({ name: input.organization }, audit));
      const project = await registry.createProject(organization.id, { name: input.name, ...(input.displayName ? { displayName: input.displayName } : {}) }, audit);
      await registry.setMember(project.id, principal.user.id, 'admin', audit);
      return context.json({ project }, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/users',
      tags: ['users'],
      summary: 'Every user (instance administrators)',
      responses: { 200: jsonResponse(z.object({ items: z.array(UserSchema) }), 'Users'), ...errorResponses },
    }),
    async (context) => {
      requireInstanceAdmin(context);
      return context.json({ items: await registry.listUsers() }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/users',
      tags: ['users'],
      summary: 'Create a user (instance administrators)',
      request: { body: jsonBody(CreateUserInputSchema) },
      responses: { 201: jsonResponse(z.object({ user: UserSchema }), 'Created'), ...errorResponses },
    }),
    async (context) => {
      requireInstanceAdmin(context);
      return context.json({ user: await registry.createUser(context.req.valid('json'), context.get('audit')) }, 201);
    },
  );

  return app;
}

function sessionInput(audit: { ip?: string; userAgent?: string }) {
  return { ...(audit.ip ? { ip: audit.ip } : {}), ...(audit.userAgent ? { userAgent: audit.userAgent } : {}) };
}

async function reachableProjects(dependencies: ServerDependencies, principal: NonNullable<ReturnType<typeof requirePrincipal>>) {
  const { registry } = dependencies;
  if (principal.kind === 'api-key') {
    const project = await registry.getProject(principal.apiKey.projectId);
    return project ? [{ project, role: principal.apiKey.role }] : [];
  }
  const projects = principal.user.isAdmin ? await registry.listProjects() : await registry.listProjects({ userId: principal.user.id });
  const access: { project: (typeof projects)[number]; role: Role }[] = [];
  for (const project of projects) {
    const role: Role = principal.user.isAdmin ? 'admin' : ((await registry.getMember(project.id, principal.user.id))?.role ?? 'viewer');
    access.push({ project, role });
  }
  return access;
}
