import type { CaseResult, RunComparison, RunSummary, Verdict } from '@assay/spec';
import { cellLabel, truncate } from '../format.ts';

/**
 * Longest texts embedded per case. A report of 20,000 cases must still open in a browser; the
 * JSON and JSONL outputs keep every text whole, and the case view says when one was cut.
 */
export const reportTextLimits = {
  output: 8_000,
  message: 4_000,
  variable: 2_000,
  reason: 2_000,
  judgeReasoning: 4_000,
  error: 2_000,
  toolInput: 2_000,
} as const;

/** A cut text: `length` is the original length, present only when the text was cut. */
export interface ClippedText {
  text: string;
  length?: number;
}

export type CaseStatus = 'pass' | 'fail' | 'error';
export type CaseFlip = 'to-fail' | 'to-pass';

/** One result as the report's client script reads it. */
export interface ReportCase {
  /** Index into `ReportData.cells`. */
  cell: number;
  caseId: string;
  repeat: number;
  status: CaseStatus;
  score: number | null;
  /** Against the comparison's baseline: passed there and fails here, or the other way. */
  flip?: CaseFlip;
  error?: ClippedText;
  latencyMs: number;
  cost: number | null;
  tokens: { input: number; output: number; cached: number; reasoning: number; total: number };
  cached: boolean;
  finishedAt: string;
  vars: { name: string; value: ClippedText }[];
  messages: { role: string; content: ClippedText }[];
  output: ClippedText;
  toolCalls: { name: string; input: ClippedText }[];
  assertions: ReportAssertion[];
}

export interface ReportAssertion {
  type: string;
  pass: boolean;
  score: number | null;
  reason: ClippedText;
  weight: number;
  required: boolean;
  metric?: string;
  judge?: { provider: string; reasoning?: ClippedText; verdict?: ClippedText };
}

/** A prompt × provider cell as the charts and filters need it. */
export interface ReportCell {
  label: string;
  prompt: string;
  provider: string;
  n: number;
  passRate: number | null;
  ci95: [number, number] | null;
  costPerCase: number | null;
  costPerPass: number | null;
  /** Not dominated by a cell that is at most as expensive and at least as good (one strictly). */
  pareto: boolean;
  threshold: number | null;
  thresholdOk: boolean | null;
  /** Only in the results, not in the summary (a summary from an older run, for example). */
  unsummarised?: boolean;
}

export interface ReportComparisonRow {
  cell: string;
  metric: string;
  kind: 'rate' | 'score';
  difference: number | null;
  ci95: [number, number] | null;
  verdict: Verdict;
}

/** The run-level data the client script reads, written after the cases. */
export interface ReportData {
  runId: string;
  cells: ReportCell[];
  /** Against the baseline (`--baseline`, `assay compare`). */
  comparison: ReportComparisonRow[] | null;
  /** Two prompts of this run (`--compare-prompts`, `assay demo`). */
  promptComparison: ReportComparisonRow[] | null;
  caseCount: number;
  textLimits: typeof reportTextLimits;
}

/**
 * The summary with every list present. Runs stored before gates, metrics or warnings existed
 * come back from the store without them; the report shows them as empty, never crashes.
 */
export function normalizeSummary(summary: RunSummary): RunSummary {
  return {
    ...summary,
    cells: summary.cells ?? [],
    metrics: summary.metrics ?? [],
    thresholds: summary.thresholds ?? [],
    gates: summary.gates ?? [],
    warnings: summary.warnings ?? [],
  };
}

/** Number | null, never NaN or ±Infinity (JSON would write those as null anyway, silently). */
export function finite(value: number | null | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function interval(value: [number, number] | null | undefined): [number, number] | null {
  if (!value) return null;
  const [low, high] = value;
  return Number.isFinite(low) && Number.isFinite(high) ? [low, high] : null;
}

export function clip(text: string, max: number): ClippedText {
  return text.length <= max ? { text } : { text: truncate(text, max), length: text.length };
}

function displayValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return '';
  try {
    return JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * Marks the cells on the cost–quality Pareto frontier. A cell is dominated when another costs at
 * most as much per case and passes at least as often, and is strictly better in one of the two.
 * Cells without a known cost or without results are never on the frontier.
 */
export function paretoFrontier(points: { cost: number | null; rate: number | null }[]): boolean[] {
  const known = (point: { cost: number | null; rate: number | null }) => point.cost !== null && point.rate !== null;
  return points.map((point) => {
    if (!known(point)) return false;
    return !points.some(
      (other) =>
        other !== point &&
        known(other) &&
        other.cost! <= point.cost! &&
        other.rate! >= point.rate! &&
        (other.cost! < point.cost! || other.rate! > point.rate!),
    );
  });
}

/** The report's cells: the summary's, in its order, plus any seen only in the results. */
export class ReportCells {
  readonly cells: ReportCell[];
  readonly #index = new Map<string, number>();

  constructor(summary: RunSummary) {
    const thresholds = new Map(summary.thresholds.map((threshold) => [threshold.cell, threshold]));
    const frontier = paretoFrontier(summary.cells.map((cell) => ({ cost: finite(cell.costPerCase), rate: cell.n > 0 ? finite(cell.passRate) : null })));
    this.cells = summary.cells.map((cell, index) => {
      const label = cellLabel(cell.prompt, cell.provider);
      const threshold = thresholds.get(label);
      return {
        label,
        prompt: cell.prompt,
        provider: cell.provider,
        n: cell.n,
        passRate: cell.n > 0 ? finite(cell.passRate) : null,
        ci95: cell.n > 0 ? interval(cell.ci95) : null,
        costPerCase: finite(cell.costPerCase),
        costPerPass: finite(cell.costPerPass),
        pareto: frontier[index]!,
        threshold: finite(threshold?.threshold),
        thresholdOk: threshold ? threshold.ok : null,
      };
    });
    this.cells.forEach((cell, index) => this.#index.set(cell.label, index));
  }

  indexOf(prompt: string, provider: string): number {
    const label = cellLabel(prompt, provider);
    let index = this.#index.get(label);
    if (index === undefined) {
      index = this.cells.length;
      this.cells.push({
        label,
        prompt,
        provider,
        n: 0,
        passRate: null,
        ci95: null,
        costPerCase: null,
        costPerPass: null,
        pareto: false,
        threshold: null,
        thresholdOk: null,
        unsummarised: true,
      });
      this.#index.set(label, index);
    }
    return index;
  }
}

interface FlipSets {
  toFail: Set<string>;
  toPass: Set<string>;
}

/**
 * Which candidate results flipped against the baseline, per cell, from the comparison's `pass`
 * rows: those are about the case's outcome. A metric row's flips (an assertion that now fails in
 * a case that still passes) are listed in the comparison table but do not mark the case.
 */
export class CaseFlips {
  readonly #byCell = new Map<string, FlipSets>();

  constructor(comparison: RunComparison | undefined) {
    for (const row of comparison?.cells ?? []) {
      if (row.metric !== 'pass') continue;
      let sets = this.#byCell.get(row.cell);
      if (!sets) this.#byCell.set(row.cell, (sets = { toFail: new Set(), toPass: new Set() }));
      for (const id of row.flippedToFail) sets.toFail.add(id);
      for (const id of row.flippedToPass) sets.toPass.add(id);
    }
  }

  /** Ids are `caseId#repeat` when the runs repeat cases, plain `caseId` otherwise. */
  of(result: Pick<CaseResult, 'promptId' | 'providerId' | 'caseId' | 'repeat'>): CaseFlip | undefined {
    const sets = this.#byCell.get(cellLabel(result.promptId, result.providerId));
    if (!sets) return undefined;
    const withRepeat = `${result.caseId}#${result.repeat}`;
    if (sets.toFail.has(withRepeat) || sets.toFail.has(result.caseId)) return 'to-fail';
    if (sets.toPass.has(withRepeat) || sets.toPass.has(result.caseId)) return 'to-pass';
    return undefined;
  }
}

/** The embedded form of one result: texts cut to `reportTextLimits`, no NaN. */
export function reportCase(result: CaseResult, cell: number, flip: CaseFlip | undefined): ReportCase {
  const limits = reportTextLimits;
  const usage = result.usage;
  const reportCaseValue: ReportCase = {
    cell,
    caseId: result.caseId,
    repeat: result.repeat,
    status: result.error !== undefined ? 'error' : result.pass ? 'pass' : 'fail',
    score: finite(result.score),
    latencyMs: finite(result.latencyMs) ?? 0,
    cost: finite(result.cost),
    tokens: {
      input: finite(usage?.inputTokens) ?? 0,
      output: finite(usage?.outputTokens) ?? 0,
      cached: finite(usage?.cachedInputTokens) ?? 0,
      reasoning: finite(usage?.reasoningTokens) ?? 0,
      total: finite(usage?.totalTokens) ?? 0,
    },
    cached: result.cached,
    finishedAt: result.finishedAt,
    vars: Object.entries(result.vars ?? {}).map(([name, value]) => ({ name, value: clip(displayValue(value), limits.variable) })),
    messages: (result.messages ?? []).map((message) => ({ role: message.role, content: clip(displayValue(message.content), limits.message) })),
    output: clip(result.output ?? '', limits.output),
    toolCalls: (result.toolCalls ?? []).map((call) => ({ name: call.toolName, input: clip(displayValue(call.input), limits.toolInput) })),
    assertions: result.assertions.map((assertion) => {
      const entry: ReportAssertion = {
        type: assertion.type,
        pass: assertion.pass,
        score: finite(assertion.score),
        reason: clip(assertion.reason ?? '', limits.reason),
        weight: finite(assertion.weight) ?? 1,
        required: assertion.required,
      };
      if (assertion.metric !== undefined) entry.metric = assertion.metric;
      if (assertion.judge) {
        entry.judge = { provider: assertion.judge.provider };
        if (assertion.judge.reasoning) entry.judge.reasoning = clip(assertion.judge.reasoning, limits.judgeReasoning);
        // The raw reply is the verdict when the judge gave no separate reasoning.
        else if (assertion.judge.raw) entry.judge.verdict = clip(assertion.judge.raw, limits.judgeReasoning);
      }
      return entry;
    }),
  };
  if (flip) reportCaseValue.flip = flip;
  if (result.error !== undefined) reportCaseValue.error = clip(result.error, limits.error);
  return reportCaseValue;
}

export function reportComparisonRows(comparison: RunComparison | undefined): ReportComparisonRow[] | null {
  if (!comparison) return null;
  return comparison.cells.map((row) => ({
    cell: row.cell,
    metric: row.metric,
    kind: row.kind,
    difference: finite(row.difference),
    // The interval the table shows: the one that agrees with the verdict.
    ci95: interval(row.adjustedCi === undefined ? row.ci95 : row.adjustedCi),
    verdict: row.verdict,
  }));
}

const scriptUnsafe: Record<string, string> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029' };

/**
 * JSON that is safe inside `<script type="application/json">`: no `<`, so neither `</script>`
 * nor `<!--` can end or change the element. `JSON.parse` reads the `\u003c` back as `<`.
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (character) => scriptUnsafe[character]!);
}
