import type { CaseResult } from '@assay/spec';
import type { RunSource } from '../run-source.ts';

/** A result as `assay eval` stores it: case `index` of prompt `v1` on `echo`, passing, with nothing else in it. */
export function caseResult(runId: string, index: number, overrides: Partial<CaseResult> = {}): CaseResult {
  return {
    runId,
    key: `k${index}`,
    promptId: 'v1',
    providerId: 'echo',
    caseId: `case-${index}`,
    caseIndex: index,
    repeat: 0,
    vars: {},
    messages: [],
    output: '',
    toolCalls: [],
    pass: true,
    score: 1,
    assertions: [],
    latencyMs: 1,
    usage: { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, reasoningTokens: 0, totalTokens: 0 },
    cost: null,
    cached: false,
    finishedAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

/** One result of a run: its case id and outcome, and any other field to change. */
export type RunRow = Partial<CaseResult> & { caseId: string; pass: boolean };

/** A stored run as `compareRuns` reads it, one result per row (score 1 or 0 with the outcome unless the row says). */
export function runSource(id: string, rows: RunRow[]): RunSource {
  const results = rows.map((row, index) =>
    caseResult(id, index, { score: row.pass ? 1 : 0, ...row, key: `${row.caseId}#${row.repeat ?? 0}#${row.promptId ?? 'v1'}` }),
  );
  return {
    info: { id, source: 'store' },
    async *results() {
      yield* results;
    },
  };
}
