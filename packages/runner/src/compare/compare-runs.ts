import {
  clusteredProportionInterval,
  holmAdjust,
  holmLevels,
  intervalAgreeingWithTest,
  mcnemarExact,
  minimumDetectableDifference,
  minimumDetectablePairedDifferenceExact,
  pairedBootstrapMeanDifference,
  pairedProportionDifferenceInterval,
  unpairedProportionDifferenceInterval,
  unpairedClusterBootstrapDifference,
  unpairedProportionTest,
  wilsonInterval,
  bootstrapMeanInterval,
  zForConfidence,
} from '@assay/core';
import { ConfigError, type CaseResult, type CellComparison, type Estimate, type RunComparison } from '@assay/spec';
import { formatP } from '../gates.ts';
import type { RunSource } from './run-source.ts';

/** One case of one cell: its tries (repeats) folded together. */
interface CaseOutcomes {
  /** Position in the dataset: flipped cases are listed in dataset order. */
  index: number;
  tries: number;
  passed: number;
  scoreSum: number;
  /** Per metric: tries that had the metric, and how many of those passed every assertion with it. */
  metrics: Map<string, { tries: number; passed: number }>;
}

interface CellData {
  label: string;
  prompt: string;
  provider: string;
  cases: Map<string, CaseOutcomes>;
  repeated: boolean;
  graded: boolean;
  metricNames: Set<string>;
}

type RunData = Map<string, CellData>;

/** Results of a run that the comparison could not read whole (runs stored before uploads were checked, issue 16). */
interface Unreadable {
  /** Without prompt, provider or case id: left out. */
  skipped: number;
  /** With `assertions` that is not a list of assertion results: compared on pass and score only. */
  noAssertions: number;
}

async function collect(source: RunSource, warnings: string[]): Promise<RunData> {
  const cells: RunData = new Map();
  const unreadable: Unreadable = { skipped: 0, noAssertions: 0 };
  for await (const result of source.results()) addResult(cells, result, unreadable);
  const run = `Run ${source.info.id}`;
  if (unreadable.skipped) warnings.push(`${run}: ${unreadable.skipped} stored result(s) have no prompt, provider or case id and were left out`);
  if (unreadable.noAssertions) warnings.push(`${run}: ${unreadable.noAssertions} stored result(s) have no readable list of assertions; their metrics are not compared`);
  return cells;
}

/**
 * Folds one result into its cell. A stored result is read defensively: a run stored in an older
 * or malformed shape is compared as far as it can be, never a crash (and never a 500 from the server).
 */
function addResult(cells: RunData, result: CaseResult, unreadable: Unreadable): void {
  if (typeof result !== 'object' || result === null || ![result.promptId, result.providerId, result.caseId].every((field) => typeof field === 'string')) {
    unreadable.skipped++;
    return;
  }
  const label = `${result.promptId} × ${result.providerId}`;
  let cell = cells.get(label);
  if (!cell) {
    cell = { label, prompt: result.promptId, provider: result.providerId, cases: new Map(), repeated: false, graded: false, metricNames: new Set() };
    cells.set(label, cell);
  }
  let outcomes = cell.cases.get(result.caseId);
  if (!outcomes) {
    outcomes = { index: Number.isFinite(result.caseIndex) ? result.caseIndex : 0, tries: 0, passed: 0, scoreSum: 0, metrics: new Map() };
    cell.cases.set(result.caseId, outcomes);
  }
  const pass = result.pass === true;
  const repeat = Number.isSafeInteger(result.repeat) ? result.repeat : 0;
  outcomes.tries++;
  if (outcomes.tries > 1 || repeat > 0) cell.repeated = true;
  if (pass) outcomes.passed++;
  const score = Number.isFinite(result.score) ? result.score : 0;
  outcomes.scoreSum += score;
  if (score > 0 && score < 1) cell.graded = true;
  const assertions: unknown = result.assertions;
  if (!Array.isArray(assertions)) {
    unreadable.noAssertions++;
    return;
  }
  const metricPass = new Map<string, boolean>();
  for (const assertion of assertions as unknown[]) {
    if (typeof assertion !== 'object' || assertion === null) continue;
    const { metric, pass: assertionPass } = assertion as { metric?: unknown; pass?: unknown };
    if (typeof metric !== 'string') continue;
    metricPass.set(metric, (metricPass.get(metric) ?? true) && assertionPass === true);
  }
  for (const [metric, metricPassed] of metricPass) {
    cell.metricNames.add(metric);
    let entry = outcomes.metrics.get(metric);
    if (!entry) outcomes.metrics.set(metric, (entry = { tries: 0, passed: 0 }));
    entry.tries++;
    if (metricPassed) entry.passed++;
  }
}

/** Pairs the cells of two runs: same prompt × provider first; else by the one part that differs. */
function matchCells(baseline: RunData, candidate: RunData, warnings: string[]): [CellData, CellData][] {
  const common = [...candidate.keys()].filter((label) => baseline.has(label));
  if (common.length) {
    const left = [...baseline.keys()].filter((label) => !candidate.has(label));
    const right = [...candidate.keys()].filter((label) => !baseline.has(label));
    if (left.length) warnings.push(`Only in the baseline, not compared: ${left.join(', ')}`);
    if (right.length) warnings.push(`Only in the candidate, not compared: ${right.join(', ')}`);
    return common.map((label) => [baseline.get(label)!, candidate.get(label)!]);
  }
  const a = [...baseline.values()];
  const b = [...candidate.values()];
  if (a.length === 1 && b.length === 1) return [[a[0]!, b[0]!]];
  for (const part of ['provider', 'prompt'] as const) {
    const byPart = (cells: CellData[]) => new Map(cells.map((cell) => [cell[part], cell]));
    const left = byPart(a);
    const right = byPart(b);
    if (left.size === a.length && right.size === b.length && [...right.keys()].every((key) => left.has(key)) && left.size === right.size) {
      return [...right.entries()].map(([key, cell]) => [left.get(key)!, cell]);
    }
  }
  throw new ConfigError('The two runs have no prompt × provider cells in common, and their cells cannot be paired one to one', {
    hint: `Baseline cells: ${[...baseline.keys()].join(', ') || 'none'}. Candidate cells: ${[...candidate.keys()].join(', ') || 'none'}. Compare runs of the same suite, or runs with one cell each.`,
    docs: 'compare.md',
  });
}

export interface CompareOptions {
  /** Confidence of intervals; tests use α = 1 − confidence. Default 0.95. */
  confidence?: number;
  /** Power for the minimum detectable effect. Default 0.8. */
  power?: number;
}

/**
 * Compares a candidate run with a baseline, cell by cell: the case pass rate, the mean score
 * (when scores are graded) and every named metric. Cases present in both runs are paired;
 * every p-value is Holm-adjusted across all rows before the verdict.
 */
export async function compareRuns(baseline: RunSource, candidate: RunSource, options: CompareOptions = {}): Promise<RunComparison> {
  const confidence = options.confidence ?? 0.95;
  if (!(confidence > 0.5 && confidence < 1)) throw new ConfigError(`Confidence must be between 0.5 and 1, got ${confidence}`, { docs: 'compare.md' });
  const power = options.power ?? 0.8;
  const alpha = 1 - confidence;
  const warnings: string[] = [];
  const [baselineWarnings, candidateWarnings]: string[][] = [[], []];
  const [left, right] = await Promise.all([collect(baseline, baselineWarnings), collect(candidate, candidateWarnings)]);
  warnings.push(...baselineWarnings, ...candidateWarnings);
  if (left.size === 0) throw new ConfigError(`Baseline run ${baseline.info.id} has no results`, { hint: 'Pick a run that finished at least one case.', docs: 'compare.md' });
  if (right.size === 0) throw new ConfigError(`Run ${candidate.info.id} has no results`, { hint: 'Pick a run that finished at least one case.', docs: 'compare.md' });

  const rows: TestedRow[] = [];
  for (const [a, b] of matchCells(left, right, warnings)) {
    const paired = [...b.cases.keys()].filter((caseId) => a.cases.has(caseId)).sort((x, y) => b.cases.get(x)!.index - b.cases.get(y)!.index);
    const onlyA = a.cases.size - paired.length;
    const onlyB = b.cases.size - paired.length;
    if (paired.length === 0) {
      warnings.push(`${b.label}: no case is in both runs, so the comparison is unpaired (less powerful); compare runs over the same dataset to pair cases`);
    } else if (onlyA || onlyB) {
      warnings.push(`${b.label}: ${paired.length} cases paired; ${onlyA} only in the baseline and ${onlyB} only in the candidate are left out of the paired tests`);
    }
    const repeated = a.repeated || b.repeated;
    const pick = (outcomes: CaseOutcomes) => ({ tries: outcomes.tries, passed: outcomes.passed });
    rows.push(rateRow(a, b, 'pass', paired, pick, repeated, confidence, power));
    if (a.graded || b.graded) rows.push(scoreRow(a, b, paired, confidence, power));
    for (const metric of [...b.metricNames].filter((name) => a.metricNames.has(name)).sort()) {
      const pickMetric = (outcomes: CaseOutcomes) => outcomes.metrics.get(metric);
      const withMetric = paired.filter((caseId) => a.cases.get(caseId)!.metrics.has(metric) && b.cases.get(caseId)!.metrics.has(metric));
      rows.push(rateRow(a, b, metric, withMetric, pickMetric, repeated, confidence, power));
    }
  }

  decide(rows, alpha);
  return { baseline: baseline.info, candidate: candidate.info, alpha, correction: 'holm', cells: rows.map((tested) => tested.row), warnings };
}

/** A row with its test done, and its interval at any confidence (for the Holm step's level). */
interface TestedRow {
  row: CellComparison;
  /** The interval of the row's own method at a confidence, before it is made to agree with a test; null when untested. */
  intervalAt: (confidence: number) => [number, number] | null;
}

/**
 * Holm-adjusts the p-values and gives each row its verdict, and intervals that agree with the
 * tests (issue 11: `+12.5 pts [+1.3, +26.1] … no detectable difference` contradicted itself):
 * `ci95` agrees with the row's own p-value; `adjustedCi`, at the level of the Holm step that
 * decided the row, with the adjusted p-value and so with the verdict.
 */
function decide(rows: TestedRow[], alpha: number): void {
  const pValues = rows.map(({ row }) => row.pValue);
  const adjusted = holmAdjust(pValues);
  const levels = holmLevels(pValues, alpha);
  const tested = pValues.filter((p) => p !== null).length;
  rows.forEach(({ row, intervalAt }, index) => {
    row.adjustedPValue = adjusted[index] ?? null;
    const level = levels[index] ?? null;
    row.adjustedCi = null;
    row.adjustedConfidence = null;
    if (row.pValue === null || row.adjustedPValue === null || row.difference === null || level === null) return;
    const rejected = row.adjustedPValue < alpha && row.difference !== 0;
    row.ci95 = intervalAgreeingWithTest(row.ci95, row.difference, row.pValue < alpha && row.difference !== 0);
    row.adjustedConfidence = 1 - level;
    row.adjustedCi = intervalAgreeingWithTest(intervalAt(1 - level), row.difference, rejected);
    if (rejected) {
      row.verdict = row.difference > 0 ? 'better' : 'worse';
      row.minimumDetectableEffect = null;
      delete row.note;
    } else if (row.pValue < alpha) {
      // Significant alone, not after the correction: a detectable-effect size would read as nonsense here.
      row.minimumDetectableEffect = null;
      row.note = `p = ${formatP(row.pValue)} alone; not significant after the Holm correction across ${tested} comparisons`;
    } else if (row.minimumDetectableEffect !== null && Math.abs(row.difference) >= row.minimumDetectableEffect) {
      row.minimumDetectableEffect = null;
      row.note = 'the observed difference is as large as one this sample detects 80% of the time, yet not significant: see the interval';
    }
  });
}

type Pick = (outcomes: CaseOutcomes) => { tries: number; passed: number } | undefined;

interface RateEstimate extends Estimate {
  passed: number;
  /** One per case: its passes and tries. */
  clusters: { successes: number; trials: number }[];
  /** Tries divided by the design effect of their repeats (the tries themselves when cases ran once). */
  effectiveN: number;
}

function estimateOf(cell: CellData, pick: Pick, confidence: number): RateEstimate {
  const clusters: { successes: number; trials: number }[] = [];
  for (const outcomes of cell.cases.values()) {
    const picked = pick(outcomes);
    if (picked && picked.tries > 0) clusters.push({ successes: picked.passed, trials: picked.tries });
  }
  const n = clusters.reduce((sum, cluster) => sum + cluster.trials, 0);
  const passed = clusters.reduce((sum, cluster) => sum + cluster.successes, 0);
  if (n === 0) return { n: 0, passed: 0, estimate: null, ci95: null, clusters, effectiveN: 0 };
  if (clusters.some((cluster) => cluster.trials > 1)) {
    const clustered = clusteredProportionInterval(clusters, confidence);
    return { n, passed, estimate: passed / n, ci95: clustered.interval, clusters, effectiveN: clustered.effectiveN };
  }
  return { n, passed, estimate: passed / n, ci95: wilsonInterval(passed, n, zForConfidence(confidence)), clusters, effectiveN: n };
}

function rateRow(
  a: CellData,
  b: CellData,
  metric: string,
  paired: string[],
  pick: Pick,
  repeated: boolean,
  confidence: number,
  power: number,
): TestedRow {
  const alpha = 1 - confidence;
  const base = estimateOf(a, pick, confidence);
  const cand = estimateOf(b, pick, confidence);
  const row = untestedRow(a, b, metric, 'rate', { n: base.n, estimate: base.estimate, ci95: base.ci95 }, { n: cand.n, estimate: cand.estimate, ci95: cand.ci95 }, paired.length, 'mcnemar-exact');
  if (base.n === 0 || cand.n === 0) return { row, intervalAt: () => null };

  if (paired.length === 0) {
    row.difference = cand.estimate! - base.estimate!;
    if (repeated) {
      // Repeats of a case are not independent tries (issue 10: counting them as such rejected a true
      // null 17% of the time at α = 0.05): resample whole cases, each run on its own.
      const totals = (clusters: RateEstimate['clusters']) => clusters.map((cluster) => ({ sum: cluster.successes, count: cluster.trials }));
      const intervalAt = (level: number) => unpairedClusterBootstrapDifference(totals(base.clusters), totals(cand.clusters), { confidence: level })!.interval;
      const test = unpairedClusterBootstrapDifference(totals(base.clusters), totals(cand.clusters), { confidence })!;
      row.test = 'bootstrap-unpaired';
      row.ci95 = test.interval;
      row.pValue = test.pValue;
      row.minimumDetectableEffect = unpairedMde(base, cand, alpha, power);
      return { row, intervalAt };
    }
    row.test = 'newcombe-unpaired';
    const intervalAt = (level: number) => unpairedProportionDifferenceInterval(base.passed, base.n, cand.passed, cand.n, level);
    row.ci95 = intervalAt(confidence);
    row.pValue = unpairedProportionTest(base.passed, base.n, cand.passed, cand.n).pValue;
    row.minimumDetectableEffect = unpairedMde(base, cand, alpha, power);
    return { row, intervalAt };
  }

  if (repeated) {
    // Repeats of a case are not independent: compare per-case pass fractions, resampling cases.
    const before = new Float64Array(paired.length);
    const after = new Float64Array(paired.length);
    paired.forEach((caseId, index) => {
      const x = pick(a.cases.get(caseId)!)!;
      const y = pick(b.cases.get(caseId)!)!;
      before[index] = x.passed / x.tries;
      after[index] = y.passed / y.tries;
      if (before[index]! >= 0.5 && after[index]! < 0.5) row.flippedToFail.push(caseId);
      if (before[index]! < 0.5 && after[index]! >= 0.5) row.flippedToPass.push(caseId);
    });
    row.test = 'paired-bootstrap';
    return pairedBootstrapRow(row, before, after, confidence, power);
  }

  const table = { bothPass: 0, baselineOnly: 0, candidateOnly: 0, neither: 0 };
  for (const caseId of paired) {
    const x = pick(a.cases.get(caseId)!)!.passed > 0;
    const y = pick(b.cases.get(caseId)!)!.passed > 0;
    if (x && y) table.bothPass++;
    else if (x) {
      table.baselineOnly++;
      row.flippedToFail.push(caseId);
    } else if (y) {
      table.candidateOnly++;
      row.flippedToPass.push(caseId);
    } else table.neither++;
  }
  const n = paired.length;
  row.difference = (table.candidateOnly - table.baselineOnly) / n;
  const intervalAt = (level: number) => pairedProportionDifferenceInterval(table, level);
  row.ci95 = intervalAt(confidence);
  row.pValue = mcnemarExact(table.baselineOnly, table.candidateOnly).pValue;
  // Sized by the exact power of the test that decides: Connor's normal approximation promised
  // "could detect ±99.9 pts" on 4 cases, where no outcome at all reaches p < 0.05 (issue 11).
  row.minimumDetectableEffect = minimumDetectablePairedDifferenceExact({
    n,
    baselineRate: (table.bothPass + table.baselineOnly) / n,
    discordance: (table.baselineOnly + table.candidateOnly) / n,
    alpha,
    power,
  });
  if (row.minimumDetectableEffect === null) {
    const best = mcnemarExact(0, n).pValue;
    row.note =
      best >= alpha
        ? `too few cases: even all ${n} changing one way would give p = ${formatP(best)}`
        : `too few cases: no difference reaches ${Math.round(power * 100)}% power over ${n} cases`;
  }
  return { row, intervalAt };
}

/** Sized on the cases the tries are worth: n / design effect (the tries themselves without repeats). */
function unpairedMde(base: RateEstimate, cand: RateEstimate, alpha: number, power: number): number {
  const effectiveN = Math.max(1, Math.floor(Math.min(base.effectiveN, cand.effectiveN)));
  return minimumDetectableDifference({ n: effectiveN, baselineRate: base.estimate!, alpha, power });
}

/** The paired bootstrap of per-case values: difference, interval, p-value and detectable effect. */
function pairedBootstrapRow(row: CellComparison, before: Float64Array, after: Float64Array, confidence: number, power: number): TestedRow {
  const intervalAt = (level: number) => pairedBootstrapMeanDifference(before, after, { confidence: level })!.interval;
  const test = pairedBootstrapMeanDifference(before, after, { confidence })!;
  row.difference = test.difference;
  row.ci95 = test.interval;
  row.pValue = test.pValue;
  row.minimumDetectableEffect = scoreMde(before, after, 1 - confidence, power);
  return { row, intervalAt };
}

/** A row with its estimates and no test result yet (what stays when a side has no cases). */
function untestedRow(
  a: CellData,
  b: CellData,
  metric: string,
  kind: CellComparison['kind'],
  baseline: Estimate,
  candidate: Estimate,
  paired: number,
  test: CellComparison['test'],
): CellComparison {
  return {
    cell: b.label,
    baselineCell: a.label,
    metric,
    kind,
    baseline,
    candidate,
    paired,
    difference: null,
    ci95: null,
    test,
    pValue: null,
    adjustedPValue: null,
    verdict: 'no detectable difference',
    minimumDetectableEffect: null,
    flippedToFail: [],
    flippedToPass: [],
  };
}

function scoreRow(a: CellData, b: CellData, paired: string[], confidence: number, power: number): TestedRow {
  const meanScores = (cell: CellData, ids: Iterable<string>) => Float64Array.from([...ids].map((id) => {
    const outcomes = cell.cases.get(id)!;
    return outcomes.scoreSum / outcomes.tries;
  }));
  const all = (cell: CellData): Estimate => {
    const scores = meanScores(cell, cell.cases.keys());
    const sum = scores.reduce((total, value) => total + value, 0);
    return { n: scores.length, estimate: scores.length ? sum / scores.length : null, ci95: bootstrapMeanInterval(scores, { confidence }) };
  };
  const row = untestedRow(a, b, 'score', 'score', all(a), all(b), paired.length, 'paired-bootstrap');
  if (paired.length === 0) return { row, intervalAt: () => null };
  return pairedBootstrapRow(row, meanScores(a, paired), meanScores(b, paired), confidence, power);
}

/** Smallest mean paired difference detectable with this n and spread (normal approximation). */
function scoreMde(before: Float64Array, after: Float64Array, alpha: number, power: number): number {
  const n = before.length;
  let sum = 0;
  for (let index = 0; index < n; index++) sum += after[index]! - before[index]!;
  const meanDifference = sum / n;
  let squares = 0;
  for (let index = 0; index < n; index++) squares += (after[index]! - before[index]! - meanDifference) ** 2;
  // With no spread at all, fall back to the resolution of one case in n.
  const sd = n > 1 ? Math.max(Math.sqrt(squares / (n - 1)), 1 / n) : 1;
  return Math.min(1, ((zForConfidence(1 - alpha) + zForConfidence(2 * power - 1)) * sd) / Math.sqrt(n));
}
