import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { caseResult, createTestApp, promptSource, runRecord, type Caller, type TestApp } from './testing/test-app.ts';

// Issue 11, the dashboard as people read it: people and keys showed as UUIDs (the lists carried
// ids only), Settings → Members said "No members." to the instance administrator of a project made
// by `assay admin create-key`, the prompt list had no labels, and two runs of different suites
// were refused as "Invalid prompt file".

describe('issue 11: names, members and comparisons the dashboard reads', () => {
  let t: TestApp;
  let projectId: string;
  let ci: Caller;
  let admin: Caller & { userId: string };

  beforeEach(async () => {
    t = await createTestApp();
    const project = await t.project('newcomer');
    projectId = project.id;
    ci = await project.key('editor'); // named "editor key"
    admin = await t.user('dana@example.com', { isAdmin: true });
  });
  afterEach(async () => t.close());

  const url = (path: string) => `/api/projects/${projectId}${path}`;

  it('lists an instance administrator who is not a member apart from the members, and each person once', async () => {
    const empty = await t.call('GET', url('/members'), { as: admin });
    expect(empty.status).toBe(200);
    expect(empty.body.items).toEqual([]);
    expect(empty.body.instanceAdmins.map((user: { email: string; isAdmin: boolean }) => [user.email, user.isAdmin])).toEqual([['dana@example.com', true]]);

    await t.call('PUT', url('/members'), { as: admin, body: { email: 'dana@example.com', role: 'admin' } });
    const member = await t.call('GET', url('/members'), { as: admin });
    expect(member.body.items.map((item: { user: { email: string } }) => item.user.email)).toEqual(['dana@example.com']);
    expect(member.body.instanceAdmins).toEqual([]);
  });

  it('names the people and keys of labels, label history, change requests, API keys and the audit log', async () => {
    expect((await t.call('POST', '/api/prompts', { as: ci, body: { name: 'support/refunds', source: promptSource({ riskTier: 'high' }) } })).status).toBe(201);
    await t.call('PUT', '/api/prompts/support%2Frefunds/labels/staging', { as: ci, body: { targets: [{ version: 1, weight: 100 }], expectedRevision: 0 } });
    const approver = await t.user('sam@example.com', { memberOf: [{ projectId, role: 'approver' }] });
    const requested = await t.call('POST', url('/change-requests'), { as: admin, body: { promptName: 'support/refunds', label: 'production', targets: [{ version: 1, weight: 100 }] } });
    expect(requested.status).toBe(201);
    await t.call('POST', url(`/change-requests/${requested.body.id}/reviews`), { as: approver, body: { decision: 'approve' } });

    const keyId = (await t.call('GET', url('/api-keys'), { as: admin })).body.items.find((key: { name: string }) => key.name === 'editor key').id;
    const keyName = { [`api-key:${keyId}`]: { name: 'editor key' } };
    const dana = { [`user:${admin.userId}`]: { name: 'dana', email: 'dana@example.com' } };
    const sam = { [`user:${approver.userId}`]: { name: 'sam', email: 'sam@example.com' } };

    const labels = await t.call('GET', url('/prompts/support%2Frefunds/labels'), { as: approver });
    expect(labels.body.names).toEqual(keyName);
    const history = await t.call('GET', url('/prompts/support%2Frefunds/labels/staging/history'), { as: approver });
    expect(history.body.names).toEqual(keyName);
    const requests = await t.call('GET', url('/change-requests?promptName=support%2Frefunds'), { as: approver });
    expect(requests.body.names).toEqual({ ...dana, ...sam });
    const audit = await t.call('GET', url('/audit'), { as: admin });
    expect(audit.status).toBe(200);
    // The actors (the key, Dana, Sam) and the targets that are people or keys (Sam's membership).
    expect(audit.body.names).toEqual({ ...keyName, ...dana, ...sam });
    // Keys made on the store directly (`assay admin create-key`) are the system's: nothing to name.
    expect((await t.call('GET', url('/api-keys'), { as: admin })).body.names).toEqual({});
  });

  it('does not name a key of another project, even one whose id it is given', async () => {
    const other = await t.project('other');
    const otherKey = await other.key('editor');
    await t.call('POST', '/api/prompts', { as: otherKey, body: { name: 'triage', source: promptSource() } });
    const otherKeyId = (await t.registry.listApiKeys(other.id))[0]!.id;
    const { actorNames } = await import('./actor-names.ts');
    expect(await actorNames(t.registry, projectId, [{ type: 'api-key', id: otherKeyId }])).toEqual({});
    expect(await actorNames(t.registry, other.id, [{ type: 'api-key', id: otherKeyId }])).toEqual({ [`api-key:${otherKeyId}`]: { name: 'editor key' } });
  });

  it('answers the labels of several prompts in one request, none for a prompt that does not exist', async () => {
    await t.call('POST', '/api/prompts', { as: ci, body: { name: 'support/refunds', source: promptSource() } });
    await t.call('POST', '/api/prompts', { as: ci, body: { name: 'support/triage', source: promptSource() } });
    await t.call('POST', '/api/prompts', { as: ci, body: { name: 'support/triage', source: promptSource({ body: 'Second {{ticket}}' }) } });
    await t.call('PUT', '/api/prompts/support%2Frefunds/labels/staging', { as: ci, body: { targets: [{ version: 1, weight: 100 }], expectedRevision: 0 } });
    await t.call('PUT', '/api/prompts/support%2Ftriage/labels/canary', { as: ci, body: { targets: [{ version: 1, weight: 90 }, { version: 2, weight: 10 }], expectedRevision: 0 } });

    const both = await t.call('GET', '/api/labels?prompts=support/refunds,support/triage,no/such', { as: ci });
    expect(both.status).toBe(200);
    expect(both.body.items.map((label: { promptName: string; name: string; targets: unknown }) => [label.promptName, label.name, label.targets])).toEqual([
      ['support/refunds', 'staging', [{ version: 1, weight: 100 }]],
      ['support/triage', 'canary', [{ version: 1, weight: 90 }, { version: 2, weight: 10 }]],
    ]);
    const bad = await t.call('GET', '/api/labels?prompts=support/refunds,../etc', { as: ci });
    expect(bad.status).toBe(400);
    expect(bad.body.fields[0].path).toContain('prompts');
  });

  it('refuses to compare runs of different suites as runs that cannot be compared, naming both suites', async () => {
    const upload = async (id: string, configPath: string, cells: [string, string][]) => {
      await t.call('POST', '/api/runs', { as: ci, body: { run: runRecord(id, { configPath, total: cells.length * 3 }) } });
      const results = cells.flatMap(([promptId, providerId], cell) =>
        [0, 1, 2].map((index) => caseResult(id, index, true, { key: `${cell}-${index}`, promptId, providerId })),
      );
      expect((await t.call('POST', `/api/runs/${id}/results`, { as: ci, body: { results } })).status).toBe(200);
    };
    await upload('triage-run', 'evals/triage.yaml', [['triage', 'openai:gpt-4o-mini']]);
    await upload('summaries-run', 'evals/summaries.yaml', [
      ['summarize', 'openai:gpt-4o-mini'],
      ['summarize', 'anthropic:claude-haiku'],
    ]);
    const refused = await t.call('GET', '/api/compare?a=summaries-run&b=triage-run', { as: ci });
    expect(refused.status).toBe(422);
    expect(refused.body.type).toBe('/docs/api.md#runs-not-comparable');
    expect(refused.body.title).toBe('These runs cannot be compared');
    expect(refused.body.detail).toContain('different suites: the baseline triage-run of evals/triage.yaml, the candidate summaries-run of evals/summaries.yaml');
    expect(refused.body.hint).toContain('Candidate cells: summarize × openai:gpt-4o-mini, summarize × anthropic:claude-haiku');
    expect(refused.body.candidate).toEqual({ id: 'summaries-run', suite: 'evals/summaries.yaml' });
  });
});
