import {
  bootstrapMeanInterval,
  clusterBootstrapMeanInterval,
  clusteredProportionInterval,
  passAllK,
  passAtK,
  roganGladenInterval,
  wilsonInterval,
  zForConfidence,
} from '@assay/core';
import type { CaseResult, Gate, MetricSummary, RepeatSummary, RunSummary, SummaryCell } from '@assay/spec';
import type { JudgeInfo } from './config/resolved-suite.ts';
import { evaluateGates, type CellIntervals } from './gates.ts';

/** Score values of one cell, in a growable typed array (8 bytes a case, no object per case). */
class Scores {
  values = new Float64Array(64);
  length = 0;
  graded = false;

  push(value: number): void {
    if (this.length === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = value;
    if (value > 0 && value < 1) this.graded = true;
  }

  view(): Float64Array {
    return this.values.subarray(0, this.length);
  }
}

interface CellCounter {
  prompt: string;
  provider: string;
  n: number;
  passed: number;
  errors: number;
  cost: number;
  tokens: number;
  latencySum: number;
  latencyCount: number;
  /** Results whose model has a known price. */
  priced: number;
  scores: Scores;
  /** Per case id: passes, tries and the sum of their scores; kept only when cases repeat. */
  cases?: Map<string, CaseTally & { scoreSum: number }>;
}

/** One case's passes among its tries (of a cell, or of one metric in it). */
interface CaseTally {
  passed: number;
  trials: number;
}

interface MetricCounter {
  metric: string;
  prompt: string;
  provider: string;
  n: number;
  passed: number;
  /** Per case id, kept only when cases repeat: the repeats of a case are not independent tries. */
  cases?: Map<string, CaseTally>;
}

/** A pass rate's interval: cluster-aware by case when some case has more than one try, else Wilson. */
function rateInterval(passed: number, n: number, cases: Map<string, CaseTally> | undefined, confidence: number) {
  if (cases && [...cases.values()].some((entry) => entry.trials > 1)) {
    const clustered = clusteredProportionInterval([...cases.values()].map((entry) => ({ successes: entry.passed, trials: entry.trials })), confidence);
    return { interval: clustered.interval, icc: clustered.icc, designEffect: clustered.designEffect };
  }
  return { interval: wilsonInterval(passed, n, zForConfidence(confidence)), icc: null, designEffect: null };
}

/** Adds one try to a case's tally. */
function tally<Entry extends CaseTally>(cases: Map<string, Entry>, caseId: string, pass: boolean, create: () => Entry): Entry {
  let entry = cases.get(caseId);
  if (!entry) cases.set(caseId, (entry = create()));
  entry.trials++;
  if (pass) entry.passed++;
  return entry;
}

export interface SummaryOptions {
  /** Repeats per case; above 1 the accumulator tracks each case to measure flakiness. */
  repeat?: number;
  /** Judge-graded metrics, for calibration-corrected rates. */
  judges?: Record<string, JudgeInfo>;
}

/** Most flaky case ids listed in a summary. */
const flakyListLimit = 100;

/**
 * Folds results into per-cell counters as they arrive. Memory grows with cells plus 8 bytes a
 * case for scores (bootstrap intervals need them), and, when cases repeat, one small entry per case
 * in each cell and in each metric of it: the intervals then treat a case's repeats as one cluster.
 */
export class SummaryAccumulator {
  private readonly cells = new Map<string, CellCounter>();
  private readonly metrics = new Map<string, MetricCounter>();
  private readonly trackCases: boolean;
  private readonly judges: Record<string, JudgeInfo>;
  total = 0;
  passed = 0;
  errors = 0;
  /** Results answered from the response cache or a cassette. */
  cached = 0;
  cost = 0;
  tokens = 0;

  constructor(cellOrder: { prompt: string; provider: string }[] = [], options: SummaryOptions = {}) {
    this.trackCases = (options.repeat ?? 1) > 1;
    this.judges = options.judges ?? {};
    for (const cell of cellOrder) this.cell(cell.prompt, cell.provider);
  }

  private cell(prompt: string, provider: string): CellCounter {
    const key = `${prompt}\u0000${provider}`;
    let cell = this.cells.get(key);
    if (!cell) {
      cell = {
        prompt,
        provider,
        n: 0,
        passed: 0,
        errors: 0,
        cost: 0,
        tokens: 0,
        latencySum: 0,
        latencyCount: 0,
        priced: 0,
        scores: new Scores(),
        cases: this.trackCases ? new Map() : undefined,
      };
      this.cells.set(key, cell);
    }
    return cell;
  }

  add(result: CaseResult): void {
    const cell = this.cell(result.promptId, result.providerId);
    cell.n++;
    this.total++;
    if (result.pass) {
      cell.passed++;
      this.passed++;
    }
    if (result.error) {
      cell.errors++;
      this.errors++;
    }
    if (result.cached) this.cached++;
    const score = Number.isFinite(result.score) ? result.score : 0;
    cell.scores.push(score);
    if (cell.cases) tally(cell.cases, result.caseId, result.pass, () => ({ passed: 0, trials: 0, scoreSum: 0 })).scoreSum += score;
    const cost = result.cost ?? 0;
    if (result.cost !== null) cell.priced++;
    cell.cost += cost;
    this.cost += cost;
    cell.tokens += result.usage.totalTokens;
    this.tokens += result.usage.totalTokens;
    for (const assertion of result.assertions) {
      if (assertion.metric === undefined) continue;
      const key = `${assertion.metric}\u0000${result.promptId}\u0000${result.providerId}`;
      let metric = this.metrics.get(key);
      if (!metric) {
        metric = { metric: assertion.metric, prompt: result.promptId, provider: result.providerId, n: 0, passed: 0, cases: this.trackCases ? new Map() : undefined };
        this.metrics.set(key, metric);
      }
      metric.n++;
      if (assertion.pass) metric.passed++;
      if (metric.cases) tally(metric.cases, result.caseId, assertion.pass, () => ({ passed: 0, trials: 0 }));
    }
    if (!result.error && !result.cached) {
      cell.latencySum += result.latencyMs;
      cell.latencyCount++;
    }
  }

  /** The pass-rate and score intervals of every cell at a confidence level (for gates). */
  intervalsAt(confidence: number): Map<string, CellIntervals> {
    const intervals = new Map<string, CellIntervals>();
    for (const cell of this.cells.values()) {
      intervals.set(`${cell.prompt} × ${cell.provider}`, {
        rate: rateInterval(cell.passed, cell.n, cell.cases, confidence).interval,
        score: scoreInterval(cell, confidence),
      });
    }
    return intervals;
  }

  private repeats(cell: CellCounter, icc: number | null, designEffect: number | null): RepeatSummary | undefined {
    if (!cell.cases || cell.cases.size === 0) return undefined;
    let k = 0;
    let atK = 0;
    let allK = 0;
    const flaky: RepeatSummary['flaky'] = [];
    let flakyCases = 0;
    for (const entry of cell.cases.values()) k = Math.max(k, entry.trials);
    if (k < 2) return undefined;
    for (const [caseId, entry] of cell.cases) {
      // A case with fewer tries (an interrupted run) is judged on the tries it has.
      const tries = Math.min(k, entry.trials);
      atK += passAtK(entry.trials, entry.passed, tries);
      allK += passAllK(entry.trials, entry.passed, tries);
      if (entry.passed > 0 && entry.passed < entry.trials) {
        flakyCases++;
        if (flaky.length < flakyListLimit) flaky.push({ caseId, passed: entry.passed, repeats: entry.trials });
      }
    }
    const cases = cell.cases.size;
    return {
      k,
      cases,
      passAtK: atK / cases,
      passAllK: allK / cases,
      flakyCases,
      flakinessRate: flakyCases / cases,
      flaky,
      icc,
      designEffect,
    };
  }

  summarize(options: { durationMs: number; threshold?: number; gate?: Gate; warnings: string[] }): RunSummary {
    const cells: SummaryCell[] = [...this.cells.values()].map((cell) => {
      const rate = rateInterval(cell.passed, cell.n, cell.cases, 0.95);
      const summary: SummaryCell = {
        prompt: cell.prompt,
        provider: cell.provider,
        n: cell.n,
        passed: cell.passed,
        errors: cell.errors,
        passRate: cell.n ? cell.passed / cell.n : null,
        ci95: rate.interval,
        meanScore: cell.n ? mean(cell.scores.view()) : null,
        scoreCi95: scoreInterval(cell, 0.95),
        cost: cell.cost,
        // No known price (echo, a local model without a `prices:` entry): say nothing rather than $0.
        costPerCase: cell.n && cell.priced ? cell.cost / cell.n : null,
        costPerPass: cell.passed && cell.priced ? cell.cost / cell.passed : null,
        tokens: cell.tokens,
        meanLatencyMs: cell.latencyCount ? cell.latencySum / cell.latencyCount : null,
      };
      const repeats = this.repeats(cell, rate.icc, rate.designEffect);
      if (repeats) summary.repeats = repeats;
      return summary;
    });
    const metrics: MetricSummary[] = [...this.metrics.values()]
      .sort((a, b) => a.metric.localeCompare(b.metric))
      .map(({ cases, ...metric }) => {
        const rate = rateInterval(metric.passed, metric.n, cases, 0.95);
        const summary: MetricSummary = { ...metric, passRate: metric.n ? metric.passed / metric.n : null, ci95: rate.interval };
        const judge = this.judges[metric.metric];
        if (judge) {
          summary.judge = { file: judge.file, calibrated: judge.calibration !== undefined };
          if (judge.calibration) {
            const { sensitivity, specificity, positives, negatives } = judge.calibration;
            const designEffect = rate.designEffect ?? 1;
            const corrected = roganGladenInterval({ observedPasses: metric.passed, n: metric.n, sensitivity, specificity, positives, negatives, designEffect });
            Object.assign(summary.judge, { sensitivity, specificity, positives, negatives, correctedPassRate: corrected.estimate, correctedCi95: corrected.interval });
          }
        }
        return summary;
      });
    const thresholds =
      options.threshold === undefined
        ? []
        : cells.map((cell) => ({
            cell: `${cell.prompt} × ${cell.provider}`,
            threshold: options.threshold!,
            passRate: cell.passRate,
            ok: cell.passRate !== null && cell.passRate >= options.threshold!,
          }));
    const gates = options.gate ? evaluateGates(options.gate, { cells, metrics, intervals: this.intervalsAt(options.gate.confidence) }) : [];
    return {
      total: this.total,
      passed: this.passed,
      failed: this.total - this.passed,
      errors: this.errors,
      cached: this.cached,
      cost: this.cost,
      tokens: this.tokens,
      durationMs: options.durationMs,
      cells,
      metrics,
      thresholds,
      gates,
      warnings: options.warnings,
    };
  }
}

/**
 * The mean score's interval: a bootstrap over cases, resampling each case with all its repeats
 * (a cluster bootstrap) when some case has more than one try, else over the tries.
 */
function scoreInterval(cell: CellCounter, confidence: number): [number, number] | null {
  if (cell.cases && [...cell.cases.values()].some((entry) => entry.trials > 1)) {
    return clusterBootstrapMeanInterval([...cell.cases.values()].map((entry) => ({ sum: entry.scoreSum, count: entry.trials })), { confidence });
  }
  return bootstrapMeanInterval(cell.scores.view(), { confidence });
}

function mean(values: Float64Array): number {
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}
