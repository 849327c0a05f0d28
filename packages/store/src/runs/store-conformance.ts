import type { CaseResult, RunRecord, RunSummary } from '@assay/spec';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from './store.ts';

/**
 * The behaviour every `Store` must have. Each implementation's test file calls this once:
 *
 * @example
 * describeStoreConformance('sqlite', () => openSqliteStore({ directory: freshTempDirectory() }), removeTempDirectories);
 *
 * @param open returns an empty store; called before every test, and the store is closed after it.
 * @param cleanup runs after every test, once the store is closed.
 */
export function describeStoreConformance(name: string, open: () => Promise<Store> | Store, cleanup?: () => Promise<void>): void {
  describe(`Store conformance: ${name}`, () => {
    let store: Store;

    beforeEach(async () => {
      store = await open();
    });

    afterEach(async () => {
      await store.close();
      await cleanup?.();
    });

    it('declares specification v3', () => {
      expect(store.specificationVersion).toBe('v3');
    });

    describe('runs', () => {
      it('round-trips a run through createRun and getRun', async () => {
        const run = makeRun('run-1', { options: { concurrency: 4, filter: { tags: ['a', 'b'] }, dryRun: false } });
        await store.createRun(run);
        expect(await store.getRun('run-1')).toEqual(run);
      });

      it('round-trips a run created with a summary and finishedAt', async () => {
        const run = makeRun('run-1', { status: 'completed', summary: makeSummary(), finishedAt: '2025-01-01T00:10:00.000Z' });
        await store.createRun(run);
        expect(await store.getRun('run-1')).toEqual(run);
      });

      it('returns undefined for an unknown run', async () => {
        await store.createRun(makeRun('run-1'));
        expect(await store.getRun('no-such-run')).toBeUndefined();
      });

      it('rejects a second run with the same id', async () => {
        await store.createRun(makeRun('run-1'));
        await expect(store.createRun(makeRun('run-1'))).rejects.toThrow();
      });

      it('lists runs newest first', async () => {
        await store.createRun(makeRun('middle', { createdAt: '2025-01-02T00:00:00.000Z' }));
        await store.createRun(makeRun('newest', { createdAt: '2025-01-03T00:00:00.000Z' }));
        await store.createRun(makeRun('oldest', { createdAt: '2025-01-01T00:00:00.000Z' }));
        expect((await store.listRuns()).map((run) => run.id)).toEqual(['newest', 'middle', 'oldest']);
      });

      it('lists runs created at the same instant latest created first', async () => {
        for (const id of ['first', 'second', 'third']) await store.createRun(makeRun(id, { createdAt: isoDay(1) }));
        expect((await store.listRuns()).map((run) => run.id)).toEqual(['third', 'second', 'first']);
        expect((await store.listRuns({ limit: 1, offset: 1 })).map((run) => run.id)).toEqual(['second']);
      });

      it('rejects a negative or fractional limit or offset', async () => {
        await expect(store.listRuns({ limit: -1 })).rejects.toThrow(RangeError);
        await expect(store.listRuns({ limit: 1.5 })).rejects.toThrow(RangeError);
        await expect(store.listRuns({ offset: -2 })).rejects.toThrow(RangeError);
      });

      it('lists an empty store as no runs', async () => {
        expect(await store.listRuns()).toEqual([]);
      });

      it('pages through runs with limit and offset', async () => {
        for (let day = 1; day <= 7; day++) await store.createRun(makeRun(`day-${day}`, { createdAt: isoDay(day) }));
        const ids = async (options: { limit?: number; offset?: number }) => (await store.listRuns(options)).map((run) => run.id);
        expect(await ids({ limit: 3 })).toEqual(['day-7', 'day-6', 'day-5']);
        expect(await ids({ limit: 3, offset: 3 })).toEqual(['day-4', 'day-3', 'day-2']);
        expect(await ids({ limit: 3, offset: 6 })).toEqual(['day-1']);
        expect(await ids({ limit: 3, offset: 9 })).toEqual([]);
        expect(await ids({ offset: 5 })).toEqual(['day-2', 'day-1']);
        expect(await ids({ limit: 0 })).toEqual([]);
      });

      it('filters runs by status, combined with paging', async () => {
        await store.createRun(makeRun('a', { createdAt: isoDay(1), status: 'completed' }));
        await store.createRun(makeRun('b', { createdAt: isoDay(2), status: 'running' }));
        await store.createRun(makeRun('c', { createdAt: isoDay(3), status: 'completed' }));
        await store.createRun(makeRun('d', { createdAt: isoDay(4), status: 'failed' }));
        await store.createRun(makeRun('e', { createdAt: isoDay(5), status: 'completed' }));
        const ids = async (options: Parameters<Store['listRuns']>[0]) => (await store.listRuns(options)).map((run) => run.id);
        expect(await ids({ status: 'completed' })).toEqual(['e', 'c', 'a']);
        expect(await ids({ status: 'completed', limit: 1, offset: 1 })).toEqual(['c']);
        expect(await ids({ status: 'running' })).toEqual(['b']);
        expect(await ids({ status: 'interrupted' })).toEqual([]);
      });

      it('finishRun sets status, summary and finishedAt', async () => {
        await store.createRun(makeRun('run-1'));
        const summary = makeSummary();
        await store.finishRun('run-1', { status: 'completed', summary, finishedAt: '2025-01-01T01:00:00.000Z' });
        const run = await store.getRun('run-1');
        expect(run?.status).toBe('completed');
        expect(run?.summary).toEqual(summary);
        expect(run?.finishedAt).toBe('2025-01-01T01:00:00.000Z');
        expect((await store.listRuns({ status: 'completed' })).map((listed) => listed.id)).toEqual(['run-1']);
        expect(await store.listRuns({ status: 'running' })).toEqual([]);
      });

      it('finishRun without a summary leaves the stored summary alone', async () => {
        await store.createRun(makeRun('run-1'));
        await store.finishRun('run-1', { status: 'interrupted', finishedAt: '2025-01-01T01:00:00.000Z' });
        let run = await store.getRun('run-1');
        expect(run?.status).toBe('interrupted');
        expect(run?.summary).toBeUndefined();

        const summary = makeSummary();
        await store.finishRun('run-1', { status: 'completed', summary, finishedAt: '2025-01-01T02:00:00.000Z' });
        await store.finishRun('run-1', { status: 'failed', finishedAt: '2025-01-01T03:00:00.000Z' });
        run = await store.getRun('run-1');
        expect(run?.status).toBe('failed');
        expect(run?.summary).toEqual(summary);
        expect(run?.finishedAt).toBe('2025-01-01T03:00:00.000Z');
      });

      it('finishRun rejects an unknown run', async () => {
        await expect(store.finishRun('no-such-run', { status: 'completed', finishedAt: isoDay(1) })).rejects.toThrow();
      });

      it('keeps a label given at creation and finds runs by label, newest first', async () => {
        await store.createRun(makeRun('a', { createdAt: isoDay(1), label: 'main' }));
        await store.createRun(makeRun('b', { createdAt: isoDay(2) }));
        await store.createRun(makeRun('c', { createdAt: isoDay(3), label: 'main' }));
        expect((await store.getRun('a'))?.label).toBe('main');
        expect((await store.getRun('b'))?.label).toBeUndefined();
        expect((await store.listRuns({ label: 'main' })).map((run) => run.id)).toEqual(['c', 'a']);
        expect(await store.listRuns({ label: 'release' })).toEqual([]);
      });

      it('sets and removes a label on an existing run, and rejects an unknown run', async () => {
        await store.createRun(makeRun('a'));
        await store.setRunLabel('a', 'baseline');
        expect((await store.listRuns({ label: 'baseline' })).map((run) => run.id)).toEqual(['a']);
        await store.setRunLabel('a', null);
        expect((await store.getRun('a'))?.label).toBeUndefined();
        await expect(store.setRunLabel('no-such-run', 'x')).rejects.toThrow();
      });

      it('keeps the project of a run and lists and counts runs by project', async () => {
        const a = store.project('project-a');
        const b = store.project('project-b');
        await store.createRun(makeRun('local', { createdAt: isoDay(1) }));
        await a.createRun(makeRun('a1', { createdAt: isoDay(2) }));
        await b.createRun(makeRun('b1', { createdAt: isoDay(3), projectId: 'project-b', label: 'main' }));
        await a.createRun(makeRun('a2', { createdAt: isoDay(4), label: 'main' }));
        expect((await a.getRun('a1'))?.projectId).toBe('project-a');
        expect((await store.getRun('local'))?.projectId).toBeUndefined();
        expect(await store.getRun('a1')).toBeUndefined();
        expect(await b.getRun('a1')).toBeUndefined();
        expect((await a.listRuns()).map((run) => run.id)).toEqual(['a2', 'a1']);
        expect((await a.listRuns({ label: 'main' })).map((run) => run.id)).toEqual(['a2']);
        expect((await store.listRuns()).map((run) => run.id)).toEqual(['local']);
        expect(await a.countRuns()).toBe(2);
        expect(await store.project('project-c').countRuns()).toBe(0);
        expect(await store.countRuns()).toBe(1);
        expect(await b.countRuns({ label: 'main' })).toBe(1);
      });

      it('refuses a run of another project, and a project id that is empty', async () => {
        await expect(store.createRun(makeRun('x', { projectId: 'project-a' }))).rejects.toThrow(TypeError);
        await expect(store.project('project-b').createRun(makeRun('x', { projectId: 'project-a' }))).rejects.toThrow(TypeError);
        expect(() => store.project('')).toThrow(RangeError);
        expect(await store.countRuns()).toBe(0);
      });

      it('keeps runs with the same id in different projects apart in every operation', async () => {
        const a = store.project('project-a');
        const b = store.project('project-b');
        await store.createRun(makeRun('same', { label: 'local-label' }));
        await a.createRun(makeRun('same', { createdAt: isoDay(2), label: 'main' }));
        await b.createRun(makeRun('same', { createdAt: isoDay(3) }));
        await expect(a.createRun(makeRun('same'))).rejects.toThrow();

        await a.appendResults('same', [makeResult('same', 0, { output: 'from a' }), makeResult('same', 1, { error: 'HTTP 500' })]);
        await b.appendResults('same', [makeResult('same', 0, { output: 'from b' })]);
        expect((await collect(a.iterateResults('same'))).map((result) => result.output)).toEqual(['from a', 'Summary 1']);
        expect((await collect(b.iterateResults('same'))).map((result) => result.output)).toEqual(['from b']);
        expect(await collect(store.iterateResults('same'))).toEqual([]);
        expect(await a.countResults('same')).toBe(2);
        expect(await b.countResults('same')).toBe(1);
        expect(await a.completedKeys('same')).toEqual(new Set(['key-0']));
        expect((await b.listResults('same', { limit: 10, search: 'from' })).items.map((result) => result.output)).toEqual(['from b']);
        expect((await a.listResults('same', { limit: 10, outcome: 'error' })).total).toBe(1);

        await b.finishRun('same', { status: 'completed', summary: makeSummary(), finishedAt: isoDay(4) });
        await b.setRunLabel('same', 'release');
        expect(await a.getRun('same')).toEqual(makeRun('same', { createdAt: isoDay(2), label: 'main', projectId: 'project-a' }));
        expect(await store.getRun('same')).toEqual(makeRun('same', { label: 'local-label' }));
        expect(await b.getRun('same')).toMatchObject({ status: 'completed', label: 'release', projectId: 'project-b' });
        expect((await a.listRuns({ label: 'release' })).length).toBe(0);
        await expect(store.project('project-c').finishRun('same', { status: 'failed', finishedAt: isoDay(5) })).rejects.toThrow();
        await expect(store.project('project-c').setRunLabel('same', 'x')).rejects.toThrow();
        await expect(store.project('project-c').appendResults('same', [makeResult('same', 9)])).rejects.toThrow();
        expect(await store.project('project-c').countResults('same')).toBe(0);
      });

      it('gives a run without a project to a project once, results and all', async () => {
        await store.createRun(makeRun('local'));
        await store.appendResults('local', [makeResult('local', 0), makeResult('local', 1)]);
        await store.project('project-a').createRun(makeRun('owned'));
        expect(await store.claimRun('local', 'project-b')).toBe(true);
        const b = store.project('project-b');
        expect((await b.getRun('local'))?.projectId).toBe('project-b');
        expect(await store.getRun('local')).toBeUndefined();
        expect((await collect(b.iterateResults('local'))).map((result) => result.key)).toEqual(['key-0', 'key-1']);
        expect(await store.countResults('local')).toBe(0);
        await b.appendResults('local', [makeResult('local', 2)]);
        expect(await b.completedKeys('local')).toEqual(new Set(['key-0', 'key-1', 'key-2']));
        expect(await store.claimRun('local', 'project-c')).toBe(false);
        expect(await store.claimRun('owned', 'project-b')).toBe(false);
        expect(await store.claimRun('missing', 'project-b')).toBe(false);
      });

      it('does not claim a run for a project that already has a run with its id', async () => {
        await store.createRun(makeRun('same'));
        await store.appendResults('same', [makeResult('same', 0, { output: 'local' })]);
        await store.project('project-a').createRun(makeRun('same'));
        expect(await store.claimRun('same', 'project-a')).toBe(false);
        expect((await collect(store.iterateResults('same'))).map((result) => result.output)).toEqual(['local']);
        expect(await store.project('project-a').countResults('same')).toBe(0);
      });
    });

    describe('run leases', () => {
      const at = (seconds: number) => new Date(Date.UTC(2025, 0, 1, 0, 0, seconds));

      beforeEach(async () => {
        await store.createRun(makeRun('run-1'));
      });

      it('grants a run to one owner at a time, until its lease expires (issue 10: two resumes of one run)', async () => {
        expect(await store.getRunLease('run-1')).toBeUndefined();
        const first = await store.acquireRunLease('run-1', { owner: 'a', ttlMs: 30_000, now: at(0) });
        expect(first).toEqual({ acquired: true, lease: { owner: 'a', expiresAt: at(30).toISOString() } });
        expect(await store.getRunLease('run-1')).toEqual({ owner: 'a', expiresAt: at(30).toISOString() });

        const second = await store.acquireRunLease('run-1', { owner: 'b', ttlMs: 30_000, now: at(10) });
        expect(second).toEqual({ acquired: false, lease: { owner: 'a', expiresAt: at(30).toISOString() } });

        // The holder renews; the other still waits.
        expect((await store.acquireRunLease('run-1', { owner: 'a', ttlMs: 30_000, now: at(20) })).acquired).toBe(true);
        expect(await store.acquireRunLease('run-1', { owner: 'b', ttlMs: 30_000, now: at(45) })).toEqual({ acquired: false, lease: { owner: 'a', expiresAt: at(50).toISOString() } });

        // Not renewed (its process was killed): from the instant it expires, another may take it.
        expect(await store.acquireRunLease('run-1', { owner: 'b', ttlMs: 30_000, now: at(50) })).toEqual({ acquired: true, lease: { owner: 'b', expiresAt: at(80).toISOString() } });
        expect((await store.acquireRunLease('run-1', { owner: 'a', ttlMs: 30_000, now: at(51) })).acquired).toBe(false);
      });

      it('takes a lease over from a holder named as gone, and from no one else', async () => {
        await store.acquireRunLease('run-1', { owner: 'dead', ttlMs: 30_000, now: at(0) });
        expect((await store.acquireRunLease('run-1', { owner: 'b', ttlMs: 30_000, now: at(1), replacing: 'someone-else' })).acquired).toBe(false);
        expect(await store.acquireRunLease('run-1', { owner: 'b', ttlMs: 30_000, now: at(1), replacing: 'dead' })).toEqual({ acquired: true, lease: { owner: 'b', expiresAt: at(31).toISOString() } });
        expect((await store.acquireRunLease('run-1', { owner: 'c', ttlMs: 30_000, now: at(2), replacing: 'dead' })).acquired).toBe(false);
      });

      it('releases only its own lease', async () => {
        await store.acquireRunLease('run-1', { owner: 'a', ttlMs: 30_000 });
        await store.releaseRunLease('run-1', 'b');
        expect((await store.getRunLease('run-1'))?.owner).toBe('a');
        await store.releaseRunLease('run-1', 'a');
        expect(await store.getRunLease('run-1')).toBeUndefined();
        expect((await store.acquireRunLease('run-1', { owner: 'b', ttlMs: 30_000 })).acquired).toBe(true);
        await store.releaseRunLease('no-such-run', 'b');
      });

      it('grants exactly one of many claims made at once', async () => {
        const claims = await Promise.all(Array.from({ length: 8 }, (_, index) => store.acquireRunLease('run-1', { owner: `owner-${index}`, ttlMs: 30_000 })));
        const granted = claims.filter((claim) => claim.acquired);
        expect(granted).toHaveLength(1);
        for (const claim of claims) expect(claim.lease.owner).toBe(granted[0]!.lease.owner);
      });

      it('keeps leases per run and per project, leaves the run record alone, and rejects an unknown run', async () => {
        await store.createRun(makeRun('run-2'));
        await store.project('project-a').createRun(makeRun('run-1'));
        await store.acquireRunLease('run-1', { owner: 'a', ttlMs: 30_000 });
        expect((await store.acquireRunLease('run-2', { owner: 'b', ttlMs: 30_000 })).acquired).toBe(true);
        expect((await store.project('project-a').acquireRunLease('run-1', { owner: 'c', ttlMs: 30_000 })).acquired).toBe(true);
        expect(await store.getRun('run-1')).toEqual(makeRun('run-1'));
        expect(await store.getRunLease('no-such-run')).toBeUndefined();
        await expect(store.acquireRunLease('no-such-run', { owner: 'a', ttlMs: 30_000 })).rejects.toThrow(RangeError);
        await expect(store.acquireRunLease('run-2', { owner: '', ttlMs: 30_000 })).rejects.toThrow(RangeError);
        await expect(store.acquireRunLease('run-2', { owner: 'b', ttlMs: 0 })).rejects.toThrow(RangeError);
      });
    });

    describe('result pages', () => {
      beforeEach(async () => {
        await store.createRun(makeRun('run-a'));
        await store.createRun(makeRun('run-b'));
        // 0..29: even indexes pass, odd fail; 5 and 7 errored.
        const results = Array.from({ length: 30 }, (_, index) =>
          makeResult('run-a', index, index === 5 || index === 7 ? { error: 'HTTP 500', pass: false } : {}),
        );
        await store.appendResults('run-a', results);
        await store.appendResults('run-b', [makeResult('run-b', 0)]);
      });

      it('pages results in insertion order with the total', async () => {
        const page = await store.listResults('run-a', { offset: 10, limit: 5 });
        expect(page.total).toBe(30);
        expect(page.items.map((result) => result.caseIndex)).toEqual([10, 11, 12, 13, 14]);
        expect((await store.listResults('run-a', { offset: 28, limit: 5 })).items.map((result) => result.caseIndex)).toEqual([28, 29]);
        expect(await store.listResults('no-such-run', { limit: 5 })).toEqual({ items: [], total: 0 });
      });

      it('filters by outcome and by text', async () => {
        const errors = await store.listResults('run-a', { limit: 100, outcome: 'error' });
        expect(errors.items.map((result) => result.caseIndex)).toEqual([5, 7]);
        const failed = await store.listResults('run-a', { limit: 3, outcome: 'fail' });
        expect(failed.total).toBe(13);
        expect(failed.items.map((result) => result.caseIndex)).toEqual([1, 3, 9]);
        const passed = await store.listResults('run-a', { limit: 100, outcome: 'pass' });
        expect(passed.total).toBe(15);
        const found = await store.listResults('run-a', { limit: 100, search: 'topic 2' });
        expect(found.items.map((result) => result.caseIndex)).toEqual([2, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29]);
        expect((await store.listResults('run-a', { limit: 100, search: 'topic 2', outcome: 'fail' })).total).toBe(5);
      });

      it('rejects a page that is too large or negative', async () => {
        await expect(store.listResults('run-a', { limit: 0 })).rejects.toThrow(RangeError);
        await expect(store.listResults('run-a', { limit: 1001 })).rejects.toThrow(RangeError);
        await expect(store.listResults('run-a', { limit: 5, offset: -1 })).rejects.toThrow(RangeError);
      });
    });

    describe('results', () => {
      beforeEach(async () => {
        await store.createRun(makeRun('run-a'));
        await store.createRun(makeRun('run-b'));
      });

      it('round-trips results in insertion order across batches', async () => {
        const results = Array.from({ length: 25 }, (_, index) => makeResult('run-a', index));
        await store.appendResults('run-a', results.slice(0, 10));
        await store.appendResults('run-a', results.slice(10, 11));
        await store.appendResults('run-a', results.slice(11));
        expect(await collect(store.iterateResults('run-a'))).toEqual(results);
      });

      it('keeps every field of a CaseResult', async () => {
        const full = makeResult('run-a', 0, {
          error: 'HTTP 529: overloaded — gave up after 3 retries',
          pass: false,
          score: 0,
          cost: null,
          cached: true,
          output: 'Ünïcødé ✓ 🧪 "quotes" \\ backslash\nnewline\u0000nul',
          vars: { nested: { list: [1, 'two', null, { three: true }] }, empty: {}, number: 1.5e-7 },
          toolCalls: [{ toolName: 'search', input: { query: 'x', limit: 3 } }],
          assertions: [
            { type: 'llm-rubric', pass: false, score: 0.25, reason: 'vague', weight: 2, required: true, metric: 'quality', judge: { provider: 'openai:gpt', prompt: 'grade', raw: '{"score":0.25}', reasoning: 'too vague' } },
          ],
        });
        await store.appendResults('run-a', [full]);
        expect(await collect(store.iterateResults('run-a'))).toEqual([full]);
      });

      it('streams more results than fit in one page, in order', async () => {
        const results = Array.from({ length: 1234 }, (_, index) => makeResult('run-a', index));
        for (let start = 0; start < results.length; start += 200) await store.appendResults('run-a', results.slice(start, start + 200));
        let expected = 0;
        for await (const result of store.iterateResults('run-a')) {
          expect(result.key).toBe(results[expected]?.key);
          expected++;
        }
        expect(expected).toBe(1234);
      });

      it('keeps NUL characters and unpaired surrogates in the text of a result', async () => {
        // A model's output can hold both (a stream cut inside an emoji leaves half a surrogate pair).
        const odd = makeResult('run-a', 0, {
          output: 'nul \u0000 high \ud800 low \udfff',
          caseId: 'case\u0000zero',
          error: 'provider said \u0000',
          vars: { text: '\ud83e' },
          messages: [{ role: 'user', content: 'half an emoji: \ud83e' }],
        });
        await store.appendResults('run-a', [odd, makeResult('run-a', 1)]);
        expect(await collect(store.iterateResults('run-a'))).toEqual([odd, makeResult('run-a', 1)]);
        expect(await store.completedKeys('run-a')).toEqual(new Set(['key-1']));
      });

      it('includes results appended while iterating', async () => {
        await store.appendResults('run-a', Array.from({ length: 600 }, (_, index) => makeResult('run-a', index)));
        const seen: number[] = [];
        for await (const result of store.iterateResults('run-a')) {
          seen.push(result.caseIndex);
          if (seen.length === 1) await store.appendResults('run-a', [makeResult('run-a', 600)]);
        }
        expect(seen).toEqual(Array.from({ length: 601 }, (_, index) => index));
      });

      it('iterates nothing for a run without results or an unknown run', async () => {
        expect(await collect(store.iterateResults('run-a'))).toEqual([]);
        expect(await collect(store.iterateResults('no-such-run'))).toEqual([]);
      });

      it('stays usable after a consumer stops iterating early', async () => {
        await store.appendResults('run-a', Array.from({ length: 1100 }, (_, index) => makeResult('run-a', index)));
        for await (const result of store.iterateResults('run-a')) {
          if (result.caseIndex === 3) break;
        }
        await store.appendResults('run-a', [makeResult('run-a', 5000)]);
        expect(await store.countResults('run-a')).toBe(1101);
        expect((await collect(store.iterateResults('run-a'))).at(-1)?.caseIndex).toBe(5000);
      });

      it('accepts an empty batch', async () => {
        await store.appendResults('run-a', []);
        expect(await store.countResults('run-a')).toBe(0);
      });

      it('rejects results for an unknown run', async () => {
        await expect(store.appendResults('no-such-run', [makeResult('no-such-run', 0)])).rejects.toThrow();
      });

      it('rejects a result whose runId is not the run appended to, storing nothing of the batch', async () => {
        const batch = [makeResult('run-a', 0), makeResult('run-b', 1)];
        await expect(store.appendResults('run-a', batch)).rejects.toThrow();
        expect(await store.countResults('run-a')).toBe(0);
        expect(await store.countResults('run-b')).toBe(0);
      });

      it('lists completed keys', async () => {
        const results = Array.from({ length: 5 }, (_, index) => makeResult('run-a', index));
        await store.appendResults('run-a', results);
        expect(await store.completedKeys('run-a')).toEqual(new Set(results.map((result) => result.key)));
        expect(await store.completedKeys('no-such-run')).toEqual(new Set());
      });

      it('replaces a result appended again under the same key, keeping its position', async () => {
        const results = [0, 1, 2].map((index) => makeResult('run-a', index));
        await store.appendResults('run-a', results);
        // A retry after a crash writes the same key again, possibly with a different outcome.
        const retried = { ...makeResult('run-a', 1), pass: false, score: 0.1, error: 'timeout', output: 'retried' };
        await store.appendResults('run-a', [retried, makeResult('run-a', 3)]);
        expect(await store.countResults('run-a')).toBe(4);
        expect(await collect(store.iterateResults('run-a'))).toEqual([results[0], retried, results[2], makeResult('run-a', 3)]);
        // A result that ended in an error is stored but not "completed": a resume retries it.
        expect(await store.completedKeys('run-a')).toEqual(new Set([results[0]!.key, results[2]!.key, makeResult('run-a', 3).key]));
      });

      it('keeps the last of duplicate keys within one batch', async () => {
        const first = makeResult('run-a', 0);
        const second = { ...first, output: 'second', score: 0.5 };
        await store.appendResults('run-a', [first, second]);
        expect(await collect(store.iterateResults('run-a'))).toEqual([second]);
      });

      it('counts results per run', async () => {
        expect(await store.countResults('run-a')).toBe(0);
        expect(await store.countResults('no-such-run')).toBe(0);
        await store.appendResults('run-a', [0, 1, 2].map((index) => makeResult('run-a', index)));
        await store.appendResults('run-a', [makeResult('run-a', 2)]);
        expect(await store.countResults('run-a')).toBe(3);
      });

      it('keeps runs apart, even for the same key', async () => {
        const inA = [0, 1, 2].map((index) => makeResult('run-a', index));
        const inB = [makeResult('run-b', 1, { output: 'from run b' }), makeResult('run-b', 7)];
        await store.appendResults('run-a', inA);
        await store.appendResults('run-b', inB);
        expect(inB[0]?.key).toBe(inA[1]?.key);
        expect(await collect(store.iterateResults('run-a'))).toEqual(inA);
        expect(await collect(store.iterateResults('run-b'))).toEqual(inB);
        expect(await store.countResults('run-a')).toBe(3);
        expect(await store.countResults('run-b')).toBe(2);
        expect(await store.completedKeys('run-b')).toEqual(new Set(inB.map((result) => result.key)));
      });

      it('takes concurrent appends without losing any', async () => {
        await Promise.all(
          Array.from({ length: 10 }, (_, batch) =>
            store.appendResults('run-a', Array.from({ length: 20 }, (_, index) => makeResult('run-a', batch * 20 + index))),
          ),
        );
        expect(await store.countResults('run-a')).toBe(200);
      });
    });
  });
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

function isoDay(day: number): string {
  return new Date(Date.UTC(2025, 0, day)).toISOString();
}

/** Test fixture: a run record (shared with implementation-specific tests). */
export function makeRun(id: string, overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    id,
    createdAt: '2025-01-01T00:00:00.000Z',
    status: 'running',
    configPath: '/projects/demo/assay.config.ts',
    planHash: 'sha256:0f1e2d',
    total: 12,
    options: { concurrency: 2 },
    ...overrides,
  };
}

/** Test fixture: a complete result (shared with implementation-specific tests). */
export function makeResult(runId: string, caseIndex: number, overrides: Partial<CaseResult> = {}): CaseResult {
  return {
    runId,
    key: `key-${caseIndex}`,
    promptId: 'summarize',
    providerId: 'openai:gpt-4o-mini',
    caseId: `case-${caseIndex}`,
    caseIndex,
    repeat: caseIndex % 3,
    vars: { topic: `topic ${caseIndex}` },
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: `Summarize topic ${caseIndex}.` },
    ],
    output: `Summary ${caseIndex}`,
    toolCalls: [],
    pass: caseIndex % 2 === 0,
    score: (caseIndex % 10) / 10,
    assertions: [{ type: 'contains', pass: true, score: 1, reason: 'found', weight: 1, required: false }],
    latencyMs: 100 + caseIndex,
    usage: { inputTokens: 20, outputTokens: 10, cachedInputTokens: 0, reasoningTokens: 0, totalTokens: 30 },
    cost: 0.000125,
    cached: false,
    finishedAt: '2025-01-01T00:00:01.000Z',
    ...overrides,
  };
}

function makeSummary(): RunSummary {
  return {
    total: 2,
    passed: 1,
    failed: 1,
    errors: 0,
    cost: 0.00025,
    tokens: 60,
    durationMs: 1234,
    cells: [
      {
        prompt: 'summarize',
        provider: 'openai:gpt-4o-mini',
        n: 2,
        passed: 1,
        errors: 0,
        passRate: 0.5,
        ci95: [0.09, 0.91],
        meanScore: 0.5,
        scoreCi95: [0, 1],
        cost: 0.00025,
        costPerCase: 0.000125,
        costPerPass: 0.00025,
        tokens: 60,
        meanLatencyMs: 101.5,
      },
    ],
    metrics: [{ metric: 'format', prompt: 'summarize', provider: 'openai:gpt-4o-mini', n: 2, passed: 1, passRate: 0.5, ci95: [0.09, 0.91] }],
    thresholds: [{ cell: 'summarize × openai:gpt-4o-mini', threshold: 0.8, passRate: 0.5, ok: false }],
    gates: [],
    warnings: ['openai:gpt-4o-mini: topK is not supported'],
  };
}
