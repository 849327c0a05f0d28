import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachDialect, promptSource, type TestApp } from './testing/test-app.ts';

// Issue 16: admin A created key K1, K1 created editor key K2, K2 asked to move production, A
// approved it and K2 applied it — one person moved a protected label. A key now counts as the
// person at the root of its chain of creators.

describeEachDialect((openApp) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await openApp();
  });
  afterEach(async () => t.close());

  it('a key made by a key counts as the person who made the first one: they cannot approve its request', async () => {
    const { id: projectId } = await t.project('support-bot');
    const admin = await t.user('a@example.com', { isAdmin: true });
    const bob = await t.user('bob@example.com', { memberOf: [{ projectId, role: 'approver' }] });
    const base = `/api/projects/${projectId}`;

    const k1 = await t.call('POST', `${base}/api-keys`, { as: admin, body: { name: 'k1', role: 'admin' } });
    expect(k1.status).toBe(201);
    const k2 = await t.call('POST', '/api/api-keys', { as: { apiKey: k1.body.secret }, body: { name: 'k2', role: 'editor' } });
    expect(k2.status).toBe(201);
    const asK2 = { apiKey: k2.body.secret as string };
    expect((await t.call('POST', '/api/prompts', { as: asK2, body: { name: 'refunds', source: promptSource({ riskTier: 'high' }) } })).status).toBe(201);

    const request = await t.call('POST', '/api/change-requests', { as: asK2, body: { promptName: 'refunds', label: 'production', targets: [{ version: 1, weight: 100 }] } });
    expect(request.status).toBe(201);
    expect(request.body).toMatchObject({ requestedBy: { type: 'api-key', id: k2.body.apiKey.id }, requesterUserId: admin.userId, requiredApprovals: 1 });

    const self = await t.call('POST', `${base}/change-requests/${request.body.id}/reviews`, { as: admin, body: { decision: 'approve' } });
    expect(self.status).toBe(403);
    expect(self.body.reason).toBe('self-approval');
    expect((await t.call('POST', `/api/change-requests/${request.body.id}/apply`, { as: asK2 })).status).toBe(409);
    expect((await t.call('GET', '/api/prompts/refunds/labels', { as: asK2 })).body.items).toEqual([]);

    expect((await t.call('POST', `${base}/change-requests/${request.body.id}/reviews`, { as: bob, body: { decision: 'approve' } })).body.status).toBe('approved');
    const applied = await t.call('POST', `/api/change-requests/${request.body.id}/apply`, { as: asK2 });
    expect(applied.status).toBe(200);
    expect(applied.body.label.targets).toEqual([{ version: 1, weight: 100 }]);
  });

  it('a key no person made (assay admin create-key) needs one approval more than the policy', async () => {
    const project = await t.project('support-bot');
    const bootstrap = await project.key('editor');
    const bob = await t.user('bob@example.com', { memberOf: [{ projectId: project.id, role: 'approver' }] });
    const carol = await t.user('carol@example.com', { memberOf: [{ projectId: project.id, role: 'approver' }] });
    await t.call('POST', '/api/prompts', { as: bootstrap, body: { name: 'refunds', source: promptSource({ riskTier: 'high' }) } });
    const request = await t.call('POST', '/api/change-requests', { as: bootstrap, body: { promptName: 'refunds', label: 'production', targets: [{ version: 1, weight: 100 }] } });
    expect(request.body).toMatchObject({ requesterUserId: null, requiredApprovals: 2 });
    const review = (as: typeof bob) => t.call('POST', `/api/projects/${project.id}/change-requests/${request.body.id}/reviews`, { as, body: { decision: 'approve' } });
    // Bob may be the one holding the key; his approval alone does not move the label.
    expect((await review(bob)).body.status).toBe('pending');
    expect((await t.call('POST', `/api/change-requests/${request.body.id}/apply`, { as: bootstrap })).status).toBe(409);
    expect((await review(carol)).body.status).toBe('approved');
  });
});
