import { formatP } from '@assay/runner';
import type { CellComparison, ComparisonTestName, Estimate, RunComparison } from '@assay/spec';
import { formatPercent, truncate } from './format.ts';

const testNames: Record<ComparisonTestName, string> = {
  'mcnemar-exact': 'McNemar exact',
  'paired-bootstrap': 'paired bootstrap',
  'wilcoxon-signed-rank': 'Wilcoxon signed-rank',
  'newcombe-unpaired': 'unpaired (Fisher/z)',
  'bootstrap-unpaired': 'unpaired bootstrap',
};

function formatEstimate(row: CellComparison, estimate: Estimate): string {
  if (estimate.estimate === null) return `— n=${estimate.n}`;
  const value = row.kind === 'rate' ? formatPercent(estimate.estimate) : estimate.estimate.toFixed(2);
  const ci = estimate.ci95 ? ` [${points(row, estimate.ci95[0])}–${points(row, estimate.ci95[1])}]` : '';
  return `${value}${ci} n=${estimate.n}`;
}

/** Rates as percentage points, scores as raw numbers. */
function points(row: CellComparison, value: number): string {
  return row.kind === 'rate' ? (value * 100).toFixed(1) : value.toFixed(2);
}

function signed(row: CellComparison, value: number): string {
  const text = points(row, value);
  return value > 0 ? `+${text}` : text;
}

/** The interval that agrees with the verdict (Holm-adjusted); `ci95` for comparisons stored before issue 11. */
export function verdictInterval(row: CellComparison): [number, number] | null {
  return row.adjustedCi === undefined ? row.ci95 : row.adjustedCi;
}

function formatDifference(row: CellComparison): string {
  if (row.difference === null) return '—';
  const unit = row.kind === 'rate' ? ' pts' : '';
  const interval = verdictInterval(row);
  const ci = interval ? ` [${signed(row, interval[0])}, ${signed(row, interval[1])}]` : '';
  return `${signed(row, row.difference)}${unit}${ci}`;
}

/** `98.3–99.2%`: the range of the Holm-adjusted interval levels, or null when none is known. */
export function adjustedLevels(comparison: RunComparison): string | null {
  const levels = comparison.cells.map((row) => row.adjustedConfidence).filter((level): level is number => typeof level === 'number');
  if (levels.length === 0) return null;
  const text = (level: number) => Number((level * 100).toFixed(1)).toString();
  const low = text(Math.min(...levels));
  const high = text(Math.max(...levels));
  return low === high ? `${low}%` : `${low}–${high}%`;
}

function formatVerdict(row: CellComparison, color: boolean): string {
  const paint = (code: number, text: string) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);
  if (row.verdict === 'better') return paint(32, 'better');
  if (row.verdict === 'worse') return paint(31, 'worse');
  if (row.minimumDetectableEffect === null) return row.note ? `no detectable difference (${row.note})` : 'no detectable difference';
  const size = row.kind === 'rate' ? `${(row.minimumDetectableEffect * 100).toFixed(1)} pts` : row.minimumDetectableEffect.toFixed(2);
  return `no detectable difference (could detect ±${size})`;
}

/**
 * The comparison as a table (one row per cell and metric) followed by the flipped cases.
 *
 * @example
 * process.stdout.write(renderComparison(await compareRuns(baseline, candidate)));
 */
export function renderComparison(comparison: RunComparison, options: { color?: boolean; flippedToShow?: number; title?: string } = {}): string {
  const color = options.color ?? false;
  const show = options.flippedToShow ?? 10;
  const name = (run: RunComparison['baseline']) => `${run.id}${run.label ? ` (${run.label})` : ''}`;
  const levels = adjustedLevels(comparison);
  const header = ['cell', 'metric', 'baseline', 'candidate', levels ? 'difference [Holm CI]' : 'difference [CI]', 'test', 'p', 'Holm p', 'verdict'];
  const rows = comparison.cells.map((row) => [
    row.cell === row.baselineCell ? row.cell : `${row.baselineCell} → ${row.cell}`,
    row.metric,
    formatEstimate(row, row.baseline),
    formatEstimate(row, row.candidate),
    formatDifference(row),
    testNames[row.test],
    formatP(row.pValue, '—'),
    formatP(row.adjustedPValue, '—'),
  ]);
  const widths = header.slice(0, -1).map((title, index) => Math.min(48, Math.max(title.length, ...rows.map((row) => row[index]!.length))));
  const line = (cells: string[]) => cells.map((text, index) => (index < widths.length ? truncate(text, widths[index]!).padEnd(widths[index]!) : text)).join('  ').trimEnd();
  const intervals = levels
    ? `Holm-adjusted intervals (${levels}: each at the level of the Holm step that decided its row, so it reaches 0 exactly when the verdict is no detectable difference)`
    : `${Math.round((1 - comparison.alpha) * 100)}% intervals`;
  const out = [
    `${options.title ?? `Compared with baseline ${name(comparison.baseline)}`}: ${comparison.cells.length} comparison(s), Holm-adjusted p-values, α=${comparison.alpha.toFixed(2)}, ${intervals}`,
    line(header),
    ...rows.map((row, index) => line([...row, formatVerdict(comparison.cells[index]!, color)])),
  ];
  const flipped = comparison.cells.filter((row) => row.metric === 'pass' && (row.flippedToFail.length || row.flippedToPass.length));
  for (const row of flipped) {
    const list = (ids: string[]) => `${ids.slice(0, show).join(', ')}${ids.length > show ? `, … (${ids.length - show} more)` : ''}`;
    out.push('', `Flipped in ${row.cell}:`);
    if (row.flippedToFail.length) out.push(`  pass → fail (${row.flippedToFail.length}): ${list(row.flippedToFail)}`);
    if (row.flippedToPass.length) out.push(`  fail → pass (${row.flippedToPass.length}): ${list(row.flippedToPass)}`);
  }
  for (const warning of comparison.warnings) out.push(`! ${warning}`);
  return `${out.join('\n')}\n`;
}
