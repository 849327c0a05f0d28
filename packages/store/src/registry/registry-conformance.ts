import { createHash } from 'node:crypto';
import {
  AssayError,
  ConflictError,
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
  type ApiKey,
  type AuditContext,
  type Project,
  type PushPromptVersionInput,
  type User,
} from '@assay/spec';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RegistryStore, RegistryStoreOptions } from './registry-store.ts';

/** What the suite controls in every store it opens. */
export interface RegistryConformanceHooks {
  /** Milliseconds added to the suite's clock (which also ticks 1 ms per reading, so timestamps order). */
  advance(milliseconds: number): void;
  /** Makes the next write transaction fail after its change and audit events are written, before commit. */
  failNextCommit(): void;
}

/**
 * The behaviour every `RegistryStore` must have, run once per database:
 *
 * @example
 * describeRegistryConformance('sqlite', (options) => openRegistryStore({ sqlite: { file: freshFile() }, ...options }));
 *
 * @param open returns an empty store built with the given options (the suite's clock and test
 *   hooks); called before every test, and the store is closed after it.
 */
export function describeRegistryConformance(
  name: string,
  open: (options: RegistryStoreOptions) => Promise<RegistryStore>,
  cleanup?: () => Promise<void>,
): void {
  describe(`RegistryStore conformance: ${name}`, () => {
    let store: RegistryStore;
    let hooks: RegistryConformanceHooks;

    beforeEach(async () => {
      let offset = 0;
      let ticks = 0;
      let failNext = false;
      const base = Date.parse('2025-06-01T12:00:00.000Z');
      hooks = {
        advance: (milliseconds) => void (offset += milliseconds),
        failNextCommit: () => void (failNext = true),
      };
      store = await open({
        now: () => new Date(base + offset + ticks++),
        testing: {
          scryptLogN: 10,
          onBeforeCommit: () => {
            if (!failNext) return;
            failNext = false;
            throw new Error('injected failure before commit');
          },
        },
      });
    });

    afterEach(async () => {
      await store.close();
      await cleanup?.();
    });

    /** An organization with projects A and B, and users with their roles in A. */
    async function world() {
      const system: AuditContext = { actor: { type: 'system' } };
      const organization = await store.createOrganization({ name: 'acme' }, system);
      const a = await store.createProject(organization.id, { name: 'project-a' }, system);
      const b = await store.createProject(organization.id, { name: 'project-b' }, system);
      const user = (email: string) => store.createUser({ email, name: email.split('@')[0]!, password: 'correct horse battery' }, system);
      const [admin, alice, bob, carol, dave] = await Promise.all([
        store.createUser({ email: 'admin@acme.test', name: 'Admin', password: 'correct horse battery', isAdmin: true }, system),
        user('alice@acme.test'),
        user('bob@acme.test'),
        user('carol@acme.test'),
        user('dave@acme.test'),
      ]);
      await store.setMember(a.id, alice!.id, 'editor', system);
      await store.setMember(a.id, bob!.id, 'approver', system);
      await store.setMember(a.id, carol!.id, 'approver', system);
      await store.setMember(a.id, dave!.id, 'viewer', system);
      const as = (person: User): AuditContext => ({ actor: { type: 'user', id: person.id }, ip: '203.0.113.7', userAgent: 'vitest' });
      return { system, organization, a, b, admin: admin!, alice: alice!, bob: bob!, carol: carol!, dave: dave!, as };
    }

    async function push(project: Project, name: string, content: string, metadata: PushPromptVersionInput['metadata'] = {}, context: AuditContext = { actor: { type: 'system' } }) {
      return store.pushPromptVersion(project.id, promptInput(name, content, metadata), context);
    }

    it('declares specification v1 and its dialect', () => {
      expect(store.specificationVersion).toBe('v1');
      expect(['sqlite', 'postgres']).toContain(store.dialect);
    });

    describe('organizations and projects', () => {
      it('creates, finds and lists them; names are unique', async () => {
        const system: AuditContext = { actor: { type: 'system' } };
        const organization = await store.createOrganization({ name: 'acme', displayName: 'Acme Inc.' }, system);
        expect(organization).toMatchObject({ name: 'acme', displayName: 'Acme Inc.' });
        expect(await store.getOrganization(organization.id)).toEqual(organization);
        expect(await store.getOrganizationByName('acme')).toEqual(organization);
        await expect(store.createOrganization({ name: 'acme' }, system)).rejects.toBeInstanceOf(ConflictError);

        const project = await store.createProject(organization.id, { name: 'support-bot' }, system);
        expect(project.settings).toEqual({ approvals: { low: 0, medium: 0, high: 1, critical: 2 }, protectedLabels: ['production'] });
        expect(await store.getProject(project.id)).toEqual(project);
        expect(await store.getProjectByName(organization.id, 'support-bot')).toEqual(project);
        await expect(store.createProject(organization.id, { name: 'support-bot' }, system)).rejects.toBeInstanceOf(ConflictError);
        await expect(store.createProject('no-such-org', { name: 'x' }, system)).rejects.toBeInstanceOf(NotFoundError);
        expect((await store.listProjects()).map((listed) => listed.name)).toEqual(['support-bot']);
        expect(await store.listOrganizations()).toEqual([organization]);
      });

      it('rejects malformed names with the field named', async () => {
        const error = await rejection(store.createOrganization({ name: 'Not A Slug' }, { actor: { type: 'system' } }));
        expect(InvalidInputError.isInstance(error)).toBe(true);
        expect((error as InvalidInputError).issues[0]?.field).toBe('name');
        expect((error as InvalidInputError).statusCode).toBe(422);
      });

      it('ensureProject creates organization and project once, also when racing', async () => {
        const system: AuditContext = { actor: { type: 'system' } };
        const results = await Promise.all(Array.from({ length: 5 }, () => store.ensureProject({ organization: 'default', project: 'demo' }, system)));
        expect(new Set(results.map((result) => result.project.id)).size).toBe(1);
        expect(results.filter((result) => result.created)).toHaveLength(1);
        const again = await store.ensureProject({ organization: 'default', project: 'demo' }, system);
        expect(again).toEqual({ project: results[0]!.project, created: false });
        expect((await store.listAuditEvents(again.project.id)).items.map((event) => event.action)).toEqual(['project.create']);
        expect((await store.listAuditEvents(null)).items.map((event) => event.action)).toEqual(['organization.create']);
      });

      it('lists the projects a user is a member of', async () => {
        const { a, alice, admin } = await world();
        expect((await store.listProjects({ userId: alice.id })).map((project) => project.id)).toEqual([a.id]);
        expect(await store.listProjects({ userId: admin.id })).toEqual([]);
      });

      it('validates, stores and audits project settings', async () => {
        const { a, admin, as } = await world();
        const updated = await store.updateProjectSettings(a.id, { approvals: { low: 0, medium: 1, high: 2, critical: 3 }, protectedLabels: ['production', 'eu'] }, as(admin));
        expect(updated.settings.approvals.medium).toBe(1);
        expect((await store.getProject(a.id))?.settings).toEqual(updated.settings);
        await expect(store.updateProjectSettings(a.id, { approvals: { high: -1 } } as never, as(admin))).rejects.toBeInstanceOf(InvalidInputError);
        const [event] = (await store.listAuditEvents(a.id, { action: 'project.update-settings' })).items;
        expect(event?.details).toMatchObject({ after: updated.settings });
      });
    });

    describe('users and memberships', () => {
      it('stores emails lowercased, unique regardless of case, and never returns the password hash', async () => {
        const system: AuditContext = { actor: { type: 'system' } };
        const user = await store.createUser({ email: ' Alice@Example.COM ', name: 'Alice', password: 'correct horse battery' }, system);
        expect(user.email).toBe('alice@example.com');
        expect(Object.keys(user).sort()).toEqual(['createdAt', 'email', 'id', 'isAdmin', 'name']);
        expect(await store.getUserByEmail('ALICE@example.com')).toEqual(user);
        await expect(store.createUser({ email: 'alice@EXAMPLE.com', name: 'Other', password: 'correct horse battery' }, system)).rejects.toBeInstanceOf(ConflictError);
        expect(await store.countUsers()).toBe(1);
        expect(await store.listUsers()).toEqual([user]);
      });

      it('refuses short passwords', async () => {
        const error = await rejection(store.createUser({ email: 'a@b.test', name: 'A', password: 'short' }, { actor: { type: 'system' } }));
        expect((error as InvalidInputError).issues.map((issue) => issue.field)).toEqual(['password']);
      });

      it('authenticates by email and password', async () => {
        const { alice } = await world();
        expect(await store.authenticateUser('ALICE@acme.test', 'correct horse battery')).toEqual(alice);
        expect(await store.authenticateUser('alice@acme.test', 'wrong horse battery')).toBeUndefined();
        expect(await store.authenticateUser('nobody@acme.test', 'correct horse battery')).toBeUndefined();
        expect(await store.authenticateUser('not an email', 'x')).toBeUndefined();
      });

      it('changing a password ends the sessions and takes effect', async () => {
        const { alice, as } = await world();
        const { token } = await store.createSession(alice.id);
        await store.setUserPassword(alice.id, 'a brand new passphrase', as(alice));
        expect(await store.getSession(token)).toBeUndefined();
        expect(await store.authenticateUser('alice@acme.test', 'correct horse battery')).toBeUndefined();
        expect(await store.authenticateUser('alice@acme.test', 'a brand new passphrase')).toEqual(alice);
        await expect(store.setUserPassword('no-such-user', 'a brand new passphrase', as(alice))).rejects.toBeInstanceOf(NotFoundError);
      });

      it('adds, changes and removes members, with audit events', async () => {
        const { a, alice, bob, admin, as } = await world();
        expect((await store.listMembers(a.id)).map((member) => [member.user.email, member.role])).toEqual([
          ['alice@acme.test', 'editor'],
          ['bob@acme.test', 'approver'],
          ['carol@acme.test', 'approver'],
          ['dave@acme.test', 'viewer'],
        ]);
        const changed = await store.setMember(a.id, alice.id, 'admin', as(admin));
        expect(changed).toMatchObject({ projectId: a.id, role: 'admin', user: alice });
        expect((await store.getMember(a.id, alice.id))?.role).toBe('admin');
        await store.removeMember(a.id, bob.id, as(admin));
        expect(await store.getMember(a.id, bob.id)).toBeUndefined();
        await expect(store.removeMember(a.id, bob.id, as(admin))).rejects.toBeInstanceOf(NotFoundError);
        await expect(store.setMember(a.id, 'no-such-user', 'viewer', as(admin))).rejects.toBeInstanceOf(NotFoundError);
        await expect(store.setMember(a.id, alice.id, 'owner' as never, as(admin))).rejects.toBeInstanceOf(InvalidInputError);
        const events = (await store.listAuditEvents(a.id, { targetType: 'user', limit: 2 })).items;
        expect(events.map((event) => [event.action, event.targetId])).toEqual([
          ['member.remove', bob.id],
          ['member.set', alice.id],
        ]);
        expect(events[1]?.details).toMatchObject({ role: 'admin', previousRole: 'editor' });
      });
    });

    describe('API keys', () => {
      it('returns the secret once and finds the key by its hash alone', async () => {
        const { a, alice, as } = await world();
        const { apiKey, secret } = await store.createApiKey(a.id, { name: 'ci', role: 'editor' }, as(alice));
        expect(secret).toMatch(/^assay_[A-Za-z0-9_-]{43}$/);
        expect(secret.startsWith(apiKey.prefix)).toBe(true);
        expect(apiKey.prefix.length).toBeLessThan(secret.length / 2);
        expect(apiKey).toMatchObject({ projectId: a.id, name: 'ci', role: 'editor', createdBy: { type: 'user', id: alice.id }, revokedAt: null });

        const listed = await store.listApiKeys(a.id);
        expect(listed).toEqual([apiKey]);
        expect(JSON.stringify(listed)).not.toContain(secret.slice(apiKey.prefix.length));
        expect(JSON.stringify(await store.listAuditEvents(a.id))).not.toContain(secret.slice(apiKey.prefix.length));

        expect((await store.authenticateApiKey(secret))?.id).toBe(apiKey.id);
        // Neither the prefix, the id, nor a near miss opens it.
        expect(await store.authenticateApiKey(apiKey.prefix)).toBeUndefined();
        expect(await store.authenticateApiKey(apiKey.id)).toBeUndefined();
        expect(await store.authenticateApiKey(secret.slice(0, -1) + (secret.endsWith('A') ? 'B' : 'A'))).toBeUndefined();
        expect(await store.authenticateApiKey(sha256(secret))).toBeUndefined();
        expect(await store.authenticateApiKey('')).toBeUndefined();
      });

      it('notes when a key was last used, at most once a minute', async () => {
        const { a, alice, as } = await world();
        const { secret } = await store.createApiKey(a.id, { name: 'ci', role: 'viewer' }, as(alice));
        const first = (await store.authenticateApiKey(secret))!.lastUsedAt;
        expect(first).not.toBeNull();
        hooks.advance(1000);
        expect((await store.authenticateApiKey(secret))!.lastUsedAt).toBe(first);
        hooks.advance(60_000);
        const later = (await store.authenticateApiKey(secret))!.lastUsedAt!;
        expect(Date.parse(later)).toBeGreaterThan(Date.parse(first!));
        expect((await store.listApiKeys(a.id))[0]?.lastUsedAt).toBe(later);
      });

      it('a revoked or expired key no longer authenticates', async () => {
        const { a, alice, as } = await world();
        const { apiKey, secret } = await store.createApiKey(a.id, { name: 'ci', role: 'editor' }, as(alice));
        const revoked = await store.revokeApiKey(a.id, apiKey.id, as(alice));
        expect(revoked.revokedAt).not.toBeNull();
        expect(await store.authenticateApiKey(secret)).toBeUndefined();
        expect(await store.revokeApiKey(a.id, apiKey.id, as(alice))).toEqual(revoked);
        expect((await store.listAuditEvents(a.id, { action: 'api-key.revoke' })).items).toHaveLength(1);
        await expect(store.revokeApiKey(a.id, 'no-such-key', as(alice))).rejects.toBeInstanceOf(NotFoundError);

        const expiring = await store.createApiKey(a.id, { name: 'short', role: 'viewer', expiresAt: '2025-06-02T12:00:00+00:00' }, as(alice));
        expect(expiring.apiKey.expiresAt).toBe('2025-06-02T12:00:00.000Z');
        expect(await store.authenticateApiKey(expiring.secret)).toBeDefined();
        hooks.advance(2 * 24 * 3600 * 1000);
        expect(await store.authenticateApiKey(expiring.secret)).toBeUndefined();
      });

      it('refuses a key that would be expired when made, writing nothing (issue 10)', async () => {
        const { a, alice, as } = await world();
        const auditBefore = (await store.listAuditEvents(a.id, { limit: 500 })).items.length;
        for (const expiresAt of ['2025-06-01T11:59:59+00:00', '2024-01-01T00:00:00Z']) {
          const refused = store.createApiKey(a.id, { name: 'typo', role: 'viewer', expiresAt }, as(alice));
          await expect(refused).rejects.toBeInstanceOf(InvalidInputError);
          await expect(refused).rejects.toMatchObject({ issues: [{ field: 'expiresAt', message: 'must be in the future' }] });
        }
        expect(await store.listApiKeys(a.id)).toEqual([]);
        expect((await store.listAuditEvents(a.id, { limit: 500 })).items).toHaveLength(auditBefore);
      });
    });

    describe('sessions', () => {
      it('creates, finds and deletes a session by its token', async () => {
        const { alice } = await world();
        const { session, token } = await store.createSession(alice.id, { ip: '198.51.100.1', userAgent: 'Firefox' });
        expect(session).toMatchObject({ userId: alice.id, ip: '198.51.100.1', userAgent: 'Firefox' });
        expect(session.csrfToken).not.toBe(token);
        expect(session.csrfToken.length).toBeGreaterThanOrEqual(32);
        expect(await store.getSession(token)).toEqual({ session, user: alice });
        expect(await store.getSession(session.id)).toBeUndefined();
        expect(await store.getSession(sha256(token))).toBeUndefined();
        await store.deleteSession(token);
        expect(await store.getSession(token)).toBeUndefined();
        await store.deleteSession(token);
        await expect(store.createSession('no-such-user')).rejects.toBeInstanceOf(NotFoundError);
      });

      it('does not return expired sessions, and deletes them on request', async () => {
        const { alice } = await world();
        const short = await store.createSession(alice.id, { ttlSeconds: 60 });
        const long = await store.createSession(alice.id, { ttlSeconds: 3600 });
        hooks.advance(61_000);
        expect(await store.getSession(short.token)).toBeUndefined();
        expect(await store.getSession(long.token)).toBeDefined();
        expect(await store.deleteExpiredSessions()).toBe(1);
        expect(await store.deleteExpiredSessions()).toBe(0);
        expect(await store.getSession(long.token)).toBeDefined();
      });
    });

    describe('setup token', () => {
      const admin = { email: 'Root@Example.com', name: 'Root', password: 'correct horse battery' };

      it('creates the first admin once', async () => {
        const { token, expiresAt } = await store.createSetupToken();
        expect(Date.parse(expiresAt)).toBeGreaterThan(Date.parse('2025-06-01T12:00:00.000Z'));
        const user = await store.consumeSetupToken(token, admin, { ip: '127.0.0.1' });
        expect(user).toMatchObject({ email: 'root@example.com', isAdmin: true });
        expect(await store.authenticateUser('root@example.com', admin.password)).toEqual(user);
        const again = await rejection(store.consumeSetupToken(token, { ...admin, email: 'other@example.com' }));
        expect(ForbiddenError.isInstance(again)).toBe(true);
        expect((again as ForbiddenError).reason).toBe('setup-token-invalid');
        expect(await store.countUsers()).toBe(1);
        await expect(store.createSetupToken()).rejects.toBeInstanceOf(ConflictError);
        const [event] = (await store.listAuditEvents(null, { action: 'user.setup' })).items;
        expect(event).toMatchObject({ actor: { type: 'user', id: user.id }, ip: '127.0.0.1' });
      });

      it('lets exactly one of two racing consumers through', async () => {
        const { token } = await store.createSetupToken();
        const outcomes = await Promise.allSettled([
          store.consumeSetupToken(token, { ...admin, email: 'one@example.com' }),
          store.consumeSetupToken(token, { ...admin, email: 'two@example.com' }),
        ]);
        expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
        expect(await store.countUsers()).toBe(1);
      });

      it('refuses an expired, replaced or unknown token', async () => {
        const first = await store.createSetupToken({ ttlSeconds: 600 });
        const second = await store.createSetupToken({ ttlSeconds: 600 });
        await expect(store.consumeSetupToken(first.token, admin)).rejects.toBeInstanceOf(ForbiddenError);
        await expect(store.consumeSetupToken('guess', admin)).rejects.toBeInstanceOf(ForbiddenError);
        hooks.advance(601_000);
        await expect(store.consumeSetupToken(second.token, admin)).rejects.toBeInstanceOf(ForbiddenError);
        expect(await store.countUsers()).toBe(0);
      });

      it('refuses a token once a user exists by other means', async () => {
        const { token } = await store.createSetupToken();
        await store.createUser({ email: 'x@example.com', name: 'X', password: 'correct horse battery' }, { actor: { type: 'system' } });
        await expect(store.consumeSetupToken(token, admin)).rejects.toBeInstanceOf(ForbiddenError);
      });
    });

    describe('prompts and versions', () => {
      it('numbers distinct contents 1, 2, 3 and keeps every field', async () => {
        const { a, alice, as } = await world();
        const first = await store.pushPromptVersion(
          a.id,
          {
            ...promptInput('support/triage', 'v1', { owner: 'team-support', riskTier: 'high', lastReviewed: new Date('2025-03-01T00:00:00Z') }),
            modelConfig: { model: 'openai:gpt-4o-mini', config: { temperature: 0 } },
            inputSchema: { question: 'string' },
            outputSchema: { type: 'object', properties: { answer: { type: 'string' } } },
            message: 'first cut',
          },
          as(alice),
        );
        expect(first.created).toBe(true);
        expect(first.version).toMatchObject({
          projectId: a.id,
          promptName: 'support/triage',
          version: 1,
          contentHash: sha256('v1'),
          source: '---\nmodel: x\n---\nv1',
          template: 'v1',
          modelConfig: { model: 'openai:gpt-4o-mini', config: { temperature: 0 } },
          inputSchema: { question: 'string' },
          outputSchema: { type: 'object', properties: { answer: { type: 'string' } } },
          metadata: { owner: 'team-support', riskTier: 'high', lastReviewed: '2025-03-01' },
          author: 'someone',
          message: 'first cut',
          createdBy: { type: 'user', id: alice.id },
        });
        expect(await store.getPromptVersion(a.id, 'support/triage', 1)).toEqual(first.version);
        const second = await push(a, 'support/triage', 'v2');
        const third = await push(a, 'support/triage', 'v3');
        expect([second.version.version, third.version.version]).toEqual([2, 3]);
        expect(second.version.inputSchema).toBeNull();
        expect(second.version.message).toBeNull();
        expect((await store.getPrompt(a.id, 'support/triage'))?.latestVersion).toBe(3);
      });

      it('keeps schemas of any JSON shape, a bare Picoschema string included', async () => {
        const { a } = await world();
        const pushed = await store.pushPromptVersion(a.id, { ...promptInput('p', 'x'), inputSchema: 'string', outputSchema: ['a', 1, null] }, { actor: { type: 'system' } });
        expect(pushed.version).toMatchObject({ inputSchema: 'string', outputSchema: ['a', 1, null] });
        expect(await store.getPromptVersion(a.id, 'p', 1)).toEqual(pushed.version);
      });

      it('keeps the partials a version uses and serves them with it (issue 11)', async () => {
        const { a } = await world();
        const partial = { name: 'knowledge-base', source: '[doc-1] Plans…\r\n', contentHash: sha256('[doc-1] Plans…\n') };
        const pushed = await store.pushPromptVersion(a.id, { ...promptInput('support/answer', 'Use {{> knowledge-base}}'), partials: [partial] }, { actor: { type: 'system' } });
        expect(pushed.version.partials).toEqual([partial]);
        expect(await store.getPromptVersion(a.id, 'support/answer', 1)).toEqual(pushed.version);
        expect((await store.listPromptVersions(a.id, 'support/answer')).items[0]!.partials).toEqual([partial]);
        expect((await push(a, 'plain', 'no partials')).version.partials).toEqual([]);
        const error = await rejection(store.pushPromptVersion(a.id, { ...promptInput('p', 'x'), partials: [{ ...partial, name: '_bad' }] }, { actor: { type: 'system' } }));
        expect(InvalidInputError.isInstance(error)).toBe(true);
        expect((error as InvalidInputError).issues[0]?.field).toBe('partials.0.name');
      });

      it('finds versions by content hash, in the project only (issue 11)', async () => {
        const { a, b } = await world();
        const one = await push(a, 'support/answer', 'one');
        await push(a, 'support/answer', 'two');
        const copy = await push(a, 'copy', 'one');
        await push(b, 'support/answer', 'one');
        const found = await store.findPromptVersionsByContentHash(a.id, [sha256('one'), sha256('missing'), 'not-a-hash']);
        expect(found).toEqual([copy.version, one.version]);
        expect(await store.findPromptVersionsByContentHash(a.id, [])).toEqual([]);
      });

      it('returns the existing version for content it has seen, also an older one', async () => {
        const { a } = await world();
        const first = await push(a, 'p', 'one');
        await push(a, 'p', 'two');
        const again = await push(a, 'p', 'one');
        expect(again).toEqual({ version: first.version, created: false });
        expect((await store.getPrompt(a.id, 'p'))?.latestVersion).toBe(2);
        expect((await store.listAuditEvents(a.id, { action: 'prompt.push' })).items).toHaveLength(2);
      });

      it('gives concurrent pushes distinct consecutive numbers', async () => {
        const { a } = await world();
        const results = await Promise.all(Array.from({ length: 12 }, (_, index) => push(a, 'busy', `content ${index}`)));
        expect(results.every((result) => result.created)).toBe(true);
        expect(results.map((result) => result.version.version).sort((x, y) => x - y)).toEqual(Array.from({ length: 12 }, (_, index) => index + 1));
        expect((await store.getPrompt(a.id, 'busy'))?.latestVersion).toBe(12);
      });

      it('stores one version when the same content is pushed concurrently', async () => {
        const { a } = await world();
        const results = await Promise.all(Array.from({ length: 6 }, () => push(a, 'same', 'identical')));
        expect(results.filter((result) => result.created)).toHaveLength(1);
        expect(new Set(results.map((result) => result.version.id)).size).toBe(1);
        expect((await store.listPromptVersions(a.id, 'same')).items).toHaveLength(1);
      });

      it('lists versions newest first, in pages', async () => {
        const { a } = await world();
        for (let index = 1; index <= 5; index++) await push(a, 'p', `content ${index}`);
        const first = await store.listPromptVersions(a.id, 'p', { limit: 2 });
        expect(first.items.map((version) => version.version)).toEqual([5, 4]);
        const second = await store.listPromptVersions(a.id, 'p', { limit: 2, cursor: first.nextCursor! });
        expect(second.items.map((version) => version.version)).toEqual([3, 2]);
        const third = await store.listPromptVersions(a.id, 'p', { limit: 2, cursor: second.nextCursor! });
        expect(third).toMatchObject({ items: [{ version: 1 }], nextCursor: null });
        await expect(store.listPromptVersions(a.id, 'nope')).rejects.toBeInstanceOf(NotFoundError);
        await expect(store.listPromptVersions(a.id, 'p', { cursor: 'garbage' })).rejects.toBeInstanceOf(InvalidInputError);
        expect(await store.getPromptVersion(a.id, 'p', 6)).toBeUndefined();
      });

      it('lists prompts by name in pages, filtered by governance metadata', async () => {
        const { a } = await world();
        await push(a, 'alpha', 'a', { owner: 'ann', riskTier: 'high', lastReviewed: '2025-01-10' });
        await push(a, 'bravo', 'b', { owner: 'bob', riskTier: 'low', lastReviewed: '2025-05-20' });
        await push(a, 'charlie', 'c', { owner: 'ann' });
        await push(a, 'delta', 'd', { owner: 'ann', riskTier: 'high', lastReviewed: '2024-12-01' });
        // The latest version's metadata counts.
        await push(a, 'delta', 'd2', { owner: 'dan', riskTier: 'critical', lastReviewed: '2025-05-30' });

        const first = await store.listPrompts(a.id, { limit: 3 });
        expect(first.items.map((prompt) => prompt.name)).toEqual(['alpha', 'bravo', 'charlie']);
        const rest = await store.listPrompts(a.id, { limit: 3, cursor: first.nextCursor! });
        expect(rest).toMatchObject({ items: [{ name: 'delta', owner: 'dan', riskTier: 'critical', lastReviewed: '2025-05-30', latestVersion: 2 }], nextCursor: null });

        const names = async (options: Parameters<RegistryStore['listPrompts']>[1]) => (await store.listPrompts(a.id, options)).items.map((prompt) => prompt.name);
        expect(await names({ owner: 'ann' })).toEqual(['alpha', 'charlie']);
        expect(await names({ riskTier: 'high' })).toEqual(['alpha']);
        expect(await names({ lastReviewedBefore: '2025-03-01' })).toEqual(['alpha', 'charlie']);
        expect(await names({ owner: 'ann', lastReviewedBefore: '2025-03-01', limit: 1 })).toEqual(['alpha']);
      });

      it('rejects malformed pushes with the fields named, and unknown projects', async () => {
        const { a } = await world();
        const error = await rejection(store.pushPromptVersion(a.id, { ...promptInput('../etc', 'x'), contentHash: 'not-a-hash' }, { actor: { type: 'system' } }));
        expect((error as InvalidInputError).issues.map((issue) => issue.field).sort()).toEqual(['contentHash', 'name']);
        await expect(push({ ...a, id: 'no-such-project' }, 'p', 'x')).rejects.toBeInstanceOf(NotFoundError);
        await expect(store.pushPromptVersion(a.id, promptInput('p', 'x'), { actor: { type: 'robot' } } as never)).rejects.toBeInstanceOf(InvalidInputError);
      });
    });

    describe('labels', () => {
      it('creates a label at revision 1 and moves it with compare-and-set', async () => {
        const { a, alice, as } = await world();
        await push(a, 'p', 'one');
        await push(a, 'p', 'two');
        const created = await store.setLabel(a.id, 'p', 'staging', { targets: [{ version: 1, weight: 100 }], expectedRevision: 0 }, as(alice));
        expect(created).toMatchObject({ promptName: 'p', name: 'staging', targets: [{ version: 1, weight: 100 }], revision: 1, updatedBy: { type: 'user', id: alice.id } });
        const moved = await store.setLabel(a.id, 'p', 'staging', { targets: [{ version: 2, weight: 100 }], expectedRevision: 1 }, as(alice));
        expect(moved.revision).toBe(2);
        expect(await store.getLabel(a.id, 'p', 'staging')).toEqual(moved);

        const stale = await rejection(store.setLabel(a.id, 'p', 'staging', { targets: [{ version: 1, weight: 100 }], expectedRevision: 1 }, as(alice)));
        expect(ConflictError.isInstance(stale)).toBe(true);
        expect(stale).toMatchObject({ expectedRevision: 1, currentRevision: 2, statusCode: 409 });
        await expect(store.setLabel(a.id, 'p', 'staging', { targets: [{ version: 1, weight: 100 }], expectedRevision: 0 }, as(alice))).rejects.toBeInstanceOf(ConflictError);
        await expect(store.setLabel(a.id, 'p', 'new', { targets: [{ version: 1, weight: 100 }], expectedRevision: 3 }, as(alice))).rejects.toBeInstanceOf(ConflictError);
        expect((await store.getLabel(a.id, 'p', 'staging'))?.revision).toBe(2);
        expect((await store.listLabels(a.id, 'p')).map((label) => label.name)).toEqual(['staging']);
      });

      it('lets exactly one of several concurrent moves from the same revision win', async () => {
        const { a, alice, as } = await world();
        for (let index = 1; index <= 5; index++) await push(a, 'p', `content ${index}`);
        await store.setLabel(a.id, 'p', 'staging', { targets: [{ version: 1, weight: 100 }], expectedRevision: 0 }, as(alice));
        const outcomes = await Promise.allSettled(
          [2, 3, 4, 5].map((version) => store.setLabel(a.id, 'p', 'staging', { targets: [{ version, weight: 100 }], expectedRevision: 1 }, as(alice))),
        );
        const won = outcomes.filter((outcome) => outcome.status === 'fulfilled');
        expect(won).toHaveLength(1);
        for (const outcome of outcomes) if (outcome.status === 'rejected') expect(ConflictError.isInstance(outcome.reason)).toBe(true);
        const label = await store.getLabel(a.id, 'p', 'staging');
        expect(label?.revision).toBe(2);
        expect(label?.targets).toEqual((won[0] as PromiseFulfilledResult<{ targets: unknown }>).value.targets);
      });

      it('also lets only one of several concurrent creations win', async () => {
        const { a, alice, as } = await world();
        await push(a, 'p', 'one');
        await push(a, 'p', 'two');
        const outcomes = await Promise.allSettled(
          [1, 2, 1, 2].map((version) => store.setLabel(a.id, 'p', 'fresh', { targets: [{ version, weight: 100 }], expectedRevision: 0 }, as(alice))),
        );
        expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
        expect((await store.listLabelHistory(a.id, 'p', 'fresh')).items).toHaveLength(1);
      });

      it('validates canary weights', async () => {
        const { a, alice, as } = await world();
        await push(a, 'p', 'one');
        await push(a, 'p', 'two');
        const set = (targets: { version: number; weight: number }[]) => store.setLabel(a.id, 'p', 'canary', { targets, expectedRevision: 0 }, as(alice));
        for (const targets of [
          [{ version: 1, weight: 90 }, { version: 2, weight: 20 }],
          [{ version: 1, weight: 50 }, { version: 1, weight: 50 }],
          [{ version: 1, weight: 99 }],
          [{ version: 1, weight: 100 }, { version: 2, weight: 0 }],
          [{ version: 1, weight: 40 }, { version: 2, weight: 30 }, { version: 2, weight: 30 }],
          [{ version: 1, weight: 89.5 }, { version: 2, weight: 10.5 }],
          [],
        ]) {
          const error = await rejection(set(targets));
          expect(InvalidInputError.isInstance(error), JSON.stringify(targets)).toBe(true);
        }
        expect(await store.getLabel(a.id, 'p', 'canary')).toBeUndefined();

        const canary = await set([{ version: 2, weight: 10 }, { version: 1, weight: 90 }]);
        expect(canary.targets).toEqual([{ version: 1, weight: 90 }, { version: 2, weight: 10 }]);
        const resolved = await store.resolveLabel(a.id, 'p', 'canary');
        expect(resolved?.label).toEqual(canary);
        expect(resolved?.versions.map((version) => [version.version, version.template])).toEqual([[1, 'one'], [2, 'two']]);
        expect(await store.resolveLabel(a.id, 'p', 'missing')).toBeUndefined();
      });

      it('rejects a label pointing at a missing version, writing nothing', async () => {
        const { a, alice, as } = await world();
        await push(a, 'p', 'one');
        const error = await rejection(store.setLabel(a.id, 'p', 'staging', { targets: [{ version: 1, weight: 50 }, { version: 7, weight: 50 }], expectedRevision: 0 }, as(alice)));
        expect(NotFoundError.isInstance(error)).toBe(true);
        expect(error).toMatchObject({ resource: 'version', id: 'p@7', statusCode: 404 });
        expect(await store.getLabel(a.id, 'p', 'staging')).toBeUndefined();
        await expect(store.setLabel(a.id, 'nope', 'staging', { targets: [{ version: 1, weight: 100 }], expectedRevision: 0 }, as(alice))).rejects.toBeInstanceOf(NotFoundError);
        expect((await store.listAuditEvents(a.id, { action: 'label.set' })).items).toEqual([]);
      });

      it('setting the targets a label already has changes nothing', async () => {
        const { a, alice, as } = await world();
        await push(a, 'p', 'one');
        const label = await store.setLabel(a.id, 'p', 'staging', { targets: [{ version: 1, weight: 100 }], expectedRevision: 0 }, as(alice));
        expect(await store.setLabel(a.id, 'p', 'staging', { targets: [{ version: 1, weight: 100 }], expectedRevision: 1 }, as(alice))).toEqual(label);
        expect((await store.listAuditEvents(a.id, { action: 'label.set' })).items).toHaveLength(1);
      });

      it('keeps the history and rolls back to the previous target', async () => {
        const { a, alice, bob, as } = await world();
        for (let index = 1; index <= 3; index++) await push(a, 'p', `content ${index}`);
        await store.setLabel(a.id, 'p', 'staging', { targets: [{ version: 1, weight: 100 }], expectedRevision: 0 }, as(alice));
        await expect(store.rollbackLabel(a.id, 'p', 'staging', { expectedRevision: 1 }, as(alice))).rejects.toBeInstanceOf(ConflictError);
        await store.setLabel(a.id, 'p', 'staging', { targets: [{ version: 2, weight: 100 }], expectedRevision: 1, message: 'ship 2' }, as(alice));
        await store.setLabel(a.id, 'p', 'staging', { targets: [{ version: 2, weight: 80 }, { version: 3, weight: 20 }], expectedRevision: 2 }, as(alice));

        await expect(store.rollbackLabel(a.id, 'p', 'staging', { expectedRevision: 2 }, as(bob))).rejects.toBeInstanceOf(ConflictError);
        const rolledBack = await store.rollbackLabel(a.id, 'p', 'staging', { expectedRevision: 3, message: 'canary regressed' }, as(bob));
        expect(rolledBack).toMatchObject({ targets: [{ version: 2, weight: 100 }], revision: 4 });

        const history = await store.listLabelHistory(a.id, 'p', 'staging', { limit: 3 });
        expect(history.items.map((entry) => [entry.revision, entry.kind, entry.targets.map((target) => target.version), entry.previousTargets?.map((target) => target.version) ?? null])).toEqual([
          [4, 'rollback', [2], [2, 3]],
          [3, 'set', [2, 3], [2]],
          [2, 'set', [2], [1]],
        ]);
        expect(history.items[0]).toMatchObject({ message: 'canary regressed', actor: { type: 'user', id: bob.id } });
        const older = await store.listLabelHistory(a.id, 'p', 'staging', { limit: 3, cursor: history.nextCursor! });
        expect(older).toMatchObject({ items: [{ revision: 1, kind: 'set', previousTargets: null }], nextCursor: null });
        expect((await store.listAuditEvents(a.id, { action: 'label.rollback' })).items[0]?.details).toMatchObject({ revision: 4, previousTargets: [{ version: 2, weight: 80 }, { version: 3, weight: 20 }] });
      });
    });

    describe('approvals', () => {
      async function highRiskProduction() {
        const context = await world();
        const { a, alice, as } = context;
        await push(context.a, 'refunds', 'v1', { riskTier: 'high' });
        await push(context.a, 'refunds', 'v2', { riskTier: 'high' });
        // Creating production on v1 needs approval too; a project without the policy seeds it here.
        await store.updateProjectSettings(a.id, { approvals: { high: 0 } }, as(context.admin));
        await store.setLabel(a.id, 'refunds', 'production', { targets: [{ version: 1, weight: 100 }], expectedRevision: 0 }, as(alice));
        await store.updateProjectSettings(a.id, {}, as(context.admin));
        return context;
      }

      it('refuses to move a protected label of a high-risk prompt directly', async () => {
        const { a, alice, as } = await highRiskProduction();
        const targets = [{ version: 2, weight: 100 }];
        expect(await store.getApprovalRequirement(a.id, 'refunds', 'production', targets)).toEqual({ protected: true, riskTier: 'high', requiredApprovals: 1 });
        const error = await rejection(store.setLabel(a.id, 'refunds', 'production', { targets, expectedRevision: 1 }, as(alice)));
        expect(ForbiddenError.isInstance(error)).toBe(true);
        expect(error).toMatchObject({ reason: 'approval-required', requiredApprovals: 1, statusCode: 403 });
        // Unprotected labels and low-risk prompts move freely.
        expect(await store.getApprovalRequirement(a.id, 'refunds', 'staging', targets)).toEqual({ protected: false, riskTier: 'high', requiredApprovals: 0 });
        await store.setLabel(a.id, 'refunds', 'staging', { targets, expectedRevision: 0 }, as(alice));
        await push(a, 'faq', 'v1', { riskTier: 'low' });
        await store.setLabel(a.id, 'faq', 'production', { targets: [{ version: 1, weight: 100 }], expectedRevision: 0 }, as(alice));
      });

      it('counts the highest tier of the current and the new targets, so a version cannot lower its own tier', async () => {
        const { a, alice, as } = await highRiskProduction();
        await push(a, 'refunds', 'v3', { riskTier: 'low' });
        expect((await store.getApprovalRequirement(a.id, 'refunds', 'production', [{ version: 3, weight: 100 }])).riskTier).toBe('high');
        await expect(store.setLabel(a.id, 'refunds', 'production', { targets: [{ version: 3, weight: 100 }], expectedRevision: 1 }, as(alice))).rejects.toBeInstanceOf(ForbiddenError);
      });

      it('moves the label after a second person approves, never on self-approval', async () => {
        const { a, alice, bob, as } = await highRiskProduction();
        const request = await store.createChangeRequest(a.id, { promptName: 'refunds', label: 'production', targets: [{ version: 2, weight: 100 }], message: 'new refund rules' }, as(alice));
        expect(request).toMatchObject({ status: 'pending', baseRevision: 1, requiredApprovals: 1, riskTier: 'high', requestedBy: { type: 'user', id: alice.id }, requesterUserId: alice.id, reviews: [] });

        const self = await rejection(store.reviewChangeRequest(a.id, request.id, { decision: 'approve' }, as(alice)));
        expect(ForbiddenError.isInstance(self)).toBe(true);
        expect((self as ForbiddenError).reason).toBe('self-approval');
        await expect(store.applyChangeRequest(a.id, request.id, as(alice))).rejects.toBeInstanceOf(ConflictError);

        const approved = await store.reviewChangeRequest(a.id, request.id, { decision: 'approve', comment: 'looks right' }, as(bob));
        expect(approved).toMatchObject({ status: 'approved', reviews: [{ userId: bob.id, decision: 'approve', comment: 'looks right' }] });
        await expect(store.reviewChangeRequest(a.id, request.id, { decision: 'approve' }, as(bob))).rejects.toBeInstanceOf(ConflictError);

        const { changeRequest, label } = await store.applyChangeRequest(a.id, request.id, as(alice));
        expect(label).toMatchObject({ targets: [{ version: 2, weight: 100 }], revision: 2 });
        expect(changeRequest).toMatchObject({ status: 'applied', appliedRevision: 2 });
        expect(await store.getChangeRequest(a.id, request.id)).toEqual(changeRequest);
        expect((await store.listLabelHistory(a.id, 'refunds', 'production')).items[0]).toMatchObject({ kind: 'change-request', changeRequestId: request.id });
        await expect(store.applyChangeRequest(a.id, request.id, as(alice))).rejects.toBeInstanceOf(ConflictError);

        const actions = (await store.listAuditEvents(a.id, { limit: 4 })).items.map((event) => event.action);
        expect(actions).toEqual(['change-request.apply', 'label.set', 'change-request.approve', 'change-request.create']);
      });

      it('needs as many approvers as the tier asks for (critical: 2 by default)', async () => {
        const { a, alice, bob, carol, admin, as } = await world();
        await push(a, 'payouts', 'v1', { riskTier: 'critical' });
        const request = await store.createChangeRequest(a.id, { promptName: 'payouts', label: 'production', targets: [{ version: 1, weight: 100 }] }, as(alice));
        expect(request.requiredApprovals).toBe(2);
        expect((await store.reviewChangeRequest(a.id, request.id, { decision: 'approve' }, as(bob))).status).toBe('pending');
        expect((await store.reviewChangeRequest(a.id, request.id, { decision: 'approve' }, as(carol))).status).toBe('approved');
        // Per-project configuration: this project asks for no approvals on critical prompts.
        await store.updateProjectSettings(a.id, { approvals: { critical: 0 } }, as(admin));
        await push(a, 'payouts', 'v2', { riskTier: 'critical' });
        await store.applyChangeRequest(a.id, request.id, as(alice));
        await store.setLabel(a.id, 'payouts', 'production', { targets: [{ version: 2, weight: 100 }], expectedRevision: 1 }, as(alice));
      });

      it('only approvers review, only people, and the key creator counts as the requester', async () => {
        const { a, alice, dave, admin, as } = await highRiskProduction();
        const { apiKey } = await store.createApiKey(a.id, { name: 'ci', role: 'editor' }, as(alice));
        const request = await store.createChangeRequest(a.id, { promptName: 'refunds', label: 'production', targets: [{ version: 2, weight: 100 }] }, { actor: { type: 'api-key', id: apiKey.id } });
        expect(request).toMatchObject({ requestedBy: { type: 'api-key', id: apiKey.id }, requesterUserId: alice.id });

        const byKey = await rejection(store.reviewChangeRequest(a.id, request.id, { decision: 'approve' }, { actor: { type: 'api-key', id: apiKey.id } }));
        expect((byKey as ForbiddenError).reason).toBe('reviewer-not-user');
        expect(((await rejection(store.reviewChangeRequest(a.id, request.id, { decision: 'approve' }, as(alice)))) as ForbiddenError).reason).toBe('self-approval');
        expect(((await rejection(store.reviewChangeRequest(a.id, request.id, { decision: 'approve' }, as(dave)))) as ForbiddenError).reason).toBe('not-an-approver');
        expect((await store.getChangeRequest(a.id, request.id))?.status).toBe('pending');
        // An instance admin may review without a membership.
        expect((await store.reviewChangeRequest(a.id, request.id, { decision: 'approve' }, as(admin))).status).toBe('approved');
      });

      // Issue 16: admin A made key K1, K1 made K2, K2 asked and A approved — one person moved the label.
      it('follows a chain of keys to the person who made the first one, who cannot approve', async () => {
        const { a, admin, bob, as } = await highRiskProduction();
        const byKey = (apiKey: ApiKey): AuditContext => ({ actor: { type: 'api-key', id: apiKey.id } });
        const { apiKey: k1 } = await store.createApiKey(a.id, { name: 'k1', role: 'admin' }, as(admin));
        const { apiKey: k2 } = await store.createApiKey(a.id, { name: 'k2', role: 'editor' }, byKey(k1));
        const { apiKey: k3 } = await store.createApiKey(a.id, { name: 'k3', role: 'editor' }, byKey(k2));
        const targets = [{ version: 2, weight: 100 }];
        const request = await store.createChangeRequest(a.id, { promptName: 'refunds', label: 'production', targets }, byKey(k2));
        expect(request).toMatchObject({ requestedBy: { type: 'api-key', id: k2.id }, requesterUserId: admin.id, requiredApprovals: 1 });
        expect(((await rejection(store.reviewChangeRequest(a.id, request.id, { decision: 'approve' }, as(admin)))) as ForbiddenError).reason).toBe('self-approval');
        await expect(store.applyChangeRequest(a.id, request.id, byKey(k2))).rejects.toBeInstanceOf(ConflictError);
        expect((await store.getLabel(a.id, 'refunds', 'production'))?.targets).toEqual([{ version: 1, weight: 100 }]);
        // Deeper chains end at the same person; another approver is what moves the label.
        expect((await store.createChangeRequest(a.id, { promptName: 'refunds', label: 'staging', targets }, byKey(k3))).requesterUserId).toBe(admin.id);
        expect((await store.reviewChangeRequest(a.id, request.id, { decision: 'approve' }, as(bob))).status).toBe('approved');
        expect((await store.applyChangeRequest(a.id, request.id, byKey(k2))).label.targets).toEqual(targets);

        // A chain that starts at no person (`assay admin create-key`): one approval more than the
        // policy, so whoever holds the key can approve at most one of them.
        const { apiKey: bootstrap } = await store.createApiKey(a.id, { name: 'bootstrap', role: 'admin' }, { actor: { type: 'system', id: 'assay admin create-key' } });
        const { apiKey: made } = await store.createApiKey(a.id, { name: 'made by bootstrap', role: 'editor' }, byKey(bootstrap));
        const orphan = await store.createChangeRequest(a.id, { promptName: 'refunds', label: 'production', targets: [{ version: 1, weight: 100 }] }, byKey(made));
        expect(orphan).toMatchObject({ requesterUserId: null, requiredApprovals: 2 });
        expect((await store.reviewChangeRequest(a.id, orphan.id, { decision: 'approve' }, as(admin))).status).toBe('pending');
        expect((await store.reviewChangeRequest(a.id, orphan.id, { decision: 'approve' }, as(bob))).status).toBe('approved');
      });

      it('a rejection closes the request', async () => {
        const { a, alice, bob, carol, as } = await highRiskProduction();
        const request = await store.createChangeRequest(a.id, { promptName: 'refunds', label: 'production', targets: [{ version: 2, weight: 100 }] }, as(alice));
        expect((await store.reviewChangeRequest(a.id, request.id, { decision: 'reject', comment: 'no' }, as(bob))).status).toBe('rejected');
        await expect(store.reviewChangeRequest(a.id, request.id, { decision: 'approve' }, as(carol))).rejects.toBeInstanceOf(ConflictError);
        await expect(store.applyChangeRequest(a.id, request.id, as(alice))).rejects.toBeInstanceOf(ConflictError);
        expect((await store.getLabel(a.id, 'refunds', 'production'))?.targets).toEqual([{ version: 1, weight: 100 }]);
      });

      it('a label move supersedes the requests made against the old revision', async () => {
        const { a, alice, bob, as } = await highRiskProduction();
        await push(a, 'refunds', 'v3', { riskTier: 'high' });
        const first = await store.createChangeRequest(a.id, { promptName: 'refunds', label: 'production', targets: [{ version: 2, weight: 100 }] }, as(alice));
        const second = await store.createChangeRequest(a.id, { promptName: 'refunds', label: 'production', targets: [{ version: 3, weight: 100 }] }, as(alice));
        await store.reviewChangeRequest(a.id, first.id, { decision: 'approve' }, as(bob));
        await store.reviewChangeRequest(a.id, second.id, { decision: 'approve' }, as(bob));
        await store.applyChangeRequest(a.id, second.id, as(alice));
        expect((await store.getChangeRequest(a.id, first.id))?.status).toBe('superseded');
        await expect(store.applyChangeRequest(a.id, first.id, as(alice))).rejects.toBeInstanceOf(ConflictError);
        expect((await store.getLabel(a.id, 'refunds', 'production'))?.targets).toEqual([{ version: 3, weight: 100 }]);
      });

      it('lists requests newest first, filtered, in pages; cancels', async () => {
        const { a, alice, as } = await highRiskProduction();
        await push(a, 'refunds', 'v3', { riskTier: 'high' });
        const ids: string[] = [];
        for (const version of [2, 3, 2]) {
          ids.push((await store.createChangeRequest(a.id, { promptName: 'refunds', label: 'production', targets: [{ version, weight: 100 }] }, as(alice))).id);
        }
        const cancelled = await store.cancelChangeRequest(a.id, ids[0]!, as(alice));
        expect(cancelled.status).toBe('cancelled');
        await expect(store.cancelChangeRequest(a.id, ids[0]!, as(alice))).rejects.toBeInstanceOf(ConflictError);
        const first = await store.listChangeRequests(a.id, { limit: 2 });
        expect(first.items.map((request) => request.id)).toEqual([ids[2], ids[1]]);
        const second = await store.listChangeRequests(a.id, { limit: 2, cursor: first.nextCursor! });
        expect(second).toMatchObject({ items: [{ id: ids[0] }], nextCursor: null });
        expect((await store.listChangeRequests(a.id, { status: 'pending' })).items.map((request) => request.id)).toEqual([ids[2], ids[1]]);
        expect((await store.listChangeRequests(a.id, { promptName: 'other' })).items).toEqual([]);
        await expect(store.createChangeRequest(a.id, { promptName: 'refunds', label: 'production', targets: [{ version: 1, weight: 100 }] }, as(alice))).rejects.toBeInstanceOf(ConflictError);
        await expect(store.createChangeRequest(a.id, { promptName: 'refunds', label: 'production', targets: [{ version: 9, weight: 100 }] }, as(alice))).rejects.toBeInstanceOf(NotFoundError);
      });
    });

    describe('project isolation', () => {
      it("never shows or changes project A's rows through project B's id", async () => {
        const { a, b, alice, bob, as } = await world();
        await push(a, 'shared-name', 'a1', { owner: 'ann', riskTier: 'high' });
        await push(a, 'shared-name', 'a2', { riskTier: 'high' });
        await store.setLabel(a.id, 'shared-name', 'staging', { targets: [{ version: 1, weight: 100 }], expectedRevision: 0 }, as(alice));
        const { apiKey } = await store.createApiKey(a.id, { name: 'ci', role: 'admin' }, as(alice));
        const request = await store.createChangeRequest(a.id, { promptName: 'shared-name', label: 'production', targets: [{ version: 2, weight: 100 }] }, as(alice));

        expect((await store.listPrompts(b.id)).items).toEqual([]);
        expect((await store.listPrompts(b.id, { owner: 'ann' })).items).toEqual([]);
        expect(await store.getPrompt(b.id, 'shared-name')).toBeUndefined();
        expect(await store.getPromptVersion(b.id, 'shared-name', 1)).toBeUndefined();
        await expect(store.listPromptVersions(b.id, 'shared-name')).rejects.toBeInstanceOf(NotFoundError);
        await expect(store.listLabels(b.id, 'shared-name')).rejects.toBeInstanceOf(NotFoundError);
        expect(await store.getLabel(b.id, 'shared-name', 'staging')).toBeUndefined();
        expect(await store.resolveLabel(b.id, 'shared-name', 'staging')).toBeUndefined();
        await expect(store.listLabelHistory(b.id, 'shared-name', 'staging')).rejects.toBeInstanceOf(NotFoundError);
        await expect(store.setLabel(b.id, 'shared-name', 'staging', { targets: [{ version: 1, weight: 100 }], expectedRevision: 1 }, as(alice))).rejects.toBeInstanceOf(NotFoundError);
        await expect(store.rollbackLabel(b.id, 'shared-name', 'staging', { expectedRevision: 1 }, as(alice))).rejects.toBeInstanceOf(NotFoundError);
        await expect(store.getApprovalRequirement(b.id, 'shared-name', 'production', [{ version: 1, weight: 100 }])).rejects.toBeInstanceOf(NotFoundError);

        expect(await store.listApiKeys(b.id)).toEqual([]);
        await expect(store.revokeApiKey(b.id, apiKey.id, as(alice))).rejects.toBeInstanceOf(NotFoundError);
        expect((await store.listApiKeys(a.id))[0]?.revokedAt).toBeNull();

        expect(await store.getChangeRequest(b.id, request.id)).toBeUndefined();
        expect((await store.listChangeRequests(b.id)).items).toEqual([]);
        await expect(store.reviewChangeRequest(b.id, request.id, { decision: 'approve' }, as(bob))).rejects.toBeInstanceOf(NotFoundError);
        await expect(store.applyChangeRequest(b.id, request.id, as(bob))).rejects.toBeInstanceOf(NotFoundError);
        await expect(store.cancelChangeRequest(b.id, request.id, as(bob))).rejects.toBeInstanceOf(NotFoundError);
        expect((await store.getChangeRequest(a.id, request.id))?.status).toBe('pending');

        expect(await store.listMembers(b.id)).toEqual([]);
        expect(await store.getMember(b.id, alice.id)).toBeUndefined();
        await expect(store.removeMember(b.id, alice.id, as(alice))).rejects.toBeInstanceOf(NotFoundError);

        const eventsOfB = (await store.listAuditEvents(b.id)).items;
        expect(eventsOfB.map((event) => event.action)).toEqual(['project.create']);
        expect(eventsOfB.every((event) => event.projectId === b.id)).toBe(true);

        // The same prompt name in B is a prompt of its own, numbered from 1.
        expect((await push(b, 'shared-name', 'a2')).version).toMatchObject({ version: 1, projectId: b.id });
        expect((await store.listPrompts(a.id)).items.map((prompt) => prompt.latestVersion)).toEqual([2]);
      });
    });

    describe('audit log', () => {
      it('records who, what, when and from where, newest first, in pages', async () => {
        const { a, alice, as } = await world();
        const before = (await store.listAuditEvents(a.id)).items.length;
        await push(a, 'p', 'one', {}, as(alice));
        await push(a, 'p', 'two', {}, as(alice));
        await store.setLabel(a.id, 'p', 'staging', { targets: [{ version: 2, weight: 100 }], expectedRevision: 0 }, as(alice));
        const page = await store.listAuditEvents(a.id, { limit: 2 });
        expect(page.items.map((event) => event.action)).toEqual(['label.set', 'prompt.push']);
        expect(page.items[0]).toMatchObject({
          projectId: a.id,
          actor: { type: 'user', id: alice.id },
          targetType: 'label',
          targetId: 'p@staging',
          ip: '203.0.113.7',
          userAgent: 'vitest',
          details: { targets: [{ version: 2, weight: 100 }], revision: 1, previousTargets: null },
        });
        expect(Date.parse(page.items[0]!.createdAt)).toBeGreaterThan(Date.parse(page.items[1]!.createdAt));
        const rest = await store.listAuditEvents(a.id, { limit: 100, cursor: page.nextCursor! });
        expect(rest.items).toHaveLength(before + 1);
        expect(rest.nextCursor).toBeNull();
        expect(rest.items[0]).toMatchObject({ action: 'prompt.push', details: { version: 1 } });
      });

      it('records events the server observes itself', async () => {
        const { a, alice } = await world();
        const event = await store.recordAuditEvent(a.id, { action: 'prompt.export', targetType: 'prompt', targetId: 'p', details: { format: 'zip' } }, { actor: { type: 'user', id: alice.id } });
        expect((await store.listAuditEvents(a.id, { action: 'prompt.export' })).items).toEqual([event]);
        await expect(store.recordAuditEvent('no-such-project', { action: 'x', targetType: 'y', targetId: 'z' }, { actor: { type: 'system' } })).rejects.toBeInstanceOf(NotFoundError);
      });

      it('writes the event in the same transaction as the change: a failed commit leaves neither', async () => {
        const { a, alice, bob, as } = await world();
        await push(a, 'p', 'one', { riskTier: 'high' });
        const events = async () => (await store.listAuditEvents(a.id, { limit: 500 })).items.length;
        const count = await events();

        hooks.failNextCommit();
        await expect(push(a, 'p', 'two')).rejects.toThrow('injected failure');
        expect((await store.getPrompt(a.id, 'p'))?.latestVersion).toBe(1);
        expect(await store.getPromptVersion(a.id, 'p', 2)).toBeUndefined();

        hooks.failNextCommit();
        await expect(push(a, 'brand-new', 'x')).rejects.toThrow('injected failure');
        expect(await store.getPrompt(a.id, 'brand-new')).toBeUndefined();

        hooks.failNextCommit();
        await expect(store.setLabel(a.id, 'p', 'staging', { targets: [{ version: 1, weight: 100 }], expectedRevision: 0 }, as(alice))).rejects.toThrow('injected failure');
        expect(await store.getLabel(a.id, 'p', 'staging')).toBeUndefined();

        hooks.failNextCommit();
        await expect(store.createApiKey(a.id, { name: 'ci', role: 'viewer' }, as(alice))).rejects.toThrow('injected failure');
        expect(await store.listApiKeys(a.id)).toEqual([]);

        hooks.failNextCommit();
        await expect(store.setMember(a.id, alice.id, 'admin', as(bob))).rejects.toThrow('injected failure');
        expect((await store.getMember(a.id, alice.id))?.role).toBe('editor');

        const request = await store.createChangeRequest(a.id, { promptName: 'p', label: 'production', targets: [{ version: 1, weight: 100 }] }, as(alice));
        hooks.failNextCommit();
        await expect(store.reviewChangeRequest(a.id, request.id, { decision: 'approve' }, as(bob))).rejects.toThrow('injected failure');
        expect(await store.getChangeRequest(a.id, request.id)).toMatchObject({ status: 'pending', reviews: [] });

        expect(await events()).toBe(count + 1); // only the change request that was committed
        // The store still works after the rollbacks.
        expect((await push(a, 'p', 'two')).version.version).toBe(2);
      });
    });

    it('every registry error is an AssayError with an HTTP status', async () => {
      const { a, alice, as } = await world();
      const errors = await Promise.all([
        rejection(store.listPromptVersions(a.id, 'nope')),
        rejection(store.createOrganization({ name: 'acme' }, as(alice))),
        rejection(store.consumeSetupToken('nope', { email: 'a@b.test', name: 'A', password: 'correct horse battery' })),
        rejection(store.listPrompts(a.id, { limit: 0 })),
      ]);
      expect(errors.map((error) => [AssayError.isInstance(error), (error as { statusCode?: number }).statusCode])).toEqual([
        [true, 404],
        [true, 409],
        [true, 403],
        [true, 422],
      ]);
      // isInstance tells the kinds apart.
      expect(NotFoundError.isInstance(errors[1])).toBe(false);
      expect(ConflictError.isInstance(errors[1])).toBe(true);
    });
  });
}

/** A push of a prompt whose content is `template`. */
export function promptInput(name: string, template: string, metadata: PushPromptVersionInput['metadata'] = {}): PushPromptVersionInput {
  return { name, source: `---\nmodel: x\n---\n${template}`, contentHash: sha256(template), template, metadata, author: 'someone' };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}
