import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, type CaseResult } from '@assay/spec';
import { openSqliteStore, type Store } from '@assay/store';
import { compareRuns } from './compare-runs.ts';
import { resolveRunSource, type RunSource } from './run-source.ts';
import { caseResult, runSource } from './testing/run-sources.ts';

/** `n` cases; `basePass(i)` / `candPass(i)` decide each case's outcome. */
function pairedRuns(n: number, basePass: (i: number) => boolean, candPass: (i: number) => boolean, candidatePrompt = 'v1') {
  const ids = Array.from({ length: n }, (_, i) => `case-${i}`);
  return {
    baseline: runSource('A', ids.map((caseId, i) => ({ caseId, pass: basePass(i) }))),
    candidate: runSource('B', ids.map((caseId, i) => ({ caseId, pass: candPass(i), promptId: candidatePrompt }))),
  };
}

describe('compareRuns', () => {
  it('tests paired pass/fail with exact McNemar and lists flipped cases both ways', async () => {
    // Baseline passes cases 0–23, candidate 0–33: ten discordant cases, all fail → pass.
    const { baseline, candidate } = pairedRuns(40, (i) => i < 24, (i) => i < 34);
    const comparison = await compareRuns(baseline, candidate);
    const [row] = comparison.cells;
    expect(comparison.cells).toHaveLength(1);
    expect(row).toMatchObject({ metric: 'pass', kind: 'rate', test: 'mcnemar-exact', paired: 40, verdict: 'better' });
    expect(row!.difference).toBeCloseTo(0.25, 12);
    // Exact McNemar with 0 vs 10 discordant: 2 · 0.5^10 (independent arithmetic).
    expect(row!.pValue).toBeCloseTo(2 * 0.5 ** 10, 12);
    expect(row!.adjustedPValue).toBeCloseTo(2 * 0.5 ** 10, 12);
    expect(row!.ci95![0]).toBeGreaterThan(0);
    expect(row!.ci95![1]).toBeLessThan(0.5);
    expect(row!.flippedToPass).toEqual(['case-24', 'case-25', 'case-26', 'case-27', 'case-28', 'case-29', 'case-30', 'case-31', 'case-32', 'case-33']);
    expect(row!.flippedToFail).toEqual([]);
    expect(row!.baseline).toMatchObject({ n: 40, estimate: 0.6 });
    expect(row!.candidate).toMatchObject({ n: 40, estimate: 0.85 });
    expect(row!.minimumDetectableEffect).toBeNull();
  });

  it('says "no detectable difference" with the smallest detectable effect when the sample cannot tell', async () => {
    // Two flips each way: no evidence either way.
    const { baseline, candidate } = pairedRuns(30, (i) => i < 20, (i) => (i < 18 || i === 25 || i === 26));
    const [row] = (await compareRuns(baseline, candidate)).cells;
    expect(row!.verdict).toBe('no detectable difference');
    expect(row!.pValue).toBe(1);
    expect(row!.minimumDetectableEffect).toBeGreaterThan(0.05);
    expect(row!.minimumDetectableEffect).toBeLessThan(1);
    expect(row!.flippedToFail).toEqual(['case-18', 'case-19']);
    expect(row!.flippedToPass).toEqual(['case-25', 'case-26']);
  });

  it('finds a regression as worse', async () => {
    const { baseline, candidate } = pairedRuns(60, () => true, (i) => i >= 15);
    const [row] = (await compareRuns(baseline, candidate)).cells;
    expect(row!.verdict).toBe('worse');
    expect(row!.difference).toBeCloseTo(-0.25, 12);
  });

  it('matches cells across a prompt change by provider, and adds metric and score rows with Holm adjustment', async () => {
    const metric = (pass: boolean) => [{ type: 'contains', pass, score: pass ? 1 : 0, reason: '', weight: 1, required: false, metric: 'tone' }];
    const ids = Array.from({ length: 50 }, (_, i) => `c${i}`);
    const baseline = runSource('A', ids.map((caseId, i) => ({ caseId, pass: i < 25, score: i < 25 ? 0.9 : 0.3, assertions: metric(i < 40) })));
    const candidate = runSource('B', ids.map((caseId, i) => ({ caseId, pass: i < 45, promptId: 'v2', score: i < 45 ? 0.8 : 0.4, assertions: metric(i < 40) })));
    const comparison = await compareRuns(baseline, candidate);
    expect(comparison.cells.map((row) => [row.cell, row.baselineCell, row.metric])).toEqual([
      ['v2 × echo', 'v1 × echo', 'pass'],
      ['v2 × echo', 'v1 × echo', 'score'],
      ['v2 × echo', 'v1 × echo', 'tone'],
    ]);
    const [pass, score, tone] = comparison.cells;
    expect(pass!.verdict).toBe('better');
    expect(score!.test).toBe('paired-bootstrap');
    expect(score!.difference).toBeCloseTo((20 * 0.5 - 25 * 0.1 + 5 * 0.1) / 50, 10);
    expect(tone!.pValue).toBe(1);
    expect(tone!.verdict).toBe('no detectable difference');
    // Holm: adjusted p-values are never below the raw ones, and the smallest is multiplied by the row count.
    for (const row of comparison.cells) expect(row.adjustedPValue!).toBeGreaterThanOrEqual(row.pValue!);
    const smallest = Math.min(...comparison.cells.map((row) => row.pValue!));
    expect(Math.min(...comparison.cells.map((row) => row.adjustedPValue!))).toBeCloseTo(Math.min(1, smallest * 3), 12);
  });

  it('compares repeated cases by their pass fractions with a paired bootstrap', async () => {
    const rows = (id: string, passes: (i: number, r: number) => boolean) =>
      Array.from({ length: 40 }, (_, i) => [0, 1, 2].map((repeat) => ({ caseId: `c${i}`, repeat, pass: passes(i, repeat) }))).flat();
    const baseline = runSource('A', rows('A', (i, r) => i < 20 || (i < 30 && r === 0)));
    const candidate = runSource('B', rows('B', (i) => i < 36));
    const [row] = (await compareRuns(baseline, candidate)).cells;
    expect(row!.test).toBe('paired-bootstrap');
    expect(row!.paired).toBe(40);
    expect(row!.baseline.n).toBe(120);
    // Per-case fractions: baseline 20·1 + 10·(1/3), candidate 36 → (36 − 23.33) / 40.
    expect(row!.difference).toBeCloseTo((36 - 20 - 10 / 3) / 40, 10);
    expect(row!.verdict).toBe('better');
    // c20–c29 passed 1 of 3 before and 3 of 3 now: crossed one half.
    expect(row!.flippedToPass).toEqual(Array.from({ length: 16 }, (_, i) => `c${i + 20}`));
  });

  it('falls back to an unpaired test, with a warning, when no case is in both runs', async () => {
    const baseline = runSource('A', Array.from({ length: 50 }, (_, i) => ({ caseId: `a${i}`, pass: i < 20 })));
    const candidate = runSource('B', Array.from({ length: 50 }, (_, i) => ({ caseId: `b${i}`, pass: i < 40 })));
    const comparison = await compareRuns(baseline, candidate);
    const [row] = comparison.cells;
    expect(row).toMatchObject({ test: 'newcombe-unpaired', paired: 0, verdict: 'better' });
    expect(row!.difference).toBeCloseTo(0.4, 12);
    expect(comparison.warnings.join('\n')).toMatch(/no case is in both runs/);
  });

  it('compares unpaired runs with repeats by a cluster bootstrap over cases, not tries as if independent (issue 10)', async () => {
    // 30 cases × 4 repeats per run, each case passing all its repeats or none: 120 tries carry the information of 30 cases.
    const rows = (prefix: string, passing: number) =>
      Array.from({ length: 30 }, (_, i) => [0, 1, 2, 3].map((repeat) => ({ caseId: `${prefix}${i}`, repeat, pass: i < passing }))).flat();
    const comparison = await compareRuns(runSource('A', rows('a', 12)), runSource('B', rows('b', 18)));
    const [row] = comparison.cells;
    expect(row).toMatchObject({ test: 'bootstrap-unpaired', paired: 0 });
    expect(row!.difference).toBeCloseTo(0.2, 12);
    // The same difference between 30 independent cases per run (Newcombe) is the width to expect;
    // over 120 tries as if independent the interval was about half as wide.
    const cases = (await compareRuns(runSource('A', rows('a', 12).filter((r) => r.repeat === 0)), runSource('B', rows('b', 18).filter((r) => r.repeat === 0)))).cells[0]!;
    expect(cases.test).toBe('newcombe-unpaired');
    const width = (range: [number, number] | null) => range![1] - range![0];
    expect(width(row!.ci95)).toBeGreaterThan(0.85 * width(cases.ci95));
    expect(width(row!.ci95)).toBeLessThan(1.15 * width(cases.ci95));
    expect(row!.pValue).toBeGreaterThan(0.05);
    expect(row!.verdict).toBe('no detectable difference');
    // The smallest detectable effect is sized on the 30 cases the 120 tries are worth.
    expect(row!.minimumDetectableEffect).toBeCloseTo(cases.minimumDetectableEffect!, 12);
  });

  it('never reports NaN, even for a comparison of identical runs', async () => {
    const { baseline, candidate } = pairedRuns(10, () => true, () => true);
    const comparison = await compareRuns(baseline, candidate);
    expect(JSON.stringify(comparison)).not.toMatch(/NaN|null,"ci95":\[null/);
    expect(comparison.cells[0]).toMatchObject({ difference: 0, pValue: 1, verdict: 'no detectable difference' });
  });

  it('refuses runs whose cells cannot be paired, naming them', async () => {
    const twoCells = (id: string, prompts: string[]) =>
      runSource(id, prompts.flatMap((promptId) => [{ caseId: 'x', pass: true, promptId, providerId: `${id}-model` }]));
    const error = await compareRuns(twoCells('A', ['p', 'q']), twoCells('B', ['r', 's'])).catch((caught) => caught);
    expect(ConfigError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/no prompt × provider cells in common/);
    expect(error.hint).toMatch(/p × A-model/);
  });

  it('compares runs stored in a malformed shape as far as it can, with warnings, without throwing (issue 16)', async () => {
    const ids = Array.from({ length: 20 }, (_, i) => `case-${i}`);
    const metric = (pass: boolean) => [{ type: 'equals', pass, score: pass ? 1 : 0, reason: '', weight: 1, required: false, metric: 'format' }];
    const baseline = runSource('A', ids.map((caseId, i) => ({ caseId, pass: i < 10, assertions: metric(i < 10) })));
    const malformed = ids.map((caseId, i) => {
      const shapes: unknown[] = [{ not: 'a list' }, 42, null, [null, 7, { metric: 'format', pass: true }], 'text'];
      return { ...caseResult('B', i, { caseId, pass: true }), key: `k${i}`, assertions: shapes[i % shapes.length], output: i % 2 ? ['an', 'array'] : 3 };
    });
    const unreadable = [{ runId: 'B', key: 'x', pass: true }, null];
    const candidate: RunSource = {
      info: { id: 'B', source: 'store' },
      async *results() {
        yield* [...malformed, ...unreadable] as unknown as CaseResult[];
      },
    };
    const comparison = await compareRuns(baseline, candidate);
    const pass = comparison.cells.find((row) => row.metric === 'pass');
    expect(pass).toMatchObject({ paired: 20, verdict: 'better' });
    expect(pass!.flippedToPass).toHaveLength(10);
    // Only the one readable `format` assertion of every fifth case counts for the metric.
    expect(comparison.cells.find((row) => row.metric === 'format')?.candidate.n).toBe(4);
    expect(comparison.warnings).toEqual([
      'Run B: 2 stored result(s) have no prompt, provider or case id and were left out',
      'Run B: 16 stored result(s) have no readable list of assertions; their metrics are not compared',
    ]);
  });

  it('refuses an empty run', async () => {
    await expect(compareRuns(runSource('A', []), runSource('B', [{ caseId: 'x', pass: true }]))).rejects.toThrow(/has no results/);
  });
});

describe('resolveRunSource', () => {
  let directory: string;
  let store: Store;
  beforeEach(() => {
    directory = mkdtempSync(path.join(tmpdir(), 'assay-compare-'));
    store = openSqliteStore({ directory: path.join(directory, '.assay') });
  });
  afterEach(async () => {
    await store.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('finds a run by id, by label (newest completed), and a results file', async () => {
    await store.createRun({ id: 'r1', createdAt: '2026-01-01T00:00:00Z', status: 'completed', configPath: 'x', planHash: 'h', total: 1, options: {}, label: 'main' });
    await store.createRun({ id: 'r2', createdAt: '2026-01-02T00:00:00Z', status: 'completed', configPath: 'x', planHash: 'h', total: 1, options: {}, label: 'main' });
    await store.createRun({ id: 'r3', createdAt: '2026-01-03T00:00:00Z', status: 'interrupted', configPath: 'x', planHash: 'h', total: 1, options: {}, label: 'main' });
    expect((await resolveRunSource('r1', store, directory)).info.id).toBe('r1');
    expect((await resolveRunSource('main', store, directory)).info).toMatchObject({ id: 'r2', label: 'main' });
    writeFileSync(path.join(directory, 'results.json'), JSON.stringify({ runId: 'f1', results: [caseResult('f1', 0)] }));
    const file = await resolveRunSource('results.json', store, directory);
    expect(file.info.id).toBe('f1');
    const results = [];
    for await (const result of file.results()) results.push(result);
    expect(results).toHaveLength(1);
  });

  it('takes latest as the newest completed run and latest~N as the Nth before it (issue 11)', async () => {
    const run = (id: string, day: number, status: 'completed' | 'interrupted') =>
      store.createRun({ id, createdAt: `2026-01-0${day}T00:00:00Z`, status, configPath: 'x', planHash: 'h', total: 1, options: {} });
    await run('r1', 1, 'completed');
    await run('r2', 2, 'completed');
    await run('r3', 3, 'interrupted');
    expect((await resolveRunSource('latest', store, directory)).info.id).toBe('r2');
    expect((await resolveRunSource('latest~1', store, directory)).info.id).toBe('r1');
    const error = await resolveRunSource('latest~2', store, directory).then(
      () => undefined,
      (caught: unknown) => caught as ConfigError,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.message).toBe('No completed run "latest~2"');
    expect(error!.hint).toMatch(/2 completed run\(s\): latest is the newest, latest~1 the oldest/);
  });

  it('names what it tried when nothing matches', async () => {
    await store.createRun({ id: 'r1', createdAt: '2026-01-01T00:00:00Z', status: 'completed', configPath: 'x', planHash: 'h', total: 1, options: {}, label: 'main' });
    const error = await resolveRunSource('release-7', store, directory).catch((caught) => caught);
    expect(error.message).toBe('No run, run label or results file named "release-7"');
    expect(error.hint).toMatch(/Recent runs: r1; labels: main/);
  });

  it('rejects a results file that is not one, with the line', async () => {
    writeFileSync(path.join(directory, 'bad.jsonl'), '{"type":"run","runId":"x"}\n{"type":"result","caseId":"a"}\n');
    const error = await resolveRunSource('bad.jsonl', store, directory).catch((caught) => caught);
    expect(error.message).toMatch(/not an Assay results file: has no "promptId"/);
    expect(error.line).toBe(2);
    writeFileSync(path.join(directory, 'bad.json'), '{"results": 3}');
    await expect(resolveRunSource('bad.json', store, directory)).rejects.toThrow(/no "results" array/);
    await expect(resolveRunSource('missing.json', store, directory)).rejects.toThrow(/No results file missing.json/);
  });
});
