import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LoginThrottle } from './login-throttle.ts';
import { describeEachDialect, promptSource, type Caller, type TestApp } from './testing/test-app.ts';

describeEachDialect((openApp) => {
  let t: TestApp;
  let projectId: string;
  let editor: Caller;
  let admin: Caller;

  beforeEach(async () => {
    t = await openApp();
    const project = await t.project('support-bot');
    projectId = project.id;
    editor = await project.key('editor');
    admin = await project.key('admin');
  });
  afterEach(async () => t.close());

  const push = (as: Caller, name: string, source: string, message?: string) => t.call('POST', '/api/prompts', { as, body: { name, source, ...(message ? { message } : {}) } });

  describe('prompts', () => {
    it('pushes immutable versions, dedupes identical content, and lists them newest first', async () => {
      const first = await push(editor, 'support/triage', promptSource(), 'first');
      expect(first.status).toBe(201);
      expect(first.body.created).toBe(true);
      expect(first.body.version).toMatchObject({ promptName: 'support/triage', version: 1, author: 'API key editor key', message: 'first', metadata: { owner: 'support-team', riskTier: 'low' } });
      expect(first.body.version.modelConfig.model).toBe('openai/gpt-4o-mini');

      const again = await push(editor, 'support/triage', promptSource());
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ created: false, version: { version: 1 } });

      const second = await push(editor, 'support/triage', promptSource({ body: 'Classify: {{ticket}}. Answer in JSON.' }));
      expect(second.body.version.version).toBe(2);

      const versions = await t.call('GET', '/api/prompts/support%2Ftriage/versions', { as: editor });
      expect(versions.body.items.map((version: any) => version.version)).toEqual([2, 1]);
      const one = await t.call('GET', `/api/projects/${projectId}/prompts/support%2Ftriage/versions/1`, { as: editor });
      expect(one.body.template).toBe('Classify this ticket: {{ticket}}');
    });

    it('refuses a malformed prompt file with 422 problem+json naming the line', async () => {
      const response = await push(editor, 'broken', '---\nmodel: x\nmetadata:\n  riskTier: extreme\n---\nHi');
      expect(response.status).toBe(422);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(response.body).toMatchObject({ title: 'Invalid prompt file', status: 422, line: 4, field: 'metadata.riskTier' });
      expect(response.body.type).toBe('/docs/api.md#invalid-prompt');
      expect((await t.call('GET', '/api/prompts', { as: editor })).body.items).toEqual([]);
    });

    it('refuses an unknown template helper with 422 at its line, not at the first render (issue 16)', async () => {
      for (const body of ['Hello {{shout name}}', 'Hello {{#nope name}}there{{/nope}}']) {
        const response = await push(editor, 'greet', `---\nmodel: openai/gpt-4o-mini\n---\n{{role "user"}}\n${body}`);
        expect(response.status).toBe(422);
        expect(response.headers.get('content-type')).toBe('application/problem+json');
        expect(response.body).toMatchObject({ title: 'Invalid prompt file', status: 422, line: 5, detail: expect.stringMatching(/^Unknown template helper "(shout|nope)"$/) });
        expect(response.body.hint).toMatch(/json, .*role, .*if, unless, each/);
      }
      expect((await t.call('GET', '/api/prompts', { as: editor })).body.items).toEqual([]);
    });

    it('validates bodies and names the fields', async () => {
      const response = await t.call('POST', '/api/prompts', { as: editor, body: { name: 'bad name!', source: 1 } });
      expect(response.status).toBe(422);
      expect(response.body.fields.map((field: any) => field.path).sort()).toEqual(['name', 'source']);
    });

    it('filters by governance metadata and finds prompts overdue for review', async () => {
      await push(editor, 'a', promptSource({ owner: 'alice', riskTier: 'high' }));
      await push(editor, 'b', promptSource({ owner: 'bob', riskTier: 'low' }));
      const names = async (query: string) => (await t.call('GET', `/api/prompts?${query}`, { as: editor })).body.items.map((prompt: any) => prompt.name);
      expect(await names('owner=alice')).toEqual(['a']);
      expect(await names('riskTier=low')).toEqual(['b']);
      expect(await names('lastReviewedBefore=2026-11-01')).toEqual(['a', 'b']);
      expect(await names('lastReviewedBefore=2026-09-01')).toEqual([]);
    });

    it('diffs two versions field by field and writes a changelog', async () => {
      await push(editor, 'triage', promptSource(), 'initial');
      await push(editor, 'triage', promptSource({ body: 'Classify carefully: {{ticket}}', riskTier: 'high' }), 'stricter');
      const diff = await t.call('GET', '/api/prompts/triage/diff?from=1&to=2', { as: editor });
      expect(diff.status).toBe(200);
      expect(diff.body.changes.map((change: any) => change.field)).toEqual(['template', 'metadata']);
      expect(diff.body.changes[0].unified).toContain('+Classify carefully: {{ticket}}');
      const changelog = await t.call('GET', '/api/prompts/triage/changelog', { as: editor });
      expect(changelog.body.entries.map((entry: any) => entry.version)).toEqual([2, 1]);
      expect(changelog.body.markdown).toContain('riskTier low → high');
      expect((await t.call('GET', '/api/prompts/triage/diff?from=1&to=9', { as: editor })).status).toBe(404);
    });
  });

  describe('labels and serving', () => {
    beforeEach(async () => {
      await push(editor, 'triage', promptSource());
      await push(editor, 'triage', promptSource({ body: 'v2 {{ticket}}' }));
    });

    it('serves a label with an ETag and answers 304 to a matching If-None-Match', async () => {
      const set = await t.call('PUT', '/api/prompts/triage/labels/staging', { as: editor, body: { targets: [{ version: 1, weight: 100 }], expectedRevision: 0 } });
      expect(set.status).toBe(200);
      const served = await t.call('GET', '/api/prompts/triage?label=staging', { as: editor });
      expect(served.status).toBe(200);
      expect(served.body).toMatchObject({ name: 'triage', label: 'staging', revision: 1, targets: [{ version: 1, weight: 100 }] });
      expect(served.body.versions.map((version: any) => version.version)).toEqual([1]);
      const etag = served.headers.get('etag')!;
      expect(etag).toMatch(/^"[\w-]+"$/);
      const cached = await t.call('GET', '/api/prompts/triage?label=staging', { as: editor, headers: { 'if-none-match': etag } });
      expect(cached.status).toBe(304);
      expect(cached.body).toBeNull();

      // Moving the label changes the tag.
      await t.call('PUT', '/api/prompts/triage/labels/staging', { as: editor, body: { targets: [{ version: 2, weight: 100 }], expectedRevision: 1 } });
      const moved = await t.call('GET', '/api/prompts/triage?label=staging', { as: editor, headers: { 'if-none-match': etag } });
      expect(moved.status).toBe(200);
      expect(moved.body.versions[0].version).toBe(2);
      expect((await t.call('GET', '/api/prompts/triage?label=nope', { as: editor })).status).toBe(404);
    });

    it('splits a label across two versions for a canary', async () => {
      const set = await t.call('PUT', '/api/prompts/triage/labels/staging', {
        as: editor,
        body: { targets: [{ version: 2, weight: 10 }, { version: 1, weight: 90 }], expectedRevision: 0 },
      });
      expect(set.body.targets).toEqual([{ version: 1, weight: 90 }, { version: 2, weight: 10 }]);
      const bad = await t.call('PUT', '/api/prompts/triage/labels/staging', { as: editor, body: { targets: [{ version: 1, weight: 50 }], expectedRevision: 1 } });
      expect(bad.status).toBe(422);
      expect(bad.body.detail).toContain('weights must sum to 100');
    });

    it('refuses a stale revision (409 with the current one) and a missing version (404)', async () => {
      await t.call('PUT', '/api/prompts/triage/labels/staging', { as: editor, body: { targets: [{ version: 1, weight: 100 }], expectedRevision: 0 } });
      const stale = await t.call('PUT', '/api/prompts/triage/labels/staging', { as: editor, body: { targets: [{ version: 2, weight: 100 }], expectedRevision: 0 } });
      expect(stale.status).toBe(409);
      expect(stale.body.currentRevision).toBe(1);
      const missing = await t.call('PUT', '/api/prompts/triage/labels/staging', { as: editor, body: { targets: [{ version: 7, weight: 100 }], expectedRevision: 1 } });
      expect(missing.status).toBe(404);
      expect((await t.call('GET', '/api/prompts/triage?label=staging', { as: editor })).body.versions[0].version).toBe(1);
    });

    it('lets one of two concurrent moves win and tells the other', async () => {
      await push(editor, 'triage', promptSource({ body: 'v3 {{ticket}}' }));
      await t.call('PUT', '/api/prompts/triage/labels/staging', { as: editor, body: { targets: [{ version: 1, weight: 100 }], expectedRevision: 0 } });
      const moves = await Promise.all(
        [2, 3].map((version) => t.call('PUT', '/api/prompts/triage/labels/staging', { as: editor, body: { targets: [{ version, weight: 100 }], expectedRevision: 1 } })),
      );
      expect(moves.map((move) => move.status).sort()).toEqual([200, 409]);
    });

    it('rolls a label back to where it pointed before', async () => {
      await t.call('PUT', '/api/prompts/triage/labels/staging', { as: editor, body: { targets: [{ version: 1, weight: 100 }], expectedRevision: 0 } });
      await t.call('PUT', '/api/prompts/triage/labels/staging', { as: editor, body: { targets: [{ version: 2, weight: 100 }], expectedRevision: 1 } });
      const back = await t.call('POST', '/api/prompts/triage/labels/staging/rollback', { as: editor, body: { expectedRevision: 2 } });
      expect(back.status).toBe(200);
      expect(back.body).toMatchObject({ revision: 3, targets: [{ version: 1, weight: 100 }] });
      const history = await t.call('GET', '/api/prompts/triage/labels/staging/history', { as: editor });
      expect(history.body.items.map((entry: any) => entry.kind)).toEqual(['rollback', 'set', 'set']);
    });
  });

  describe('approvals (two-person rule)', () => {
    it('makes a high-risk production move go through a second person', async () => {
      await push(editor, 'refunds', promptSource({ riskTier: 'high' }));
      const alice = await t.user('alice@example.com', { memberOf: [{ projectId, role: 'approver' }] });
      const bob = await t.user('bob@example.com', { memberOf: [{ projectId, role: 'approver' }] });
      const base = `/api/projects/${projectId}`;

      const direct = await t.call('PUT', `${base}/prompts/refunds/labels/production`, { as: alice, body: { targets: [{ version: 1, weight: 100 }], expectedRevision: 0 } });
      expect(direct.status).toBe(403);
      expect(direct.body).toMatchObject({ reason: 'approval-required', requiredApprovals: 1 });

      const request = await t.call('POST', `${base}/change-requests`, { as: alice, body: { promptName: 'refunds', label: 'production', targets: [{ version: 1, weight: 100 }], message: 'ship it' } });
      expect(request.status).toBe(201);
      expect(request.body.status).toBe('pending');

      const self = await t.call('POST', `${base}/change-requests/${request.body.id}/reviews`, { as: alice, body: { decision: 'approve' } });
      expect(self.status).toBe(403);
      expect(self.body.reason).toBe('self-approval');

      const early = await t.call('POST', `${base}/change-requests/${request.body.id}/apply`, { as: alice });
      expect(early.status).toBe(409);

      const approved = await t.call('POST', `${base}/change-requests/${request.body.id}/reviews`, { as: bob, body: { decision: 'approve', comment: 'lgtm' } });
      expect(approved.body.status).toBe('approved');
      const applied = await t.call('POST', `${base}/change-requests/${request.body.id}/apply`, { as: alice });
      expect(applied.status).toBe(200);
      expect(applied.body.label.targets).toEqual([{ version: 1, weight: 100 }]);

      const audit = await t.call('GET', `${base}/audit`, { as: admin });
      const actions = audit.body.items.map((event: any) => event.action);
      expect(actions).toEqual(expect.arrayContaining(['prompt.push', 'change-request.create', 'change-request.approve', 'change-request.apply']));
      const review = audit.body.items.find((event: any) => event.action === 'change-request.approve');
      expect(review.actor).toEqual({ type: 'user', id: bob.userId });
    });

    it('keeps an editor key from reviewing (approver role needed)', async () => {
      await push(editor, 'refunds', promptSource({ riskTier: 'high' }));
      const request = await t.call('POST', '/api/change-requests', { as: editor, body: { promptName: 'refunds', label: 'production', targets: [{ version: 1, weight: 100 }] } });
      const review = await t.call('POST', `/api/change-requests/${request.body.id}/reviews`, { as: editor, body: { decision: 'approve' } });
      expect(review.status).toBe(403);
      expect(review.body.requiredRole).toBe('approver');
    });
  });

  describe('auth', () => {
    it('answers 401 without credentials and with an unknown key', async () => {
      expect((await t.call('GET', '/api/prompts')).status).toBe(401);
      const bad = await t.call('GET', '/api/prompts', { as: { apiKey: 'assay_not-a-key' } });
      expect(bad.status).toBe(401);
      expect(bad.headers.get('content-type')).toBe('application/problem+json');
    });

    it('stops a revoked key at once', async () => {
      const keys = await t.call('GET', '/api/api-keys', { as: admin });
      const editorKey = keys.body.items.find((key: any) => key.role === 'editor');
      expect(keys.body.items.every((key: any) => !('secret' in key) && !('hash' in key))).toBe(true);
      await t.call('POST', `/api/api-keys/${editorKey.id}/revoke`, { as: admin });
      expect((await t.call('GET', '/api/prompts', { as: editor })).status).toBe(401);
    });

    it('enforces roles: a viewer reads but cannot push', async () => {
      const viewer = await (await t.project('support-bot')).key('viewer');
      expect((await t.call('GET', '/api/prompts', { as: viewer })).status).toBe(200);
      const pushed = await push(viewer, 'x', promptSource());
      expect(pushed.status).toBe(403);
      expect(pushed.body).toMatchObject({ requiredRole: 'editor', role: 'viewer' });
      expect((await t.call('GET', '/api/audit', { as: editor })).status).toBe(403);
    });

    it('runs first-start setup once, then logs in with a session cookie and CSRF protection', async () => {
      const fresh = await openApp();
      try {
        expect((await fresh.call('GET', '/api/setup')).body).toEqual({ needed: true });
        const { token } = await fresh.registry.createSetupToken();
        const setup = await fresh.call('POST', '/api/setup', { body: { token, email: 'root@example.com', name: 'Root', password: 'a long enough password' } });
        expect(setup.status).toBe(201);
        const cookieHeader = setup.headers.get('set-cookie')!;
        expect(cookieHeader).toMatch(/assay_session=/);
        expect(cookieHeader).toMatch(/HttpOnly/);
        expect(cookieHeader).toMatch(/SameSite=Strict/);
        expect((await fresh.call('POST', '/api/setup', { body: { token, email: 'x@example.com', name: 'X', password: 'a long enough password' } })).status).toBe(403);
        expect((await fresh.call('GET', '/api/setup')).body).toEqual({ needed: false });

        const cookie = /assay_session=[^;]+/.exec(cookieHeader)![0];
        const session = await fresh.call('GET', '/api/session', { headers: { cookie } });
        expect(session.body.user.email).toBe('root@example.com');
        const noCsrf = await fresh.call('POST', '/api/projects', { headers: { cookie }, body: { name: 'demo' } });
        expect(noCsrf.status).toBe(403);
        expect(noCsrf.body.type).toBe('/docs/api.md#csrf');
        const made = await fresh.call('POST', '/api/projects', { headers: { cookie, 'x-csrf-token': setup.body.csrfToken }, body: { name: 'demo' } });
        expect(made.status).toBe(201);
        const foreign = await fresh.call('POST', '/api/logout', { headers: { cookie, 'x-csrf-token': setup.body.csrfToken, origin: 'https://evil.example' } });
        expect(foreign.status).toBe(403);

        const wrong = await fresh.call('POST', '/api/login', { body: { email: 'root@example.com', password: 'wrong password!' } });
        expect(wrong.status).toBe(401);
        const logout = await fresh.call('POST', '/api/logout', { headers: { cookie, 'x-csrf-token': setup.body.csrfToken } });
        expect(logout.status).toBe(204);
        expect((await fresh.call('GET', '/api/session', { headers: { cookie } })).status).toBe(401);
        const failed = await fresh.registry.listAuditEvents(null, { action: 'user.login-failed' });
        expect(failed.items).toHaveLength(1);
      } finally {
        await fresh.close();
      }
    });

    it('slows password guessing: 429 with Retry-After after repeated failures, even for the right password', async () => {
      let now = Date.parse('2026-11-22T10:00:00Z');
      const guarded = await openApp({ loginThrottle: new LoginThrottle({ maxFailures: 3, windowMs: 60_000, now: () => now }) });
      try {
        await guarded.user('erin@example.com');
        const attempt = (password: string) => guarded.call('POST', '/api/login', { body: { email: 'erin@example.com', password } });
        for (let index = 0; index < 3; index++) expect((await attempt('wrong guess!')).status).toBe(401);
        const blocked = await attempt('correct horse battery');
        expect(blocked.status).toBe(429);
        expect(blocked.headers.get('retry-after')).toBe('60');
        expect(blocked.body.type).toBe('/docs/api.md#too-many-attempts');
        now += 61_000;
        expect((await attempt('correct horse battery')).status).toBe(200);
      } finally {
        await guarded.close();
      }
    });

    it("changes one's own password, ending the other sessions", async () => {
      const erin = await t.user('erin@example.com');
      const wrong = await t.call('POST', '/api/password', { as: erin, body: { currentPassword: 'not it at all', newPassword: 'a brand new password' } });
      expect(wrong.status).toBe(403);
      expect(wrong.body.type).toBe('/docs/api.md#wrong-password');
      const changed = await t.call('POST', '/api/password', { as: erin, body: { currentPassword: 'correct horse battery', newPassword: 'a brand new password' } });
      expect(changed.status).toBe(200);
      // The old cookie is dead; the new one works; the old password no longer logs in.
      expect((await t.call('GET', '/api/session', { as: erin })).status).toBe(401);
      const cookie = /assay_session=[^;]+/.exec(changed.headers.get('set-cookie')!)![0];
      expect((await t.call('GET', '/api/session', { headers: { cookie } })).body.user.email).toBe('erin@example.com');
      expect((await t.call('POST', '/api/login', { body: { email: 'erin@example.com', password: 'correct horse battery' } })).status).toBe(401);
      expect((await t.call('POST', '/api/login', { body: { email: 'erin@example.com', password: 'a brand new password' } })).status).toBe(200);
      expect((await t.call('POST', '/api/password', { as: editor, body: { currentPassword: 'x', newPassword: 'a brand new password' } })).status).toBe(403);
    });

    it('shows a new key secret once and lists members', async () => {
      const created = await t.call('POST', '/api/api-keys', { as: admin, body: { name: 'ci', role: 'editor' } });
      expect(created.status).toBe(201);
      expect(created.body.secret).toMatch(/^assay_/);
      expect(created.headers.get('cache-control')).toBe('no-store');
      expect((await t.call('GET', '/api/prompts', { as: { apiKey: created.body.secret } })).status).toBe(200);
      await t.user('carol@example.com');
      const member = await t.call('PUT', '/api/members', { as: admin, body: { email: 'carol@example.com', role: 'viewer' } });
      expect(member.body.role).toBe('viewer');
      expect((await t.call('GET', '/api/members', { as: editor })).body.items.map((item: any) => item.user.email)).toEqual(['carol@example.com']);
      expect((await t.call('PUT', '/api/members', { as: admin, body: { email: 'nobody@example.com', role: 'viewer' } })).status).toBe(404);
    });
  });

  describe('the API itself', () => {
    it('publishes an OpenAPI document listing the routes', async () => {
      const response = await t.call('GET', '/api/openapi.json');
      expect(response.status).toBe(200);
      expect(response.body.openapi).toBe('3.1.0');
      expect(Object.keys(response.body.paths)).toEqual(expect.arrayContaining(['/api/prompts/{name}', '/api/projects/{projectId}/runs/{id}/results', '/api/login']));
    });

    it('refuses bodies over the size limit with 413', async () => {
      const response = await t.call('POST', '/api/prompts', { as: editor, body: { name: 'big', source: 'x'.repeat(3 * 1024 * 1024) } });
      expect(response.status).toBe(413);
      expect(response.body.type).toBe('/docs/api.md#too-large');
    });

    it('answers unknown API routes with a 404 problem', async () => {
      const response = await t.call('GET', '/api/nope', { as: editor });
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
    });

    it('serves the docs that problem types link to, as HTML with heading anchors or as Markdown', async () => {
      const docsRoot = fileURLToPath(new URL('../../../docs/', import.meta.url));
      const withDocs = await openApp({ docsRoot });
      try {
        const html = await withDocs.call('GET', '/docs/api.md', { headers: { accept: 'text/html' } });
        expect(html.status).toBe(200);
        expect(html.headers.get('content-type')).toMatch(/^text\/html/);
        expect(html.body).toContain('<h3 id="conflict">conflict</h3>');
        expect(html.body).toContain('<h3 id="approval-required">approval-required</h3>');
        const raw = await withDocs.call('GET', '/docs/serve.md');
        expect(raw.headers.get('content-type')).toMatch(/^text\/markdown/);
        expect(raw.body).toMatch(/^# `assay serve`/);
        expect((await withDocs.call('GET', '/docs/no-such-page.md')).status).toBe(404);
        expect((await withDocs.call('GET', '/docs/..%2Fpackage.json')).status).toBe(404);
      } finally {
        await withDocs.close();
      }
    });

    it('sends security headers', async () => {
      const response = await t.call('GET', '/api/health');
      expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    });
  });
});
