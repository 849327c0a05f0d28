import { wilsonInterval } from '@assay/core';
import type { CaseResult, MetricSummary, RunSummary, SummaryCell } from '@assay/spec';

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
}

/** Folds results into per-cell counters as they arrive: memory grows with cells, not cases. */
export class SummaryAccumulator {
  private readonly cells = new Map<string, CellCounter>();
  private readonly metrics = new Map<string, { metric: string; prompt: string; provider: string; n: number; passed: number }>();
  total = 0;
  passed = 0;
  errors = 0;
  cost = 0;
  tokens = 0;

  constructor(cellOrder: { prompt: string; provider: string }[] = []) {
    for (const cell of cellOrder) this.cell(cell.prompt, cell.provider);
  }

  private cell(prompt: string, provider: string): CellCounter {
    const key = `${prompt}\u0000${provider}`;
    let cell = this.cells.get(key);
    if (!cell) {
      cell = { prompt, provider, n: 0, passed: 0, errors: 0, cost: 0, tokens: 0, latencySum: 0, latencyCount: 0, priced: 0 };
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
        metric = { metric: assertion.metric, prompt: result.promptId, provider: result.providerId, n: 0, passed: 0 };
        this.metrics.set(key, metric);
      }
      metric.n++;
      if (assertion.pass) metric.passed++;
    }
    if (!result.error && !result.cached) {
      cell.latencySum += result.latencyMs;
      cell.latencyCount++;
    }
  }

  summarize(options: { durationMs: number; threshold?: number; warnings: string[] }): RunSummary {
    const cells: SummaryCell[] = [...this.cells.values()].map((cell) => ({
      prompt: cell.prompt,
      provider: cell.provider,
      n: cell.n,
      passed: cell.passed,
      errors: cell.errors,
      passRate: cell.n ? cell.passed / cell.n : null,
      ci95: wilsonInterval(cell.passed, cell.n),
      cost: cell.cost,
      // No known price (echo, a local model without a `prices:` entry): say nothing rather than $0.
      costPerCase: cell.n && cell.priced ? cell.cost / cell.n : null,
      costPerPass: cell.passed && cell.priced ? cell.cost / cell.passed : null,
      tokens: cell.tokens,
      meanLatencyMs: cell.latencyCount ? cell.latencySum / cell.latencyCount : null,
    }));
    const metrics: MetricSummary[] = [...this.metrics.values()]
      .sort((a, b) => a.metric.localeCompare(b.metric))
      .map((metric) => ({ ...metric, passRate: metric.n ? metric.passed / metric.n : null, ci95: wilsonInterval(metric.passed, metric.n) }));
    const thresholds =
      options.threshold === undefined
        ? []
        : cells.map((cell) => ({
            cell: `${cell.prompt} × ${cell.provider}`,
            threshold: options.threshold!,
            passRate: cell.passRate,
            ok: cell.passRate !== null && cell.passRate >= options.threshold!,
          }));
    return {
      total: this.total,
      passed: this.passed,
      failed: this.total - this.passed,
      errors: this.errors,
      cost: this.cost,
      tokens: this.tokens,
      durationMs: options.durationMs,
      cells,
      metrics,
      thresholds,
      warnings: options.warnings,
    };
  }
}
