import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openEditorProject } from './testing/editor-project.ts';
import { caseResult, describeEachDialect, runRecord, type Caller, type TestApp } from './testing/test-app.ts';

describeEachDialect((openApp) => {
  let t: TestApp;
  let editor: Caller;
  let projectId: string;

  beforeEach(async () => {
    ({ t, projectId, editor } = await openEditorProject(openApp));
  });
  afterEach(async () => t.close());

  /** Uploads a run the way `assay eval --upload` does: record, result batches, finish. */
  async function upload(id: string, outcomes: boolean[], extra: Record<string, unknown> = {}) {
    const created = await t.call('POST', '/api/runs', { as: editor, body: { run: runRecord(id, { total: outcomes.length, ...extra }) } });
    expect(created.status).toBe(201);
    const results = outcomes.map((pass, index) => caseResult(id, index, pass));
    for (let start = 0; start < results.length; start += 2000) {
      const stored = await t.call('POST', `/api/runs/${id}/results`, { as: editor, body: { results: results.slice(start, start + 2000) } });
      expect(stored.status).toBe(200);
    }
    const passed = outcomes.filter(Boolean).length;
    const summary = { total: outcomes.length, passed, failed: outcomes.length - passed, errors: 0, cost: 0.01, tokens: 0, durationMs: 1000, cells: [], metrics: [], thresholds: [], gates: [], warnings: [] };
    const finished = await t.call('POST', `/api/runs/${id}/finish`, { as: editor, body: { status: 'completed', summary, finishedAt: '2026-11-20T10:05:00.000Z' } });
    expect(finished.status).toBe(200);
  }

  describe('runs', () => {
    it('uploads a run in batches and lists it with its pass rate', async () => {
      await upload('run-1', [true, true, false, true]);
      const list = await t.call('GET', '/api/runs', { as: editor });
      expect(list.body.total).toBe(1);
      expect(list.body.items[0]).toMatchObject({ id: 'run-1', status: 'completed', total: 4, passed: 3, failed: 1, passRate: 0.75 });
      const run = await t.call('GET', '/api/runs/run-1', { as: editor });
      expect(run.body.run.summary.passed).toBe(3);
      expect(run.body.run.projectId).toBeDefined();
      const audit = await t.registry.listAuditEvents(run.body.run.projectId, { targetType: 'run' });
      expect(audit.items.map((event) => [event.action, event.actor.type, event.details])).toEqual([
        ['run.finish', 'api-key', { status: 'completed', passed: 3, failed: 1, errors: 0 }],
        ['run.upload', 'api-key', { total: 4, label: null }],
      ]);
    });

    it('keeps an uploaded run running, without its summary, until /finish, and says how many results arrived (issue 10)', async () => {
      const summary = { total: 3, passed: 3, failed: 0, errors: 0, cost: 0, tokens: 0, durationMs: 1, cells: [], metrics: [], thresholds: [], gates: [], warnings: [] };
      // A client that sends the final status up front, then breaks off after one result.
      const created = await t.call('POST', '/api/runs', { as: editor, body: { run: runRecord('run-1', { total: 3, status: 'completed', summary, finishedAt: '2026-11-20T10:05:00.000Z' }) } });
      expect(created.status).toBe(201);
      expect(created.body.run).toMatchObject({ status: 'running' });
      await t.call('POST', '/api/runs/run-1/results', { as: editor, body: { results: [caseResult('run-1', 0, true)] } });
      const partial = await t.call('GET', '/api/runs/run-1', { as: editor });
      expect(partial.body).toMatchObject({ run: { status: 'running', total: 3 }, stored: 1 });
      expect(partial.body.run.summary).toBeUndefined();
      expect(partial.body.run.finishedAt).toBeUndefined();
      expect((await t.call('GET', '/api/runs?status=completed', { as: editor })).body.total).toBe(0);

      await t.call('POST', '/api/runs/run-1/finish', { as: editor, body: { status: 'completed', summary, finishedAt: '2026-11-20T10:05:00.000Z' } });
      expect((await t.call('GET', '/api/runs/run-1', { as: editor })).body).toMatchObject({ run: { status: 'completed', summary }, stored: 1 });
    });

    it('resumes an upload of the same run id instead of duplicating it', async () => {
      await t.call('POST', '/api/runs', { as: editor, body: { run: runRecord('run-1') } });
      await t.call('POST', '/api/runs/run-1/results', { as: editor, body: { results: [caseResult('run-1', 0, true)] } });
      const again = await t.call('POST', '/api/runs', { as: editor, body: { run: runRecord('run-1') } });
      expect(again.status).toBe(200);
      expect(again.body.stored).toBe(1);
      const stored = await t.call('POST', '/api/runs/run-1/results', { as: editor, body: { results: [caseResult('run-1', 0, true), caseResult('run-1', 1, false)] } });
      expect(stored.body.stored).toBe(2);
    });

    it('adopts a run already in the served store without a project (eval and serve in one folder)', async () => {
      await t.store.createRun({ ...runRecord('local-run'), status: 'completed' } as any);
      await t.store.appendResults('local-run', [caseResult('local-run', 0, true)] as any);
      const uploaded = await t.call('POST', '/api/runs', { as: editor, body: { run: runRecord('local-run') } });
      expect(uploaded.status).toBe(200);
      expect(uploaded.body.stored).toBe(1);
      expect((await t.call('GET', '/api/runs/local-run', { as: editor })).status).toBe(200);
      expect(await t.store.getRun('local-run')).toBeUndefined();
      // Another project uploading the same id gets a run of its own: ids are unique per project.
      const other = await (await t.project('other')).key('editor');
      const second = await t.call('POST', '/api/runs', { as: other, body: { run: runRecord('local-run') } });
      expect(second.status).toBe(201);
      expect(second.body.stored).toBe(0);
      expect((await t.call('GET', '/api/runs/local-run/results', { as: other })).body.total).toBe(0);
      expect((await t.call('GET', '/api/runs/local-run/results', { as: editor })).body.total).toBe(1);
    });

    it('refuses results of another run and malformed results, storing nothing', async () => {
      await t.call('POST', '/api/runs', { as: editor, body: { run: runRecord('run-1') } });
      const foreign = await t.call('POST', '/api/runs/run-1/results', { as: editor, body: { results: [caseResult('run-1', 0, true), caseResult('run-2', 1, true)] } });
      expect(foreign.status).toBe(422);
      const malformed = await t.call('POST', '/api/runs/run-1/results', { as: editor, body: { results: [{ ...caseResult('run-1', 0, true), pass: 'yes' }] } });
      expect(malformed.status).toBe(422);
      expect(malformed.body.fields[0].path).toBe('results.0.pass');
      expect((await t.call('GET', '/api/runs/run-1/results', { as: editor })).body.total).toBe(0);
    });

    it('refuses every upload that is not exactly what `assay eval --upload` sends, naming the field and storing nothing (issue 16)', async () => {
      const refused = async (url: string, body: unknown, path: string) => {
        const response = await t.call('POST', url, { as: editor, body });
        expect({ url, path, status: response.status, type: response.headers.get('content-type') }).toEqual({ url, path, status: 422, type: 'application/problem+json' });
        expect(response.body.fields.map((field: { path: string }) => field.path), JSON.stringify(response.body)).toContain(path);
        return response.body;
      };
      await refused('/api/runs', { run: runRecord('bad-run', { projectId: 'someone-else' }) }, 'run');
      await refused('/api/runs', { run: runRecord('bad-run', { summary: { total: 1, cells: [] } }) }, 'run.summary.thresholds');
      await refused('/api/runs', { run: runRecord('bad-run', { status: 'done' }) }, 'run.status');
      expect(await t.store.project(projectId).getRun('bad-run')).toBeUndefined();

      await t.call('POST', '/api/runs', { as: editor, body: { run: runRecord('run-1') } });
      const result = caseResult('run-1', 0, true);
      const { usage: _usage, ...withoutUsage } = result;
      const malformed: [unknown, string][] = [
        [{ ...result, output: ['an', 'array'] }, 'results.0.output'],
        [{ ...result, output: 42 }, 'results.0.output'],
        [{ ...result, assertions: { type: 'contains' } }, 'results.0.assertions'],
        [{ ...result, assertions: [{ type: 'contains', pass: true }] }, 'results.0.assertions.0.score'],
        [{ ...result, messages: [{ role: 'wizard', content: 'hi' }] }, 'results.0.messages.0.role'],
        [{ ...result, finishedAt: 'yesterday' }, 'results.0.finishedAt'],
        [withoutUsage, 'results.0.usage'],
        [{ ...result, extra: 'field' }, 'results.0'],
      ];
      for (const [bad, path] of malformed) {
        const problem = await refused('/api/runs/run-1/results', { results: [caseResult('run-1', 1, true), bad] }, path.replace('results.0', 'results.1'));
        if (path === 'results.0') expect(problem.detail).toContain('extra');
      }
      expect(await t.store.project(projectId).countResults('run-1')).toBe(0);

      const summary = { total: 1, passed: 1, failed: 0, errors: 0, cost: 0, tokens: 0, durationMs: 1, cells: [], metrics: [], thresholds: [], gates: [], warnings: [] };
      const { thresholds: _thresholds, gates: _gates, ...withoutChecks } = summary;
      const finish = (body: Record<string, unknown>) => ({ status: 'completed', finishedAt: '2026-11-20T10:05:00.000Z', ...body });
      await refused('/api/runs/run-1/finish', finish({ summary: withoutChecks }), 'summary.thresholds');
      await refused('/api/runs/run-1/finish', finish({ summary: { ...summary, gates: 'all ok' } }), 'summary.gates');
      await refused('/api/runs/run-1/finish', finish({ summary: { ...summary, cells: [{ prompt: 'p' }] } }), 'summary.cells.0.provider');
      expect(await t.store.project(projectId).getRun('run-1')).toMatchObject({ status: 'running' });
      expect((await t.store.project(projectId).getRun('run-1'))?.summary).toBeUndefined();

      expect((await t.call('POST', '/api/runs/run-1/finish', { as: editor, body: finish({ summary }) })).status).toBe(200);
    });

    it('answers a malformed run already in the store (stored before uploads were checked) without a 500 (issue 16)', async () => {
      await upload('good', [true, false, true, false]);
      const runs = t.store.project(projectId);
      // Written through the store, as an older server would have stored them.
      await runs.createRun({ ...runRecord('broken', { status: 'completed', total: 4 }), summary: { total: 4, cells: 'none' } } as any);
      await runs.appendResults('broken', [
        caseResult('broken', 0, true, { output: ['an', 'array'] }),
        caseResult('broken', 1, true, { output: 7, assertions: { not: 'a list' } }),
        caseResult('broken', 2, true, { assertions: [null, 3] }),
        caseResult('broken', 3, true, { assertions: 'x', usage: null, messages: 'hi', vars: null }),
      ] as any);
      const list = await t.call('GET', '/api/runs', { as: editor });
      expect(list.status).toBe(200);
      expect(list.body.items.find((item: any) => item.id === 'broken')).toMatchObject({ passed: null, failed: null, passRate: null, cost: null });
      expect((await t.call('GET', '/api/runs/broken', { as: editor })).status).toBe(200);
      expect((await t.call('GET', '/api/runs/broken/results', { as: editor })).body.total).toBe(4);
      for (const [a, b] of [['broken', 'good'], ['good', 'broken']]) {
        const comparison = await t.call('GET', `/api/compare?a=${a}&b=${b}`, { as: editor });
        expect(comparison.status).toBe(200);
        expect(comparison.body.warnings).toContain('Run broken: 2 stored result(s) have no readable list of assertions; their metrics are not compared');
      }
      const row = (await t.call('GET', '/api/compare?a=broken&b=good', { as: editor })).body.cells.find((item: any) => item.metric === 'pass');
      expect(row).toMatchObject({ paired: 4, flippedToPass: ['case-1', 'case-3'] });
    });

    it('pages and filters the results of a 20,000-case run', async () => {
      const outcomes = Array.from({ length: 20_000 }, (_, index) => index % 10 !== 0);
      await upload('big', outcomes);
      const first = await t.call('GET', '/api/runs/big/results?limit=50', { as: editor });
      expect(first.body.total).toBe(20_000);
      expect(first.body.items).toHaveLength(50);
      expect(first.body.items[0].caseIndex).toBe(0);
      const failures = await t.call('GET', '/api/runs/big/results?outcome=fail&offset=10&limit=5', { as: editor });
      expect(failures.body.total).toBe(2000);
      expect(failures.body.items.map((result: any) => result.caseIndex)).toEqual([100, 110, 120, 130, 140]);
      const search = await t.call('GET', '/api/runs/big/results?q=ticket%2019999', { as: editor });
      expect(search.body.items.map((result: any) => result.caseIndex)).toEqual([19_999]);
      expect((await t.call('GET', '/api/runs/big/results?limit=5000', { as: editor })).status).toBe(400);
    });

    it('compares two runs with paired tests and lists the flipped cases', async () => {
      const baseline = Array.from({ length: 60 }, (_, index) => index % 2 === 0);
      const candidate = Array.from({ length: 60 }, () => true);
      await upload('base', baseline, { label: 'main' });
      await upload('cand', candidate);
      const comparison = await t.call('GET', '/api/compare?a=cand&b=base', { as: editor });
      expect(comparison.status).toBe(200);
      expect(comparison.body.candidate.id).toBe('cand');
      expect(comparison.body.baseline.id).toBe('base');
      const row = comparison.body.cells.find((item: any) => item.metric === 'pass');
      expect(row).toMatchObject({ verdict: 'better', test: 'mcnemar-exact', paired: 60 });
      expect(row.pValue).toBeLessThan(0.001);
      expect(row.flippedToPass).toHaveLength(30);
      expect(row.flippedToPass[0]).toBe('case-1');
      expect((await t.call('GET', '/api/compare?a=cand&b=missing', { as: editor })).status).toBe(404);
      expect((await t.call('GET', '/api/runs?label=main', { as: editor })).body.items.map((run: any) => run.id)).toEqual(['base']);
    });
  });
});
