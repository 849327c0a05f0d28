import type { GateResult, RunSummary } from '@assay/spec';
import { cellLabel, formatDesignEffect, formatPercent } from './format.ts';

const green = (text: string, color: boolean) => (color ? `\x1b[32m${text}\x1b[0m` : text);
const red = (text: string, color: boolean) => (color ? `\x1b[31m${text}\x1b[0m` : text);

/**
 * Repeats per cell: pass@k, pass^k, the flakiness rate, and the flakiest cases.
 * Empty when no case ran more than once.
 */
export function renderRepeats(summary: RunSummary, options: { flakyToShow?: number } = {}): string {
  const lines: string[] = [];
  const show = options.flakyToShow ?? 5;
  for (const cell of summary.cells) {
    const repeats = cell.repeats;
    if (!repeats || repeats.k < 2) continue;
    const parts = [
      `k=${repeats.k}`,
      `pass@${repeats.k} ${repeats.passAtK === null ? '—' : formatPercent(repeats.passAtK)}`,
      `pass^${repeats.k} ${repeats.passAllK === null ? '—' : formatPercent(repeats.passAllK)}`,
      `flaky ${repeats.flakyCases}/${repeats.cases}${repeats.flakinessRate === null ? '' : ` (${formatPercent(repeats.flakinessRate)})`}`,
    ];
    if (repeats.icc !== null) parts.push(`intra-case correlation ${repeats.icc.toFixed(2)}, design effect ${formatDesignEffect(repeats.designEffect ?? 1)}`);
    lines.push(`${cellLabel(cell.prompt, cell.provider)}: ${parts.join(' · ')}`);
    const flaky = [...repeats.flaky].sort((a, b) => Math.abs(a.passed / a.repeats - 0.5) - Math.abs(b.passed / b.repeats - 0.5));
    for (const entry of flaky.slice(0, show)) lines.push(`    ~ ${entry.caseId}: passed ${entry.passed} of ${entry.repeats}`);
    if (repeats.flakyCases > show) lines.push(`    … and ${repeats.flakyCases - show} more flaky case(s)`);
  }
  return lines.length ? `Repeats\n${lines.join('\n')}\n` : '';
}

/** One line per gate check: `✓ minPassRate v2 × gpt-4o-mini: lower bound 91.2% ≥ 90% (…)`. */
export function renderGates(gates: readonly GateResult[], options: { color?: boolean } = {}): string {
  if (gates.length === 0) return '';
  const color = options.color ?? false;
  const lines = gates.map((gate) => `${gate.ok ? green('✓', color) : red('✗', color)} ${gate.gate}  ${gate.detail}`);
  return `Gates\n${lines.join('\n')}\n`;
}

/** Why a run failed, in one line per failed gate or threshold (for the last line of output). */
export function failedChecks(summary: RunSummary): string[] {
  const checks = [
    ...summary.gates.filter((gate) => !gate.ok).map((gate) => `gate ${gate.gate}${gate.cell ? ` (${gate.cell})` : ''}`),
    ...summary.thresholds.filter((threshold) => !threshold.ok).map((threshold) => `threshold ${formatPercent(threshold.threshold, true)} (${threshold.cell})`),
  ];
  return [...new Set(checks)];
}
