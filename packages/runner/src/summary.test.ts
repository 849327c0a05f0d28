import { describe, expect, it } from 'vitest';
import { GateSchema, type CaseResult } from '@assay/spec';
import { bootstrapMeanInterval, clusterBootstrapMeanInterval, clusteredProportionInterval, hashSeed, roganGladenInterval, seededRandom, wilsonInterval } from '@assay/core';
import { SummaryAccumulator, type SummaryOptions } from './summary.ts';

function result(overrides: Partial<CaseResult> & { caseId: string; pass: boolean }): CaseResult {
  return {
    runId: 'r',
    key: `${overrides.caseId}#${overrides.repeat ?? 0}`,
    promptId: 'v1',
    providerId: 'echo',
    caseIndex: 0,
    repeat: 0,
    vars: {},
    messages: [],
    output: '',
    toolCalls: [],
    score: overrides.pass ? 1 : 0,
    assertions: [],
    latencyMs: 10,
    usage: { inputTokens: 1, outputTokens: 1, cachedInputTokens: 0, reasoningTokens: 0, totalTokens: 2 },
    cost: 0.001,
    cached: false,
    finishedAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

const cellOrder = [{ prompt: 'v1', provider: 'echo' }];

describe('SummaryAccumulator', () => {
  it('counts the results answered from the cache or a cassette (issue 10)', () => {
    const accumulator = new SummaryAccumulator(cellOrder);
    accumulator.add(result({ caseId: 'a', pass: true, cached: true }));
    accumulator.add(result({ caseId: 'b', pass: true }));
    accumulator.add(result({ caseId: 'c', pass: false, cached: true }));
    expect(accumulator.summarize({ durationMs: 1, warnings: [] })).toMatchObject({ total: 3, cached: 2 });
  });

  it('gives each cell its Wilson interval, mean score and bootstrap interval', () => {
    const accumulator = new SummaryAccumulator(cellOrder);
    for (let i = 0; i < 40; i++) accumulator.add(result({ caseId: `c${i}`, pass: i < 36, score: i < 36 ? 0.9 : 0.2 }));
    const { cells } = accumulator.summarize({ durationMs: 1, warnings: [] });
    expect(cells[0]).toMatchObject({ n: 40, passed: 36, passRate: 0.9 });
    const [wilsonLow, wilsonHigh] = wilsonInterval(36, 40)!;
    expect(cells[0]!.ci95![0]).toBeCloseTo(wilsonLow, 12);
    expect(cells[0]!.ci95![1]).toBeCloseTo(wilsonHigh, 12);
    expect(cells[0]!.meanScore).toBeCloseTo((36 * 0.9 + 4 * 0.2) / 40, 12);
    const [low, high] = cells[0]!.scoreCi95!;
    expect(low).toBeLessThan(cells[0]!.meanScore!);
    expect(high).toBeGreaterThan(cells[0]!.meanScore!);
    expect(cells[0]!.repeats).toBeUndefined();
  });

  it('reports pass@k, pass^k, flaky cases and widens the interval when repeats agree with each other', () => {
    const accumulator = new SummaryAccumulator(cellOrder, { repeat: 3 });
    // 30 cases: 20 always pass, 6 always fail, 4 pass once in 3.
    for (let i = 0; i < 30; i++) {
      for (let repeat = 0; repeat < 3; repeat++) {
        const pass = i < 20 || (i >= 26 && repeat === 0);
        accumulator.add(result({ caseId: `c${i}`, repeat, pass }));
      }
    }
    const [cell] = accumulator.summarize({ durationMs: 1, warnings: [] }).cells;
    expect(cell!.n).toBe(90);
    expect(cell!.repeats).toMatchObject({ k: 3, cases: 30, flakyCases: 4 });
    expect(cell!.repeats!.passAtK).toBeCloseTo(24 / 30, 12);
    expect(cell!.repeats!.passAllK).toBeCloseTo(20 / 30, 12);
    expect(cell!.repeats!.flakinessRate).toBeCloseTo(4 / 30, 12);
    expect(cell!.repeats!.flaky.map((entry) => entry.caseId)).toEqual(['c26', 'c27', 'c28', 'c29']);
    expect(cell!.repeats!.icc).toBeGreaterThan(0.5);
    // Repeats that mostly agree carry less information than 90 independent cases.
    const naive = wilsonInterval(cell!.passed, cell!.n)!;
    expect(cell!.ci95![1] - cell!.ci95![0]).toBeGreaterThan(naive[1] - naive[0]);
  });

  it('summarises an empty cell without NaN', () => {
    const summary = new SummaryAccumulator(cellOrder).summarize({ durationMs: 0, threshold: 0.8, gate: GateSchema.parse({ minPassRate: 0.5 }), warnings: [] });
    expect(summary.cells[0]).toMatchObject({ n: 0, passRate: null, ci95: null, meanScore: null, scoreCi95: null });
    expect(JSON.stringify(summary)).not.toMatch(/NaN/);
    expect(summary.gates[0]).toMatchObject({ gate: 'minPassRate', ok: false });
    expect(summary.gates[0]!.detail).toMatch(/no cases ran/);
  });

  it('corrects a calibrated judge metric for the judge error and leaves an uncalibrated one flagged', () => {
    const judged = (pass: boolean, metric: string) => [{ type: 'judge', pass, score: pass ? 1 : 0, reason: '', weight: 1, required: false, metric }];
    const accumulator = new SummaryAccumulator(cellOrder, {
      judges: {
        helpful: { file: 'judges/helpful.yaml', calibration: { sensitivity: 0.9, specificity: 0.8, positives: 100, negatives: 100, labelsFile: 'l.jsonl', createdAt: 'x' } },
        polite: { file: 'judges/polite.yaml' },
      },
    });
    for (let i = 0; i < 100; i++) accumulator.add(result({ caseId: `c${i}`, pass: true, assertions: [...judged(i < 62, 'helpful'), ...judged(true, 'polite')] }));
    const { metrics } = accumulator.summarize({ durationMs: 1, warnings: [] });
    const helpful = metrics.find((metric) => metric.metric === 'helpful')!;
    // Rogan–Gladen: (0.62 + 0.8 − 1) / (0.9 + 0.8 − 1) = 0.6 (arithmetic).
    expect(helpful.judge).toMatchObject({ calibrated: true, sensitivity: 0.9, specificity: 0.8 });
    expect(helpful.judge!.correctedPassRate).toBeCloseTo(0.6, 10);
    const [low, high] = helpful.judge!.correctedCi95!;
    expect(low).toBeLessThan(0.6);
    expect(high).toBeGreaterThan(0.6);
    expect(metrics.find((metric) => metric.metric === 'polite')!.judge).toEqual({ file: 'judges/polite.yaml', calibrated: false });
  });
});

describe('SummaryAccumulator with repeats: metric and score intervals cluster by case like the pass rate (issue 10)', () => {
  const judged = (pass: boolean, metric: string) => [{ type: 'judge', pass, score: pass ? 1 : 0, reason: '', weight: 1, required: false, metric }];

  /** 30 cases × 3 repeats; a case's repeats agree on the metric (so they are worth one case), and its score is graded. */
  function repeatedRun(options: Pick<SummaryOptions, 'judges'> = {}) {
    const accumulator = new SummaryAccumulator(cellOrder, { repeat: 3, ...options });
    for (let i = 0; i < 30; i++) {
      for (let repeat = 0; repeat < 3; repeat++) {
        const pass = i < 18;
        accumulator.add(result({ caseId: `c${i}`, repeat, pass, score: pass ? 0.9 - 0.1 * repeat : 0.2, assertions: judged(pass, 'helpful') }));
      }
    }
    return accumulator;
  }

  it('gives a metric the cluster-aware interval, not Wilson over the tries', () => {
    const { metrics, cells } = repeatedRun().summarize({ durationMs: 1, warnings: [] });
    const helpful = metrics.find((metric) => metric.metric === 'helpful')!;
    expect(helpful).toMatchObject({ n: 90, passed: 54 });
    const clusters = Array.from({ length: 30 }, (_, i) => ({ successes: i < 18 ? 3 : 0, trials: 3 }));
    expect(helpful.ci95).toEqual(clusteredProportionInterval(clusters).interval);
    // The same numbers as the cell's pass rate, whose tries are the same.
    expect(helpful.ci95).toEqual(cells[0]!.ci95);
    // Repeats that agree are worth one case each: the interval of 18 of 30 cases, wider than 54 of 90.
    expect(helpful.ci95![0]).toBeCloseTo(wilsonInterval(18, 30)![0], 12);
    expect(helpful.ci95![1] - helpful.ci95![0]).toBeGreaterThan(wilsonInterval(54, 90)![1] - wilsonInterval(54, 90)![0] + 0.05);
  });

  it('bootstraps the mean score over cases, resampling each case with its repeats', () => {
    const accumulator = repeatedRun();
    const [cell] = accumulator.summarize({ durationMs: 1, warnings: [] }).cells;
    const clusters = Array.from({ length: 30 }, (_, i) => ({ sum: i < 18 ? 0.9 + 0.8 + 0.7 : 0.6, count: 3 }));
    expect(cell!.scoreCi95).toEqual(clusterBootstrapMeanInterval(clusters));
    const tries = clusters.flatMap((cluster, i) => (i < 18 ? [0.9, 0.8, 0.7] : [0.2, 0.2, 0.2]));
    const overTries = bootstrapMeanInterval(tries)!;
    expect(cell!.scoreCi95![1] - cell!.scoreCi95![0]).toBeGreaterThan(1.3 * (overTries[1] - overTries[0]));
    // Gates on minScore read the same interval.
    expect(accumulator.intervalsAt(0.95).get('v1 × echo')!.score).toEqual(cell!.scoreCi95);
  });

  it('widens a calibrated judge metric by the design effect of its repeats', () => {
    const calibration = { sensitivity: 0.9, specificity: 0.8, positives: 100, negatives: 100 };
    const accumulator = repeatedRun({ judges: { helpful: { file: 'judges/helpful.yaml', calibration: { ...calibration, labelsFile: 'l.jsonl', createdAt: 'x' } } } });
    const helpful = accumulator.summarize({ durationMs: 1, warnings: [] }).metrics.find((metric) => metric.metric === 'helpful')!;
    // Repeats that agree: design effect 3, so the 90 tries count as the 30 cases.
    const asCases = roganGladenInterval({ observedPasses: 18, n: 30, ...calibration });
    expect(helpful.judge!.correctedCi95![0]).toBeCloseTo(asCases.interval![0], 12);
    expect(helpful.judge!.correctedCi95![1]).toBeCloseTo(asCases.interval![1], 12);
  });

  it('covers the true rate and mean score about 95% of the time (1,000 seeded runs of 40 cases × 5, intra-case correlation 1/3)', () => {
    // Each case passes its metric with its own q ~ U(0, 1) (true rate 1/2) and scores q + noise (true mean 1/2).
    const random = seededRandom(hashSeed('issue-10:summary-coverage'));
    const runs = 1000;
    let metricCovered = 0;
    let scoreCovered = 0;
    for (let run = 0; run < runs; run++) {
      const accumulator = new SummaryAccumulator(cellOrder, { repeat: 5 });
      for (let i = 0; i < 40; i++) {
        const q = random();
        for (let repeat = 0; repeat < 5; repeat++) {
          const pass = random() < q;
          accumulator.add(result({ caseId: `c${i}`, repeat, pass, score: q + (random() - 0.5) * 0.2, assertions: judged(pass, 'accuracy') }));
        }
      }
      const summary = accumulator.summarize({ durationMs: 1, warnings: [] });
      const [low, high] = summary.metrics[0]!.ci95!;
      if (low <= 0.5 && 0.5 <= high) metricCovered++;
      const [scoreLow, scoreHigh] = summary.cells[0]!.scoreCi95!;
      if (scoreLow <= 0.5 && 0.5 <= scoreHigh) scoreCovered++;
    }
    console.log(`with repeats: metric interval covers 1/2 in ${((metricCovered / runs) * 100).toFixed(1)}%, score interval in ${((scoreCovered / runs) * 100).toFixed(1)}% of ${runs} runs`);
    // Before the fix (Wilson and a bootstrap over the 200 tries as if independent) the same runs covered 79.6% and 62.1%.
    for (const covered of [metricCovered, scoreCovered]) {
      expect(covered / runs).toBeGreaterThanOrEqual(0.92);
      expect(covered / runs).toBeLessThanOrEqual(0.98);
    }
  });
});

describe('gates', () => {
  const run = (passes: number, n: number, gate: Record<string, unknown>) => {
    const accumulator = new SummaryAccumulator(cellOrder);
    for (let i = 0; i < n; i++) {
      accumulator.add(result({ caseId: `c${i}`, pass: i < passes, assertions: [{ type: 'contains', pass: i < passes, score: i < passes ? 1 : 0, reason: '', weight: 1, required: false, metric: 'refund' }] }));
    }
    return accumulator.summarize({ durationMs: 1, gate: GateSchema.parse(gate), warnings: [] }).gates;
  };

  it('gates on the lower bound by default, and on the estimate when told', () => {
    const [bound] = run(36, 40, { minPassRate: 0.85 });
    expect(bound).toMatchObject({ gate: 'minPassRate', cell: 'v1 × echo', ok: false, limit: 0.85 });
    expect(bound!.value).toBeCloseTo(wilsonInterval(36, 40)![0], 12);
    expect(bound!.detail).toMatch(/lower bound 76\.9% < 85\.0% \(estimate 90\.0%, n=40, 95% CI 76\.9%–96\.0%\)/);
    expect(run(36, 40, { minPassRate: 0.85, use: 'estimate' })[0]).toMatchObject({ ok: true, value: 0.9 });
    expect(run(400, 400, { minPassRate: 0.85 })[0]!.ok).toBe(true);
  });

  it('uses the gate confidence for the interval', () => {
    const at95 = run(36, 40, { minPassRate: 0.5 })[0]!.value!;
    const at99 = run(36, 40, { minPassRate: 0.5, confidence: 0.99 })[0]!.value!;
    expect(at99).toBeLessThan(at95);
  });

  it('gates a named metric, and names the metrics that exist when it is missing', () => {
    expect(run(30, 40, { metrics: { refund: 0.5 } })[0]).toMatchObject({ gate: 'metric:refund', ok: true });
    const [missing] = run(30, 40, { metrics: { refnd: 0.5 } });
    expect(missing).toMatchObject({ gate: 'metric:refnd', ok: false });
    expect(missing!.detail).toBe('no assertion has metric "refnd" (metrics in this run: refund)');
  });

  it('checks cost per case and says when flakiness cannot be measured', () => {
    const gates = run(40, 40, { maxCostPerCase: 0.0005, maxFlakinessRate: 0.1 });
    const cost = gates.find((gate) => gate.gate === 'maxCostPerCase')!;
    expect(cost.ok).toBe(false);
    expect(cost.value).toBeCloseTo(0.001, 12);
    expect(gates.find((gate) => gate.gate === 'maxFlakinessRate')!.detail).toMatch(/needs repeats/);
  });
});
