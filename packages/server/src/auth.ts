import { timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { getConnInfo } from '@hono/node-server/conninfo';
import { roleAtLeast, type AuditContext, type Project, type Role } from '@assay/spec';
import { HttpProblem } from './problem.ts';
import type { Principal, ServerDependencies, ServerEnv } from './server-env.ts';

export const sessionCookie = 'assay_session';
export const csrfHeader = 'x-csrf-token';
const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Finds the caller: `Authorization: Bearer <key>` or the session cookie. A bad key is 401 at once
 * (a script should stop); a stale cookie is dropped and the request goes on anonymous. For cookie
 * sessions, every state-changing request must carry the session's CSRF token in `X-CSRF-Token`
 * and, when the browser sends `Origin`, come from this server's own origin.
 */
export function authenticate(dependencies: ServerDependencies): MiddlewareHandler<ServerEnv> {
  return async (context, next) => {
    const authorization = context.req.header('authorization');
    let principal: Principal | null = null;
    if (authorization !== undefined) {
      const match = /^Bearer\s+(\S+)$/i.exec(authorization);
      if (!match) throw new HttpProblem(401, 'unauthenticated', 'Unauthenticated', 'The Authorization header must be "Bearer <API key>".');
      const apiKey = await dependencies.registry.authenticateApiKey(match[1]!);
      if (!apiKey) throw new HttpProblem(401, 'unauthenticated', 'Unauthenticated', 'The API key is unknown, revoked or expired.', { hint: 'Create a key with `assay admin create-key` or in the dashboard settings.' });
      principal = { kind: 'api-key', apiKey };
    } else {
      const token = getCookie(context, sessionCookie);
      if (token !== undefined) {
        const found = await dependencies.registry.getSession(token);
        if (found) principal = { kind: 'user', user: found.user, session: found.session, token };
        else deleteCookie(context, sessionCookie, { path: '/' });
      }
    }

    if (!safeMethods.has(context.req.method)) {
      checkOrigin(context, dependencies);
      if (principal?.kind === 'user' && !sameSecret(context.req.header(csrfHeader), principal.session.csrfToken)) {
        throw new HttpProblem(403, 'csrf', 'Forbidden', 'Missing or wrong X-CSRF-Token header.', { hint: 'Send the csrfToken from GET /api/session in the X-CSRF-Token header.' });
      }
    }

    context.set('principal', principal);
    context.set('audit', auditContext(context, principal, dependencies));
    await next();
  };
}

/** A browser sends Origin on cross-site writes; refusing a foreign one stops login CSRF too. */
function checkOrigin(context: Context, dependencies: ServerDependencies): void {
  const origin = context.req.header('origin');
  if (origin === undefined || origin === 'null') return;
  const host = (trustedProxyHops(dependencies.trustProxy) > 0 && context.req.header('x-forwarded-host')) || context.req.header('host');
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    originHost = '';
  }
  if (host === undefined || originHost !== host) {
    throw new HttpProblem(403, 'csrf', 'Forbidden', `Cross-origin request from ${origin} refused.`);
  }
}

function sameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function auditContext(context: Context, principal: Principal | null, dependencies: ServerDependencies): AuditContext {
  const userAgent = context.req.header('user-agent')?.slice(0, 1000);
  const ip = clientAddress(context, dependencies)?.slice(0, 100);
  const actor: AuditContext['actor'] =
    principal === null ? { type: 'system' } : principal.kind === 'user' ? { type: 'user', id: principal.user.id } : { type: 'api-key', id: principal.apiKey.id };
  return { actor, ...(ip ? { ip } : {}), ...(userAgent ? { userAgent } : {}) };
}

/**
 * The caller's address. Behind `hops` trusted proxies it is the entry of `X-Forwarded-For` that the
 * proxy nearest the client wrote, the `hops`-th from the right: each proxy appends the address it
 * was called from, so everything left of that is whatever the client chose to send (issue 16:
 * rotating the first entry reset the login throttle and forged the audit log). A header with fewer
 * entries than hops did not pass all the proxies; the socket's address is used then.
 */
export function clientAddress(context: Context, dependencies: ServerDependencies): string | undefined {
  const hops = trustedProxyHops(dependencies.trustProxy);
  if (hops > 0) {
    const entries = context.req.header('x-forwarded-for')?.split(',') ?? [];
    const forwarded = entries.length >= hops ? entries[entries.length - hops]!.trim() : '';
    if (forwarded) return forwarded;
  }
  try {
    return getConnInfo(context).remote.address;
  } catch {
    return undefined; // In-process requests (tests) have no socket.
  }
}

/** How many proxies in front of the server append to `X-Forwarded-For`: `true` is one, `false` none. */
export function trustedProxyHops(trustProxy: ServerDependencies['trustProxy']): number {
  if (trustProxy === true) return 1;
  return typeof trustProxy === 'number' && Number.isInteger(trustProxy) && trustProxy > 0 ? trustProxy : 0;
}

/** The caller, or 401. */
export function requirePrincipal(context: Context<ServerEnv>): Principal {
  const principal = context.get('principal');
  if (!principal) throw new HttpProblem(401, 'unauthenticated', 'Unauthenticated', 'Log in, or send an API key as "Authorization: Bearer <key>".');
  return principal;
}

/** A logged-in dashboard user (not an API key), or 401/403. */
export function requireUser(context: Context<ServerEnv>): Extract<Principal, { kind: 'user' }> {
  const principal = requirePrincipal(context);
  if (principal.kind !== 'user') throw new HttpProblem(403, 'forbidden', 'Forbidden', 'This route is for dashboard users, not API keys.');
  return principal;
}

export function requireInstanceAdmin(context: Context<ServerEnv>): Extract<Principal, { kind: 'user' }> {
  const principal = requireUser(context);
  if (!principal.user.isAdmin) throw new HttpProblem(403, 'forbidden', 'Forbidden', 'Only an instance administrator may do this.');
  return principal;
}

/**
 * What every project route calls first: establishes which project it acts on and checks the
 * caller's role there. A key reaches only its own project; a user only projects they are a member
 * of (instance admins: all). A project the caller cannot reach answers 404, exactly like one that
 * does not exist, so ids cannot be probed; too weak a role answers 403.
 *
 * @example
 * const access = projectAccess(dependencies);
 * app.openapi(route, async (context) => {
 *   const { projectId, audit } = await access(context, 'editor');
 * });
 */
export function projectAccess(dependencies: ServerDependencies) {
  return async (context: Context<ServerEnv>, minimum: Role): Promise<{ projectId: string; project: Project; role: Role; audit: AuditContext }> => {
    const principal = requirePrincipal(context);
    const requested = context.req.param('projectId');
    const notFound = () => new HttpProblem(404, 'not-found', 'Not found', `No project ${requested ?? ''} that you can access.`.replace('  ', ' '));
    let projectId: string;
    let role: Role;
    if (principal.kind === 'api-key') {
      if (requested !== undefined && requested !== principal.apiKey.projectId) throw notFound();
      projectId = principal.apiKey.projectId;
      role = principal.apiKey.role;
    } else {
      if (requested === undefined) {
        throw new HttpProblem(404, 'not-found', 'Not found', 'Dashboard sessions name the project: /api/projects/<projectId>/…');
      }
      projectId = requested;
      if (principal.user.isAdmin) role = 'admin';
      else {
        const membership = await dependencies.registry.getMember(projectId, principal.user.id);
        if (!membership) throw notFound();
        role = membership.role;
      }
    }
    const project = await dependencies.registry.getProject(projectId);
    if (!project) throw notFound();
    if (!roleAtLeast(role, minimum)) {
      throw new HttpProblem(403, 'forbidden', 'Forbidden', `This needs the ${minimum} role in the project; you have ${role}.`, { requiredRole: minimum, role });
    }
    return { projectId, project, role, audit: context.get('audit') };
  };
}

/** Sets the session cookie: HttpOnly, SameSite=Strict, Secure over https (or when configured). */
export function setSessionCookie(context: Context, token: string, expiresAt: string, dependencies: ServerDependencies): void {
  const forwardedHttps = trustedProxyHops(dependencies.trustProxy) > 0 && context.req.header('x-forwarded-proto') === 'https';
  const secure = dependencies.secureCookies ?? (new URL(context.req.url).protocol === 'https:' || forwardedHttps);
  setCookie(context, sessionCookie, token, { httpOnly: true, sameSite: 'Strict', secure, path: '/', expires: new Date(expiresAt) });
}
