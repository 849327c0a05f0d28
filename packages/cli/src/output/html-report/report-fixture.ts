import type { AssertionResult, CaseResult, CellComparison, MetricSummary, RunComparison, RunRecord, RunSummary, SummaryCell } from '@assay/spec';
import type { OutputRun } from '../output-run.ts';

/**
 * Test data for the HTML report: a support-bot eval with two priced cells, an unpriced echo cell
 * and a cell without cases, three repeats per case, a judge-graded metric, gates, and a
 * comparison against a baseline with cases flipped both ways. Deterministic (seeded).
 */
export interface ReportFixtureOptions {
  /** Cases per cell (each repeated `repeats` times). Default 40. */
  cases?: number;
  repeats?: number;
  /** Leave out the comparison. */
  comparison?: boolean;
}

/** An output that would break a page that pasted it into HTML or a script unescaped. */
export const hostileOutput = '</script><img src=x onerror="window.__assayInjected=1"><script>window.__assayInjected=2</script> & <!-- done';

const questions = [
  'How do I reset my password?',
  'Can I get a refund after 30 days?',
  'My invoice shows the wrong VAT number.',
  'How do I export my data as CSV?',
  'Is there a student discount?',
  'The mobile app crashes when I upload a photo.',
  'How do I add a second admin to my team?',
  'Can I pause my subscription for two months?',
];

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

function wilson(passed: number, n: number): [number, number] | null {
  if (n === 0) return null;
  const z = 1.959964;
  const p = passed / n;
  const denominator = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / denominator;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/** A gate on the lower bound of a cell's pass-rate interval, as the runner words it. */
function minPassRateGate(cell: SummaryCell, limit: number) {
  const low = cell.ci95?.[0] ?? null;
  const ok = low !== null && low >= limit;
  const value = low === null ? null : Number(low.toFixed(3));
  return {
    gate: 'minPassRate',
    cell: `${cell.prompt} × ${cell.provider}`,
    ok,
    detail: `lower bound of the 95% interval ${value} ${ok ? '≥' : '<'} ${limit}`,
    value,
    limit,
  };
}

/** A comparison row for a rate, consistent with the candidate's estimate: `shift` is its true difference. */
function rateRow(cell: SummaryCell, baselineCell: string, baselineRate: number, halfWidth: number) {
  const candidate = cell.passRate ?? 0;
  const difference = candidate - baselineRate;
  const ci95: [number, number] = [difference - halfWidth, difference + halfWidth];
  const verdict = ci95[0] > 0 ? ('better' as const) : ci95[1] < 0 ? ('worse' as const) : ('no detectable difference' as const);
  return {
    cell: `${cell.prompt} × ${cell.provider}`,
    baselineCell,
    metric: 'pass',
    kind: 'rate' as const,
    baseline: { n: cell.n, estimate: baselineRate, ci95: wilson(Math.round(baselineRate * cell.n), cell.n) },
    candidate: { n: cell.n, estimate: cell.passRate, ci95: cell.ci95 },
    paired: cell.n,
    difference,
    ci95,
    test: 'mcnemar-exact' as const,
    pValue: verdict === 'no detectable difference' ? 0.41 : 0.0004,
    adjustedPValue: verdict === 'no detectable difference' ? 0.82 : 0.0016,
    verdict,
    minimumDetectableEffect: verdict === 'no detectable difference' ? 0.071 : null,
  };
}

interface CellPlan {
  prompt: string;
  provider: string;
  /** Chance a case passes. */
  quality: number;
  /** USD per call; null for a model without a price. */
  price: number | null;
  latency: number;
  cases: number;
}

export function reportFixture(options: ReportFixtureOptions = {}): OutputRun & { all: CaseResult[] } {
  const caseCount = options.cases ?? 40;
  const repeats = options.repeats ?? 3;
  const plans: CellPlan[] = [
    { prompt: 'support-v2', provider: 'openai:gpt-4o-mini', quality: 0.8, price: 0.00041, latency: 640, cases: caseCount },
    { prompt: 'support-v2', provider: 'anthropic:claude-haiku-4-5', quality: 1.02, price: 0.0021, latency: 910, cases: caseCount },
    { prompt: 'support-v2', provider: 'echo', quality: 0.3, price: null, latency: 2, cases: caseCount },
    { prompt: 'support-v2', provider: 'ollama:llama3.2', quality: 0.7, price: null, latency: 1500, cases: 0 },
  ];
  const next = random(42);
  const all: CaseResult[] = [];
  let key = 0;
  for (let caseIndex = 0; caseIndex < caseCount; caseIndex += 1) {
    const caseId = `ticket-${String(caseIndex + 1).padStart(3, '0')}`;
    const question = questions[caseIndex % questions.length]!;
    // Each case has its own difficulty, so repeats of one case agree more often than not.
    const difficulty = next() - 0.5;
    for (const plan of plans) {
      if (caseIndex >= plan.cases) continue;
      for (let repeat = 0; repeat < repeats; repeat += 1) {
        const errored = plan.provider === 'openai:gpt-4o-mini' && caseIndex === 7 && repeat === 1;
        const helpful = next() < plan.quality - difficulty * 0.4;
        const polite = next() < 0.97;
        let output =
          plan.provider === 'echo'
            ? question
            : `Thanks for reaching out! ${helpful ? 'Here is how to do it: open Settings → Account, choose "Security", and follow the steps.' : 'I am not sure, please contact support.'}`;
        if (caseIndex === 2 && plan.provider === 'openai:gpt-4o-mini') output = hostileOutput;
        if (caseIndex === 3 && plan.provider === 'anthropic:claude-haiku-4-5' && repeat === 0) output = `A long answer. ${'All work and no play makes Jack a dull boy. '.repeat(400)}`;
        const judgeReasoning = helpful
          ? 'The answer addresses the question directly and gives concrete steps the customer can follow.'
          : 'The answer deflects to support without attempting to resolve the question; a customer would have to ask again.';
        const assertions: AssertionResult[] = errored
          ? []
          : [
              {
                type: 'icontains',
                pass: polite,
                score: polite ? 1 : 0,
                reason: polite ? 'Output contains "thanks"' : 'Expected output to contain "thanks"',
                weight: 1,
                required: false,
                metric: 'tone',
              },
              {
                type: 'llm-rubric',
                pass: helpful,
                score: helpful ? 0.9 : 0.2,
                reason: helpful ? 'Rubric satisfied: resolves the customer question' : 'Rubric not satisfied: does not resolve the customer question',
                weight: 2,
                required: true,
                metric: 'helpfulness',
                judge: { provider: 'openai:gpt-4o', prompt: 'Grade the answer…', raw: `{"pass": ${helpful}}`, reasoning: judgeReasoning },
              },
            ];
        const pass = !errored && assertions.every((assertion) => assertion.pass);
        all.push({
          runId: 'run_20250612-report',
          key: `key-${key++}`,
          promptId: plan.prompt,
          providerId: plan.provider,
          caseId,
          caseIndex,
          repeat,
          vars: { question, customer_tier: caseIndex % 3 === 0 ? 'enterprise' : 'free', history: [{ role: 'user', content: 'Hi' }] },
          messages: [
            { role: 'system', content: 'You are a support agent for Acme. Be polite, concise and resolve the question.' },
            { role: 'user', content: question },
          ],
          output: errored ? '' : output,
          toolCalls: caseIndex === 5 ? [{ toolName: 'lookup_order', input: { orderId: 'A-1042' } }] : [],
          error: errored ? 'openai HTTP 429: Rate limit reached (gave up after 5 attempts)' : undefined,
          pass,
          score: errored ? 0 : assertions.reduce((sum, assertion) => sum + assertion.score * assertion.weight, 0) / 3,
          assertions,
          latencyMs: Math.round(plan.latency * (0.6 + next() * 0.8)),
          usage: { inputTokens: 64, outputTokens: 38, cachedInputTokens: repeat > 0 ? 32 : 0, reasoningTokens: 0, totalTokens: 102 },
          cost: plan.price,
          cached: false,
          finishedAt: '2025-06-12T09:14:03.512Z',
        });
      }
    }
  }

  const cells: SummaryCell[] = plans.map((plan) => {
    const results = all.filter((result) => result.promptId === plan.prompt && result.providerId === plan.provider);
    const n = results.length;
    const passed = results.filter((result) => result.pass).length;
    const cost = plan.price === null ? 0 : plan.price * n;
    const byCase = new Map<string, number>();
    for (const result of results) byCase.set(result.caseId, (byCase.get(result.caseId) ?? 0) + (result.pass ? 1 : 0));
    const flaky = [...byCase].filter(([, passes]) => passes > 0 && passes < repeats);
    const meanScore = n > 0 ? results.reduce((sum, result) => sum + result.score, 0) / n : null;
    return {
      prompt: plan.prompt,
      provider: plan.provider,
      n,
      passed,
      errors: results.filter((result) => result.error !== undefined).length,
      passRate: n > 0 ? passed / n : null,
      ci95: wilson(passed, n),
      meanScore,
      scoreCi95: meanScore === null ? null : [Math.max(0, meanScore - 0.04), Math.min(1, meanScore + 0.04)],
      repeats:
        repeats > 1 && n > 0
          ? {
              k: repeats,
              cases: byCase.size,
              passAtK: [...byCase.values()].filter((passes) => passes > 0).length / byCase.size,
              passAllK: [...byCase.values()].filter((passes) => passes === repeats).length / byCase.size,
              flakyCases: flaky.length,
              flakinessRate: flaky.length / byCase.size,
              flaky: flaky.map(([caseId, passes]) => ({ caseId, passed: passes, repeats })),
              icc: 0.41,
              designEffect: 1.82,
            }
          : undefined,
      cost,
      costPerCase: plan.price === null || n === 0 ? null : cost / n,
      costPerPass: plan.price === null || passed === 0 ? null : cost / passed,
      tokens: n * 102,
      meanLatencyMs: n > 0 ? results.reduce((sum, result) => sum + result.latencyMs, 0) / n : null,
    };
  });

  const metrics: MetricSummary[] = cells.flatMap((cell) =>
    ['tone', 'helpfulness'].map((metric) => {
      const graded = all
        .filter((result) => result.promptId === cell.prompt && result.providerId === cell.provider)
        .flatMap((result) => result.assertions.filter((assertion) => assertion.metric === metric));
      const passed = graded.filter((assertion) => assertion.pass).length;
      const entry: MetricSummary = {
        metric,
        prompt: cell.prompt,
        provider: cell.provider,
        n: graded.length,
        passed,
        passRate: graded.length > 0 ? passed / graded.length : null,
        ci95: wilson(passed, graded.length),
      };
      if (metric === 'helpfulness') {
        const calibrated = cell.provider !== 'openai:gpt-4o-mini';
        entry.judge = calibrated
          ? { file: 'judges/helpfulness.yaml', calibrated, sensitivity: 0.92, specificity: 0.85, correctedPassRate: graded.length > 0 ? Math.min(1, (passed / graded.length) * 0.97) : null, correctedCi95: graded.length > 0 ? [0.71, 0.95] : null }
          : { file: 'judges/helpfulness.yaml', calibrated: false };
      }
      return entry;
    }),
  );

  const total = all.length;
  const passed = all.filter((result) => result.pass).length;
  const summary: RunSummary = {
    total,
    passed,
    failed: total - passed,
    errors: all.filter((result) => result.error !== undefined).length,
    cost: cells.reduce((sum, cell) => sum + cell.cost, 0),
    tokens: total * 102,
    durationMs: 184_000,
    cells,
    metrics,
    thresholds: cells.map((cell) => ({
      cell: `${cell.prompt} × ${cell.provider}`,
      threshold: 0.8,
      passRate: cell.passRate,
      ok: cell.passRate !== null && cell.passRate >= 0.8,
    })),
    gates: [
      minPassRateGate(cells[1]!, 0.75),
      minPassRateGate(cells[0]!, 0.75),
      { gate: 'metric:helpfulness', cell: 'support-v2 × openai:gpt-4o-mini', ok: true, detail: 'helpfulness pass rate lower bound 0.78 ≥ 0.75', value: 0.78, limit: 0.75 },
      { gate: 'noSignificantRegression', ok: true, detail: 'no cell is significantly worse than baseline 20250605-base (Holm, α = 0.05)', value: null, limit: null },
    ],
    warnings: ['Provider "echo" has no price; its cost is unknown.'],
  };

  const record: RunRecord = {
    id: 'run_20250612-report',
    createdAt: '2025-06-12T09:11:00.000Z',
    status: 'completed',
    configPath: '/home/dev/acme-support/assay.yaml',
    planHash: 'hash',
    total,
    options: {},
    summary,
  };

  // As the runner lists them for repeated runs: case ids whose majority outcome flipped.
  const flipped = (provider: string, toFail: boolean) => {
    const passes = new Map<string, number>();
    for (const result of all) if (result.providerId === provider) passes.set(result.caseId, (passes.get(result.caseId) ?? 0) + (result.pass ? 1 : 0));
    return [...passes]
      .filter(([, passed]) => (passed / repeats >= 0.5) === !toFail)
      .map(([caseId]) => caseId)
      .filter((_, index) => index % (toFail ? 2 : 4) === 0);
  };
  const estimate = (n: number, value: number | null, ci: [number, number] | null) => ({ n, estimate: value, ci95: ci });
  const rows: CellComparison[] = [
    {
      ...rateRow(cells[0]!, 'support-v1 × openai:gpt-4o-mini', (cells[0]!.passRate ?? 0) + 0.02, 0.07),
      flippedToFail: flipped('openai:gpt-4o-mini', true),
      flippedToPass: flipped('openai:gpt-4o-mini', false),
    },
    {
      ...rateRow(cells[1]!, 'support-v2 × anthropic:claude-haiku-4-5', (cells[1]!.passRate ?? 0) - 0.11, 0.06),
      flippedToFail: flipped('anthropic:claude-haiku-4-5', true).slice(0, 2),
      flippedToPass: flipped('anthropic:claude-haiku-4-5', false),
    },
    {
      cell: 'support-v2 × anthropic:claude-haiku-4-5',
      baselineCell: 'support-v2 × anthropic:claude-haiku-4-5',
      metric: 'score',
      kind: 'score',
      baseline: estimate(cells[1]!.n, (cells[1]!.meanScore ?? 0) - 0.062, [(cells[1]!.meanScore ?? 0) - 0.092, (cells[1]!.meanScore ?? 0) - 0.032]),
      candidate: estimate(cells[1]!.n, cells[1]!.meanScore, cells[1]!.scoreCi95),
      paired: cells[1]!.n,
      difference: 0.062,
      ci95: [0.031, 0.093],
      test: 'paired-bootstrap',
      pValue: 0.001,
      adjustedPValue: 0.003,
      verdict: 'better',
      minimumDetectableEffect: null,
      flippedToFail: [],
      flippedToPass: [],
    },
    {
      cell: 'support-v2 × echo',
      baselineCell: 'support-v2 × echo',
      metric: 'tone',
      kind: 'rate',
      baseline: estimate(cells[2]!.n, 0.99, [0.95, 1]),
      candidate: estimate(cells[2]!.n, 0.9, [0.84, 0.94]),
      paired: cells[2]!.n,
      difference: -0.09,
      ci95: [-0.15, -0.04],
      test: 'mcnemar-exact',
      pValue: 0.002,
      adjustedPValue: 0.006,
      verdict: 'worse',
      minimumDetectableEffect: null,
      flippedToFail: ['ticket-004', 'ticket-009'],
      flippedToPass: [],
    },
    {
      cell: 'support-v2 × ollama:llama3.2',
      baselineCell: 'support-v2 × ollama:llama3.2',
      metric: 'pass',
      kind: 'rate',
      baseline: estimate(0, null, null),
      candidate: estimate(0, null, null),
      paired: 0,
      difference: null,
      ci95: null,
      test: 'newcombe-unpaired',
      pValue: null,
      adjustedPValue: null,
      verdict: 'no detectable difference',
      minimumDetectableEffect: null,
      flippedToFail: [],
      flippedToPass: [],
    },
  ];
  const comparison: RunComparison = {
    baseline: { id: '20250605-base', label: 'prod', source: 'store', createdAt: '2025-06-05T10:00:00.000Z' },
    candidate: { id: record.id, source: 'store', createdAt: record.createdAt },
    alpha: 0.05,
    correction: 'holm',
    cells: rows,
    warnings: [],
  };

  return {
    record,
    summary,
    comparison: options.comparison === false ? undefined : comparison,
    all,
    results: async function* () {
      yield* all;
    },
  };
}
