import type { CaseResult, RunSummary, SummaryCell } from '@assay/spec';
import { cellLabel, formatCount, formatDuration, formatPercent, formatUsd, truncate } from './format.ts';

export interface MatrixOptions {
  /** ANSI colours: pass rate green/yellow/red. Default false. */
  color?: boolean;
  /** Terminal width; the prompt and provider columns shrink to fit. Default 100. */
  width?: number;
}

const ansi = { green: '\x1b[32m', yellow: '\x1b[33m', red: '\x1b[31m', dim: '\x1b[2m', bold: '\x1b[1m', reset: '\x1b[0m' };
type Paint = keyof typeof ansi;

function paint(text: string, style: Paint | undefined, color: boolean): string {
  return color && style ? `${ansi[style]}${text}${ansi.reset}` : text;
}

/** `87.5% [80.1–92.6] n=40`, or `— n=0` for a cell without results. */
export function formatRate(cell: Pick<SummaryCell, 'passRate' | 'ci95' | 'n'>): string {
  if (cell.passRate === null) return `— n=${cell.n}`;
  const interval = cell.ci95 ? ` [${(cell.ci95[0] * 100).toFixed(1)}–${(cell.ci95[1] * 100).toFixed(1)}]` : '';
  return `${formatPercent(cell.passRate)}${interval} n=${cell.n}`;
}

/** `0.82 [0.77–0.87]`: the mean case score with its bootstrap interval. */
export function formatScore(cell: Pick<SummaryCell, 'meanScore' | 'scoreCi95'>): string {
  if (cell.meanScore === null) return '—';
  const interval = cell.scoreCi95 ? ` [${cell.scoreCi95[0].toFixed(2)}–${cell.scoreCi95[1].toFixed(2)}]` : '';
  return `${cell.meanScore.toFixed(2)}${interval}`;
}

function rateStyle(cell: SummaryCell, thresholdOk: boolean | undefined): Paint | undefined {
  if (cell.passRate === null) return 'dim';
  if (thresholdOk === false) return 'red';
  if (cell.passRate >= 0.9) return 'green';
  if (cell.passRate >= 0.7) return 'yellow';
  return 'red';
}

interface Column {
  title: string;
  align: 'left' | 'right';
  /** Lowest width the column may shrink to; undefined = never shrinks. */
  shrinkTo?: number;
}

/**
 * The run's results as a table, one row per prompt × provider cell, grouped by prompt: pass rate
 * with its 95% interval and n, cost per case and per passing case, errors. One row per cell
 * (rather than a prompts × providers grid) keeps every number readable with many providers.
 *
 * @example
 * process.stdout.write(renderMatrix(summary, { color: process.stdout.isTTY, width: process.stdout.columns }));
 */
export function renderMatrix(summary: RunSummary, options: MatrixOptions = {}): string {
  const color = options.color ?? false;
  const width = options.width ?? 100;
  const thresholdOk = new Map(summary.thresholds.map((threshold) => [threshold.cell, threshold.ok]));
  const hasErrors = summary.cells.some((cell) => cell.errors > 0);
  // Scores only add information when some assertion grades between pass and fail.
  const hasScores = summary.cells.some((cell) => cell.meanScore !== null && cell.passRate !== null && Math.abs(cell.meanScore - cell.passRate) > 1e-9);

  const columns: Column[] = [
    { title: 'prompt', align: 'left', shrinkTo: 8 },
    { title: 'provider', align: 'left', shrinkTo: 10 },
    { title: 'pass rate [95% CI]', align: 'left' },
    ...(hasScores ? [{ title: 'score [95% CI]', align: 'left' as const }] : []),
    { title: 'cost/case', align: 'right' },
    { title: 'cost/pass', align: 'right' },
  ];
  if (hasErrors) columns.push({ title: 'errors', align: 'right' });

  let previousPrompt: string | undefined;
  const rows = summary.cells.map((cell) => {
    const row = [
      cell.prompt === previousPrompt ? '' : cell.prompt,
      cell.provider,
      formatRate(cell),
      ...(hasScores ? [formatScore(cell)] : []),
      cell.costPerCase === null ? '—' : formatUsd(cell.costPerCase),
      cell.costPerPass === null ? '—' : formatUsd(cell.costPerPass),
    ];
    if (hasErrors) row.push(cell.errors > 0 ? String(cell.errors) : '');
    previousPrompt = cell.prompt;
    return row;
  });
  const styles = summary.cells.map((cell) => rateStyle(cell, thresholdOk.get(cellLabel(cell.prompt, cell.provider))));

  const gap = 2;
  const widths = columns.map((column, index) =>
    Math.max(column.title.length, ...rows.map((row) => row[index]!.length)),
  );
  // Shrink the name columns (widest first) until the table fits.
  let overflow = widths.reduce((sum, value) => sum + value, 0) + gap * (columns.length - 1) - width;
  while (overflow > 0) {
    const candidates = columns
      .map((column, index) => ({ index, room: column.shrinkTo === undefined ? 0 : widths[index]! - column.shrinkTo }))
      .filter((candidate) => candidate.room > 0)
      .sort((a, b) => widths[b.index]! - widths[a.index]!);
    const widest = candidates[0];
    if (!widest) break;
    const cut = Math.min(widest.room, overflow);
    widths[widest.index] = widths[widest.index]! - cut;
    overflow -= cut;
  }

  const line = (cells: string[], style?: (index: number) => Paint | undefined): string =>
    cells
      .map((text, index) => {
        const fitted = truncate(text, widths[index]!);
        const padded = columns[index]!.align === 'right' ? fitted.padStart(widths[index]!) : fitted.padEnd(widths[index]!);
        return paint(padded, style?.(index), color);
      })
      .join(' '.repeat(gap))
      .trimEnd();

  const output = [line(columns.map((column) => column.title), () => 'bold')];
  rows.forEach((row, rowIndex) => {
    const errorColumn = columns.length - 1;
    output.push(line(row, (index) => (index === 2 ? styles[rowIndex] : hasErrors && index === errorColumn ? 'red' : undefined)));
  });

  const totals = [
    `${summary.passed}/${summary.total} passed`,
    summary.total > 0 ? formatPercent(summary.passed / summary.total) : undefined,
    summary.errors > 0 ? paint(`${summary.errors} error${summary.errors === 1 ? '' : 's'}`, 'red', color) : undefined,
    summary.cells.some((cell) => cell.costPerCase !== null) ? formatUsd(summary.cost) : 'no price known',
    `${formatCount(summary.tokens)} tokens`,
    formatDuration(summary.durationMs),
  ].filter((part) => part !== undefined);
  output.push('', totals.join(' · '));
  for (const warning of summary.warnings) output.push(paint(`! ${warning}`, 'yellow', color));
  return `${output.join('\n')}\n`;
}

/**
 * Named metrics (assertions with `metric:`), one line each per cell:
 * `category  v2 × gpt-4o-mini  97.5% [87.1–99.6] n=40`. Empty when no assertion names a metric.
 */
export function renderMetrics(summary: RunSummary): string {
  if (!summary.metrics?.length) return '';
  const rows = summary.metrics.map((metric) => [
    metric.metric,
    `${metric.prompt} × ${metric.provider}`,
    formatRate(metric) + judgeNote(metric),
  ]);
  const widths = [0, 1].map((index) => Math.max(...rows.map((row) => row[index]!.length), index === 0 ? 'metric'.length : 0));
  const lines = rows.map((row) => `${row[0]!.padEnd(widths[0]!)}  ${row[1]!.padEnd(widths[1]!)}  ${row[2]}`);
  return `${'metric'.padEnd(widths[0]!)}  ${'cell'.padEnd(widths[1]!)}  pass rate [95% CI]\n${lines.join('\n')}\n`;
}

/** After a judge-graded metric: its corrected rate, or that the judge is not calibrated. */
function judgeNote(metric: RunSummary['metrics'][number]): string {
  const judge = metric.judge;
  if (!judge) return '';
  if (!judge.calibrated) return '  (judge not calibrated)';
  if (judge.correctedPassRate === null || judge.correctedPassRate === undefined) return '  (judge no better than chance: no corrected rate)';
  const interval = judge.correctedCi95 ? ` [${(judge.correctedCi95[0] * 100).toFixed(1)}–${(judge.correctedCi95[1] * 100).toFixed(1)}]` : '';
  return `  corrected for judge error: ${formatPercent(judge.correctedPassRate)}${interval}`;
}

/**
 * One line per threshold: `✗ v1 × gpt-4o-mini: pass rate 72.5% is below threshold 80%`.
 * Empty when the suite sets no threshold.
 */
export function renderThresholds(summary: RunSummary, options: Pick<MatrixOptions, 'color'> = {}): string {
  const color = options.color ?? false;
  const lines = summary.thresholds.map(({ cell, threshold, passRate, ok }) => {
    const mark = paint(ok ? '✓' : '✗', ok ? 'green' : 'red', color);
    const limit = formatPercent(threshold, true);
    if (passRate === null) return `${mark} ${cell}: no results to compare with threshold ${limit}`;
    const verb = ok ? 'meets' : 'is below';
    return `${mark} ${cell}: pass rate ${formatPercent(passRate)} ${verb} threshold ${limit}`;
  });
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

const snippetChars = 160;

/**
 * Which failing assertion to show first: the root cause before what follows from it. Output that
 * is not the expected format (no JSON, a broken schema or contract) makes later checks fail too —
 * a `javascript` check that parses the output throws "Unexpected end of JSON input" — so format
 * and structure come first, then what the output says, then code checks and judges (which read
 * the output), and last the checks that could not be evaluated at all (a judge that did not answer).
 */
const rootCauseRank: Readonly<Record<string, number>> = {
  'is-json': 0,
  'contains-json': 0,
  'json-schema': 1,
  contract: 1,
  'is-valid-tool-call': 1,
  'finish-reason': 1,
  javascript: 3,
  'assert-set': 3,
  'llm-rubric': 4,
  pairwise: 4,
  factuality: 4,
  'answer-relevance': 4,
  'rubric-criteria': 4,
  judge: 4,
  'context-faithfulness': 4,
  'context-relevance': 4,
  'context-recall': 4,
};

/** The failed assertions of a result, root cause first (ties keep the suite's order). */
export function failedAssertionsByRootCause(result: CaseResult): CaseResult['assertions'] {
  const rank = (assertion: CaseResult['assertions'][number]) => (assertion.unevaluable ? 5 : (rootCauseRank[assertion.type] ?? 2));
  return result.assertions
    .map((assertion, index) => ({ assertion, index }))
    .filter(({ assertion }) => !assertion.pass)
    .sort((a, b) => rank(a.assertion) - rank(b.assertion) || a.index - b.index)
    .map(({ assertion }) => assertion);
}

/** Shorter than the output snippet: a case can fail several assertions, one line each. */
const reasonChars = 120;

export interface FailureListOptions {
  /** Failed cases in the whole run (`summary.failed`), when more failed than `results` holds. */
  totalFailed?: number;
}

/**
 * The failed cases, up to `limit`: for each, every failed assertion on its own line, the root
 * cause first (see `failedAssertionsByRootCause`), or the error of a case that got no answer;
 * then the output once. Ends with how many more failed and how to see them all.
 *
 * @example
 * process.stdout.write(renderFailures(firstFailures, 10, { totalFailed: summary.failed }));
 */
export function renderFailures(results: CaseResult[], limit: number, options: FailureListOptions = {}): string {
  const failed = results.filter((result) => !result.pass);
  if (failed.length === 0) return '';
  const lines: string[] = [];
  const shown = failed.slice(0, Math.max(0, limit));
  for (const result of shown) {
    lines.push(`✗ ${result.caseId}#${result.repeat}  ${cellLabel(result.promptId, result.providerId)}`);
    if (result.error !== undefined) {
      lines.push(`    error: ${oneLine(result.error, snippetChars)}`);
      continue;
    }
    const assertions = failedAssertionsByRootCause(result);
    for (const assertion of assertions) {
      lines.push(`    ${assertion.type}${assertion.metric ? ` (${assertion.metric})` : ''}: ${oneLine(assertion.reason, reasonChars)}`);
    }
    if (assertions.length === 0) lines.push(`    score ${result.score} is below the pass mark`);
    lines.push(`    output: ${JSON.stringify(oneLine(result.output, snippetChars))}`);
  }
  const total = Math.max(options.totalFailed ?? 0, failed.length);
  const rest = total - shown.length;
  if (rest > 0) {
    lines.push(`… ${rest} more failed case${rest === 1 ? '' : 's'} (see -o report.html or -o results.json for every case, or --show-failures ${total} to print them all)`);
  }
  return `${lines.join('\n')}\n`;
}

function oneLine(text: string, max: number): string {
  // Control characters would move the cursor or recolour the terminal.
  return truncate(text.replace(/\s+/g, ' ').replace(/[\x00-\x1f\x7f-\x9f]/g, '').trim(), max);
}
