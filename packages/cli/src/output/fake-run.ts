import type { CaseResult, RunRecord, RunSummary, SummaryCell } from '@assay/spec';

/** Test data for the output tests: a deterministic run of prompts × providers × cases. */
export interface FakeRunOptions {
  prompts?: string[];
  providers?: string[];
  casesPerCell?: number;
  /** Output of every case, by index; default a short sentence. */
  output?: (index: number) => string;
}

export function fakeResult(overrides: Partial<CaseResult> = {}): CaseResult {
  return {
    runId: 'run_test',
    key: 'key-0',
    promptId: 'v1',
    providerId: 'openai:gpt-4o-mini',
    caseId: 'case-0',
    caseIndex: 0,
    repeat: 0,
    vars: { city: 'Paris' },
    messages: [{ role: 'user', content: 'What is the capital of France?' }],
    output: 'The capital of France is Paris.',
    toolCalls: [],
    pass: true,
    score: 1,
    assertions: [{ type: 'contains', pass: true, score: 1, reason: 'output contains "Paris"', weight: 1, required: false }],
    latencyMs: 420,
    usage: { inputTokens: 12, outputTokens: 8, cachedInputTokens: 0, reasoningTokens: 0, totalTokens: 20 },
    cost: 0.00042,
    cached: false,
    finishedAt: '2025-01-01T00:00:01.000Z',
    ...overrides,
  };
}

export function fakeRun(options: FakeRunOptions = {}) {
  const prompts = options.prompts ?? ['v1'];
  const providers = options.providers ?? ['openai:gpt-4o-mini', 'anthropic:claude-haiku', 'mock:echo'];
  const casesPerCell = options.casesPerCell ?? 50;

  // Case-major, like the runner: results of different cells interleave.
  const make = function* (): Generator<CaseResult> {
    let index = 0;
    for (let caseIndex = 0; caseIndex < casesPerCell; caseIndex += 1) {
      for (const promptId of prompts) {
        for (const providerId of providers) {
          const failed = caseIndex % 5 === 4;
          const errored = caseIndex % 25 === 24 && providerId === providers[0];
          yield fakeResult({
            key: `key-${index}`,
            promptId,
            providerId,
            caseId: `case-${caseIndex}`,
            caseIndex,
            output: options.output?.(index) ?? `Answer number ${index}.`,
            pass: !failed && !errored,
            score: failed || errored ? 0 : 1,
            error: errored ? 'HTTP 429: rate limited after 3 retries' : undefined,
            assertions: errored
              ? []
              : [
                  {
                    type: 'contains',
                    pass: !failed,
                    score: failed ? 0 : 1,
                    reason: failed ? 'expected output to contain "Paris"' : 'output contains "Paris"',
                    weight: 1,
                    required: false,
                  },
                ],
          });
          index += 1;
        }
      }
    }
  };

  const cells: SummaryCell[] = [];
  for (const prompt of prompts) {
    for (const provider of providers) {
      const all = [...make()].filter((result) => result.promptId === prompt && result.providerId === provider);
      const passed = all.filter((result) => result.pass).length;
      const cost = all.reduce((sum, result) => sum + (result.cost ?? 0), 0);
      cells.push({
        prompt,
        provider,
        n: all.length,
        passed,
        errors: all.filter((result) => result.error !== undefined).length,
        passRate: all.length > 0 ? passed / all.length : null,
        ci95: all.length > 0 ? [0.667, 0.885] : null,
        meanScore: all.length > 0 ? passed / all.length : null,
        scoreCi95: all.length > 0 ? [0.667, 0.885] : null,
        cost,
        costPerCase: all.length > 0 ? cost / all.length : null,
        costPerPass: passed > 0 ? cost / passed : null,
        tokens: all.length * 20,
        meanLatencyMs: 420,
      });
    }
  }
  const total = cells.reduce((sum, cell) => sum + cell.n, 0);
  const passed = cells.reduce((sum, cell) => sum + cell.passed, 0);
  const errors = cells.reduce((sum, cell) => sum + cell.errors, 0);
  const summary: RunSummary = {
    total,
    passed,
    failed: total - passed,
    errors,
    cost: cells.reduce((sum, cell) => sum + cell.cost, 0),
    tokens: total * 20,
    durationMs: 65_000,
    cells,
    metrics: [{ metric: 'format', prompt: cells[0]?.prompt ?? 'p', provider: cells[0]?.provider ?? 'm', n: 10, passed: 9, passRate: 0.9, ci95: [0.596, 0.982] }],
    thresholds: cells.map((cell) => ({
      cell: `${cell.prompt} × ${cell.provider}`,
      threshold: 0.8,
      passRate: cell.passRate,
      ok: (cell.passRate ?? 0) >= 0.8,
    })),
    gates: [],
    warnings: [],
  };
  const record: RunRecord = {
    id: 'run_test',
    createdAt: '2025-01-01T00:00:00.000Z',
    status: 'completed',
    configPath: '/tmp/assay.config.ts',
    planHash: 'hash',
    total,
    options: {},
    summary,
  };
  return {
    record,
    summary,
    results: async function* (): AsyncGenerator<CaseResult> {
      yield* make();
    },
  };
}
