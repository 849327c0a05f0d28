import type { CellComparison, ComparisonTestName, Estimate, GateResult, MetricSummary, RunComparison, RunRecord, RunSummary, SummaryCell } from '@assay/spec';
import { cellLabel, formatCount, formatDesignEffect, formatDuration, formatPercent, formatUsd } from '../format.ts';
import { finite, type ReportCell } from './report-data.ts';

/**
 * The report's static sections, rendered at write time: they read without JavaScript and print.
 * Everything from the run passes through `escapeHtml`; numbers pass through the formatters
 * below, which print `—` (with a reason where one is known) instead of NaN, null or undefined.
 */

const htmlEntities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (character) => htmlEntities[character]!);
}

const dash = '<span class="muted">—</span>';

function percent(rate: number | null | undefined): string {
  const value = finite(rate);
  return value === null ? dash : escapeHtml(formatPercent(value));
}

function intervalText(ci: [number, number] | null | undefined, scale: 'percent' | 'score'): string {
  if (!ci || !Number.isFinite(ci[0]) || !Number.isFinite(ci[1])) return '';
  const format = scale === 'percent' ? (value: number) => (value * 100).toFixed(1) : (value: number) => value.toFixed(3);
  return ` <span class="ci">[${format(ci[0])}–${format(ci[1])}]</span>`;
}

/** `87.5% [73.9–94.5]`, or "no cases" when there is nothing to estimate from. */
function rateWithInterval(n: number, rate: number | null | undefined, ci: [number, number] | null | undefined): string {
  if (n === 0 || finite(rate) === null) return '<span class="muted">no cases</span>';
  return `${percent(rate)}${intervalText(ci, 'percent')}`;
}

function scoreWithInterval(n: number, score: number | null | undefined, ci: [number, number] | null | undefined): string {
  const value = finite(score);
  if (n === 0) return '<span class="muted">no cases</span>';
  if (value === null) return dash;
  return `${value.toFixed(3)}${intervalText(ci, 'score')}`;
}

function usd(value: number | null | undefined, missing: string): string {
  const amount = finite(value);
  return amount === null ? `<span class="muted">${escapeHtml(missing)}</span>` : escapeHtml(formatUsd(amount));
}

function count(value: number | null | undefined): string {
  const amount = finite(value);
  return amount === null ? dash : escapeHtml(formatCount(Math.round(amount)));
}

function milliseconds(value: number | null | undefined): string {
  const amount = finite(value);
  if (amount === null) return dash;
  return amount >= 10_000 ? escapeHtml(`${(amount / 1000).toFixed(1)} s`) : escapeHtml(`${Math.round(amount).toLocaleString('en-US')} ms`);
}

/** A plain number with up to four significant digits: gate values are rates, dollars or counts. */
function plainNumber(value: number | null | undefined): string {
  const amount = finite(value);
  if (amount === null) return '—';
  if (Number.isInteger(amount)) return amount.toLocaleString('en-US');
  return String(Number(amount.toPrecision(4)));
}

function pValue(value: number | null): string {
  const p = finite(value);
  if (p === null) return dash;
  if (p < 0.001) return '&lt;0.001';
  return p.toFixed(3);
}

/** A percentage-point difference (`+4.2 pts`) or a score difference (`+0.042`). */
function signed(value: number | null, kind: 'rate' | 'score'): string {
  const amount = finite(value);
  if (amount === null) return '—';
  const sign = amount > 0 ? '+' : amount < 0 ? '−' : '±';
  const magnitude = Math.abs(amount);
  return kind === 'rate' ? `${sign}${(magnitude * 100).toFixed(1)} pts` : `${sign}${magnitude.toFixed(3)}`;
}

function signedInterval(ci: [number, number] | null, kind: 'rate' | 'score'): string {
  if (!ci) return '';
  const format = (value: number) => (kind === 'rate' ? (value * 100).toFixed(1) : value.toFixed(3)).replace(/^-/, '−');
  return ` <span class="ci">[${escapeHtml(format(ci[0]))}, ${escapeHtml(format(ci[1]))}]</span>`;
}

/** A small drawn interval next to a rate: the range as a band, the estimate as a tick. */
function intervalBar(rate: number | null, ci: [number, number] | null): string {
  if (rate === null) return '';
  const clamp = (value: number) => Math.min(100, Math.max(0, value * 100));
  const low = ci ? clamp(ci[0]) : clamp(rate);
  const high = ci ? clamp(ci[1]) : clamp(rate);
  return (
    `<span class="ci-bar" aria-hidden="true"><span class="ci-band" style="left:${low.toFixed(2)}%;width:${Math.max(0.5, high - low).toFixed(2)}%"></span>` +
    `<span class="ci-tick" style="left:${clamp(rate).toFixed(2)}%"></span></span>`
  );
}

function mark(ok: boolean): string {
  return ok ? '<span class="mark ok" title="holds">✓</span>' : '<span class="mark bad" title="fails">✗</span>';
}

function formatDate(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

// ---------------------------------------------------------------------------------------------
// Header and verdict

interface Tile {
  label: string;
  value: string;
  detail?: string;
  tone?: 'ok' | 'bad' | 'warn';
}

function tiles(items: Tile[]): string {
  const rendered = items.map(
    (item) =>
      `<div class="tile${item.tone ? ` ${item.tone}` : ''}"><div class="tile-label">${escapeHtml(item.label)}</div><div class="tile-value">${item.value}</div>${
        item.detail ? `<div class="tile-detail">${item.detail}</div>` : ''
      }</div>`,
  );
  return `<div class="tiles">${rendered.join('')}</div>`;
}

/** The run's identity and totals. */
export function renderHeader(record: RunRecord, summary: RunSummary, cells: ReportCell[], comparison: RunComparison | undefined): string {
  const priced = summary.cells.some((cell) => cell.n > 0 && cell.costPerCase !== null);
  const unpriced = summary.cells.filter((cell) => cell.n > 0 && cell.costPerCase === null).length;
  const costDetail = !priced && summary.total > 0 ? 'no model has a known price' : unpriced > 0 ? `${unpriced} cell(s) without a known price` : '';
  const status = record.status;
  const statusTone = status === 'completed' ? undefined : status === 'interrupted' || status === 'running' ? 'warn' : 'bad';
  const rate = summary.total > 0 ? summary.passed / summary.total : null;

  const compared = comparison
    ? `<p class="subtitle">Compared with baseline <code>${escapeHtml(comparison.baseline.label ?? comparison.baseline.id)}</code>${
        comparison.baseline.label ? ` <span class="muted">(${escapeHtml(comparison.baseline.id)})</span>` : ''
      }; see <a href="#comparison">the comparison</a>.</p>`
    : '';

  return `<header class="report-header" id="overview">
<div class="brand">Assay <span>eval report</span></div>
<h1>Run <code>${escapeHtml(record.id)}</code></h1>
<p class="subtitle">${escapeHtml(formatDate(record.createdAt))} · suite <code title="${escapeHtml(record.configPath)}">${escapeHtml(record.configPath)}</code> · ${cells.length} cell(s)</p>
${compared}
${tiles([
  { label: 'Status', value: escapeHtml(status), tone: statusTone, detail: status === 'completed' ? '' : escapeHtml(`${summary.total} of ${record.total} calls saved`) },
  { label: 'Cases', value: count(summary.total), detail: escapeHtml(`${summary.passed.toLocaleString('en-US')} passed · ${summary.failed.toLocaleString('en-US')} failed`) },
  { label: 'Pass rate', value: rate === null ? '<span class="muted">no cases</span>' : percent(rate), detail: 'all cells pooled' },
  { label: 'Errors', value: count(summary.errors), tone: summary.errors > 0 ? 'warn' : undefined, detail: 'calls failed after retries' },
  { label: 'Duration', value: escapeHtml(formatDuration(finite(summary.durationMs) ?? 0)) },
  { label: 'Cost', value: priced ? usd(summary.cost, 'unknown') : '<span class="muted">unknown</span>', detail: escapeHtml(costDetail) },
  { label: 'Tokens', value: count(summary.tokens) },
])}
</header>`;
}

/** Metrics whose judge is uncalibrated, by metric name. */
function uncalibratedMetrics(summary: RunSummary): Set<string> {
  return new Set(summary.metrics.filter((metric) => metric.judge && !metric.judge.calibrated).map((metric) => metric.metric));
}

function gateItem(gate: GateResult, uncalibrated: Set<string>): string {
  const metric = gate.gate.startsWith('metric:') ? gate.gate.slice('metric:'.length) : undefined;
  const flag = metric !== undefined && uncalibrated.has(metric) ? ' <span class="flag warn">uncalibrated judge</span>' : '';
  const numbers =
    finite(gate.value) !== null || finite(gate.limit) !== null
      ? `<span class="gate-numbers">value ${escapeHtml(plainNumber(gate.value))} · limit ${escapeHtml(plainNumber(gate.limit))}</span>`
      : '';
  return `<li class="gate ${gate.ok ? 'ok' : 'bad'}">${mark(gate.ok)}<div><div class="gate-name"><strong>${escapeHtml(gate.gate)}</strong>${
    gate.cell ? ` <span class="muted">on</span> ${escapeHtml(gate.cell)}` : ''
  }${flag}</div><div class="gate-detail">${escapeHtml(gate.detail)}</div>${numbers}</div></li>`;
}

/** The overall verdict: gates and thresholds, with the numbers behind each. */
export function renderVerdict(record: RunRecord, summary: RunSummary): string {
  const failedGates = summary.gates.filter((gate) => !gate.ok);
  const missed = summary.thresholds.filter((threshold) => !threshold.ok);
  const complete = record.status === 'completed';
  const ok = failedGates.length === 0 && missed.length === 0;
  const judged = summary.gates.length + summary.thresholds.length > 0;
  const tone = !complete ? 'warn' : !judged ? 'neutral' : ok ? 'ok' : 'bad';
  const title = !complete ? `Run ${record.status}: results are partial` : !judged ? 'Completed' : ok ? 'Passed' : 'Failed';

  const parts: string[] = [];
  if (summary.gates.length > 0) {
    parts.push(failedGates.length === 0 ? `all ${summary.gates.length} gate(s) hold` : `${failedGates.length} of ${summary.gates.length} gate(s) failed`);
  }
  if (summary.thresholds.length > 0) {
    parts.push(
      missed.length === 0
        ? `every cell meets its pass-rate threshold (${summary.thresholds.length})`
        : `${missed.length} of ${summary.thresholds.length} cell(s) below their pass-rate threshold`,
    );
  }
  if (parts.length === 0) parts.push('no gates or pass-rate thresholds are set, so nothing decides pass or fail');
  const sentence = `${parts.join('; ')}.`;

  const uncalibrated = uncalibratedMetrics(summary);
  const gates = summary.gates.length > 0 ? `<div><h3>Gates</h3><ul class="gates">${summary.gates.map((gate) => gateItem(gate, uncalibrated)).join('')}</ul></div>` : '';
  const thresholdItems = summary.thresholds.map((threshold) => {
    const rate = finite(threshold.passRate);
    const detail =
      rate === null
        ? `no results to compare with threshold ${formatPercent(threshold.threshold, true)}`
        : `pass rate ${formatPercent(rate)} ${threshold.ok ? 'meets' : 'is below'} threshold ${formatPercent(threshold.threshold, true)}`;
    return `<li class="gate ${threshold.ok ? 'ok' : 'bad'}">${mark(threshold.ok)}<div><div class="gate-name"><strong>${escapeHtml(threshold.cell)}</strong></div><div class="gate-detail">${escapeHtml(detail)}</div></div></li>`;
  });
  const thresholds = thresholdItems.length > 0 ? `<div><h3>Pass-rate thresholds</h3><ul class="gates">${thresholdItems.join('')}</ul></div>` : '';

  return `<section class="verdict ${tone}" aria-label="Verdict">
<div class="verdict-title">${tone === 'ok' ? '✓ ' : tone === 'bad' ? '✗ ' : tone === 'warn' ? '! ' : ''}${escapeHtml(title)}</div>
<p class="verdict-sentence">${escapeHtml(sentence.charAt(0).toUpperCase() + sentence.slice(1))}</p>
<div class="verdict-lists">${gates}${thresholds}</div>
</section>`;
}

export function renderWarnings(summary: RunSummary, comparison: RunComparison | undefined): string {
  const warnings = [...summary.warnings, ...(comparison?.warnings ?? [])];
  if (warnings.length === 0) return '';
  return `<section class="callout warn" aria-label="Warnings"><strong>Warnings</strong><ul>${warnings.map((warning) => `<li>${escapeHtml(warning)}</li>`).join('')}</ul></section>`;
}

// ---------------------------------------------------------------------------------------------
// The matrix

/** Cost per case says why it is missing; the other cost columns of that row just show a dash. */
function costCell(cell: SummaryCell, value: number | null, explain: boolean): string {
  if (cell.n === 0) return dash;
  if (cell.costPerCase === null) return explain ? '<span class="muted" title="No call in this cell had a known price">unknown price</span>' : dash;
  return usd(value, cell.passed === 0 ? 'no passes' : '—');
}

/** One row per prompt × provider cell, with the pass-rate chart above it. */
export function renderMatrix(summary: RunSummary, cells: ReportCell[]): string {
  const thresholds = new Map(summary.thresholds.map((threshold) => [threshold.cell, threshold]));
  const hasErrors = summary.cells.some((cell) => cell.errors > 0);
  const rows = summary.cells.map((cell) => {
    const label = cellLabel(cell.prompt, cell.provider);
    const threshold = thresholds.get(label);
    const empty = cell.n === 0;
    const rate = empty ? null : finite(cell.passRate);
    return `<tr${empty ? ' class="empty"' : ''}>
<td class="text"><span class="prompt">${escapeHtml(cell.prompt)}</span></td>
<td class="text">${escapeHtml(cell.provider)}${
      cells.find((reportCell) => reportCell.label === label)?.pareto ? ' <span class="flag pareto" title="On the cost–quality Pareto frontier">Pareto</span>' : ''
    }</td>
<td class="num rate">${rateWithInterval(cell.n, rate, cell.ci95)}${intervalBar(rate, rate === null ? null : cell.ci95)}</td>
<td class="num">${escapeHtml(cell.n.toLocaleString('en-US'))}</td>
<td class="num">${scoreWithInterval(cell.n, cell.meanScore, cell.scoreCi95)}</td>
<td class="num">${costCell(cell, cell.costPerCase, true)}</td>
<td class="num">${costCell(cell, cell.costPerPass, false)}</td>
<td class="num">${costCell(cell, cell.cost, false)}</td>
<td class="num">${empty ? dash : count(cell.tokens)}</td>
<td class="num">${empty ? dash : milliseconds(cell.meanLatencyMs)}</td>
${hasErrors ? `<td class="num">${cell.errors > 0 ? `<span class="bad-text">${escapeHtml(cell.errors)}</span>` : dash}</td>` : ''}
<td class="num">${threshold ? `${mark(threshold.ok)} ${escapeHtml(formatPercent(threshold.threshold, true))}` : dash}</td>
</tr>`;
  });

  const table =
    summary.cells.length === 0
      ? '<p class="muted">The run has no cells.</p>'
      : `<div class="table-wrap"><table class="matrix">
<thead><tr><th>Prompt</th><th>Provider</th><th class="num">Pass rate <span class="ci">[95% CI]</span></th><th class="num">n</th><th class="num">Mean score <span class="ci">[95% CI]</span></th><th class="num">Cost / case</th><th class="num">Cost / pass</th><th class="num">Cost</th><th class="num">Tokens</th><th class="num" title="Mean latency per call">Latency</th>${
          hasErrors ? '<th class="num">Errors</th>' : ''
        }<th class="num">Threshold</th></tr></thead>
<tbody>${rows.join('')}</tbody></table></div>`;

  return `<section id="matrix">
<h2>Matrix <span class="caption">pass rate per prompt × provider, with its 95% interval</span></h2>
<figure class="chart-box" id="pass-rate-figure"><div class="chart-frame" style="height:${Math.max(140, 56 + summary.cells.length * 34)}px"><canvas id="pass-rate-chart" role="img" aria-label="Pass rate per cell with 95% intervals"></canvas></div>
<figcaption>Bars are pass rates; whiskers are 95% intervals${
    summary.cells.some((cell) => cell.repeats) ? ' (cluster-aware where cases repeat)' : ''
  }.${summary.thresholds.length > 0 ? " The dashed line is the cell's pass-rate threshold." : ''}</figcaption></figure>
${table}
${renderRepeats(summary)}
</section>`;
}

function renderRepeats(summary: RunSummary): string {
  const repeated = summary.cells.filter((cell) => cell.repeats);
  if (repeated.length === 0) return '';
  const rows = repeated.map((cell) => {
    const repeats = cell.repeats!;
    const label = cellLabel(cell.prompt, cell.provider);
    const flaky =
      repeats.flaky.length === 0
        ? '<span class="muted">none</span>'
        : `<details><summary>${escapeHtml(repeats.flakyCases)} flaky case(s)</summary><ul class="chips">${repeats.flaky
            .map(
              (entry) =>
                `<li><button type="button" class="chip" data-filter-cell="${escapeHtml(label)}" data-filter-search="${escapeHtml(entry.caseId)}" title="Show its repeats in the case table">${escapeHtml(entry.caseId)} <span class="muted">${escapeHtml(`${entry.passed}/${entry.repeats}`)}</span></button></li>`,
            )
            .join('')}${
            repeats.flakyCases > repeats.flaky.length ? `<li class="muted">and ${escapeHtml(repeats.flakyCases - repeats.flaky.length)} more</li>` : ''
          }</ul></details>`;
    return `<tr>
<td class="text">${escapeHtml(label)}</td>
<td class="num">${escapeHtml(repeats.k)}</td>
<td class="num">${escapeHtml(repeats.cases.toLocaleString('en-US'))}</td>
<td class="num">${percent(repeats.passAtK)}</td>
<td class="num">${percent(repeats.passAllK)}</td>
<td class="num">${escapeHtml(repeats.flakyCases)} <span class="muted">(${percent(repeats.flakinessRate)})</span></td>
<td class="num">${finite(repeats.icc) === null ? dash : escapeHtml(repeats.icc!.toFixed(2))}</td>
<td class="num">${finite(repeats.designEffect) === null ? dash : escapeHtml(formatDesignEffect(repeats.designEffect!))}</td>
<td class="text">${flaky}</td>
</tr>`;
  });
  return `<h3>Repeats <span class="caption">how stable each case's outcome is across its k runs</span></h3>
<div class="table-wrap"><table class="repeats">
<thead><tr><th>Cell</th><th class="num">k</th><th class="num">Cases</th><th class="num" title="Share of cases that passed at least once in k tries">pass@k</th><th class="num" title="Share of cases that passed all k tries">pass^k</th><th class="num">Flaky</th><th class="num" title="Intra-case correlation of pass/fail">ICC</th><th class="num" title="Variance inflation of the pass rate from repeating cases: the interval is as wide as for n / design effect independent cases">Design effect</th><th>Flaky cases</th></tr></thead>
<tbody>${rows.join('')}</tbody></table></div>`;
}

// ---------------------------------------------------------------------------------------------
// Cost against quality

export function renderCostChart(cells: ReportCell[]): string {
  const unknown = cells.filter((cell) => cell.n > 0 && cell.costPerCase === null);
  const plotted = cells.filter((cell) => cell.n > 0 && cell.costPerCase !== null && cell.passRate !== null);
  const empty = cells.filter((cell) => cell.n === 0);
  const notes: string[] = [];
  if (unknown.length > 0) {
    notes.push(
      `<p class="note">Not plotted, no known price: ${unknown.map((cell) => `<strong>${escapeHtml(cell.label)}</strong>`).join(', ')}. Add a <code>prices:</code> entry to compare their cost.</p>`,
    );
  }
  if (empty.length > 0) notes.push(`<p class="note">Not plotted, no cases: ${empty.map((cell) => escapeHtml(cell.label)).join(', ')}.</p>`);
  const frontier = cells.filter((cell) => cell.pareto);
  const chart =
    plotted.length === 0
      ? '<p class="muted">No cell has a known cost, so there is nothing to plot.</p>'
      : `<figure class="chart-box"><div class="chart-frame" style="height:340px"><canvas id="cost-chart" role="img" aria-label="Cost per case against pass rate per cell"></canvas></div>
<figcaption>Each point is a cell: cost per case against pass rate, whiskers the 95% interval. The line joins the Pareto frontier, the cells no other cell beats on both cost and pass rate${
          frontier.length > 0 ? `: ${frontier.map((cell) => escapeHtml(cell.label)).join(', ')}` : ''
        }.</figcaption></figure>`;
  return `<section id="cost">
<h2>Cost against quality <span class="caption">cheaper is left, better is up</span></h2>
${chart}
${notes.join('\n')}
</section>`;
}

// ---------------------------------------------------------------------------------------------
// Metrics

function judgeCell(metric: MetricSummary): string {
  const judge = metric.judge;
  if (!judge) return dash;
  const file = `<code>${escapeHtml(judge.file)}</code>`;
  if (!judge.calibrated) return `${file} <span class="flag warn" title="Its pass rates are not corrected for the judge's error">uncalibrated judge</span>`;
  const parts = [];
  if (finite(judge.sensitivity) !== null) parts.push(`sensitivity ${formatPercent(judge.sensitivity!)}`);
  if (finite(judge.specificity) !== null) parts.push(`specificity ${formatPercent(judge.specificity!)}`);
  return `${file} <span class="flag ok">calibrated</span>${parts.length > 0 ? ` <span class="muted">${escapeHtml(parts.join(' · '))}</span>` : ''}`;
}

export function renderMetrics(summary: RunSummary): string {
  if (summary.metrics.length === 0) return '';
  const hasJudges = summary.metrics.some((metric) => metric.judge);
  const rows = summary.metrics.map((metric) => {
    const rate = metric.n > 0 ? finite(metric.passRate) : null;
    const corrected = metric.judge?.calibrated ? finite(metric.judge.correctedPassRate) : null;
    return `<tr${metric.n === 0 ? ' class="empty"' : ''}>
<td class="text"><strong>${escapeHtml(metric.metric)}</strong></td>
<td class="text">${escapeHtml(cellLabel(metric.prompt, metric.provider))}</td>
<td class="num">${escapeHtml(metric.n.toLocaleString('en-US'))}</td>
<td class="num rate">${rateWithInterval(metric.n, rate, metric.ci95)}${intervalBar(rate, rate === null ? null : metric.ci95)}</td>
${
  hasJudges
    ? `<td class="num rate">${
        metric.judge
          ? metric.judge.calibrated
            ? `${rateWithInterval(metric.n, corrected, metric.judge.correctedCi95)}${intervalBar(corrected, corrected === null ? null : (metric.judge.correctedCi95 ?? null))}`
            : '<span class="muted">not corrected</span>'
          : dash
      }</td><td class="text">${judgeCell(metric)}</td>`
    : ''
}
</tr>`;
  });
  return `<section id="metrics">
<h2>Metrics <span class="caption">assertions grouped by their <code>metric:</code> name</span></h2>
<div class="table-wrap"><table class="metrics">
<thead><tr><th>Metric</th><th>Cell</th><th class="num">n</th><th class="num">Pass rate <span class="ci">[95% CI]</span></th>${
    hasJudges ? '<th class="num" title="Rogan–Gladen correction for the judge\'s sensitivity and specificity">Judge-corrected <span class="ci">[95% CI]</span></th><th>Judge</th>' : ''
  }</tr></thead>
<tbody>${rows.join('')}</tbody></table></div>
${hasJudges ? '<p class="note">A calibrated judge\'s pass rate is also shown corrected for its measured error (Rogan–Gladen); the interval includes the uncertainty of the calibration. An uncalibrated judge\'s rate is its raw verdicts: run <code>assay judge calibrate</code> to measure it.</p>' : ''}
</section>`;
}

// ---------------------------------------------------------------------------------------------
// Comparison

const testNames: Record<ComparisonTestName, string> = {
  'mcnemar-exact': 'exact McNemar',
  'paired-bootstrap': 'paired bootstrap',
  'wilcoxon-signed-rank': 'Wilcoxon signed-rank',
  'newcombe-unpaired': 'Newcombe (unpaired)',
  'bootstrap-unpaired': 'bootstrap (unpaired)',
};

function estimate(value: Estimate, kind: 'rate' | 'score'): string {
  if (value.n === 0 || finite(value.estimate) === null) return '<span class="muted">no cases</span>';
  const main = kind === 'rate' ? percent(value.estimate) : escapeHtml(value.estimate!.toFixed(3));
  return `${main}${intervalText(value.ci95, kind === 'rate' ? 'percent' : 'score')}<div class="muted small">n=${escapeHtml(value.n.toLocaleString('en-US'))}</div>`;
}

function verdictCell(row: CellComparison): string {
  const tone = row.verdict === 'better' ? 'ok' : row.verdict === 'worse' ? 'bad' : 'neutral';
  const effect = finite(row.minimumDetectableEffect);
  const mde =
    row.verdict !== 'no detectable difference'
      ? ''
      : effect !== null
        ? `<div class="muted small mde">could detect ${escapeHtml(signed(effect, row.kind).replace(/^\+/, '±'))} or more</div>`
        : row.note
          ? `<div class="muted small mde">${escapeHtml(row.note)}</div>`
          : '';
  return `<span class="verdict-chip ${tone}">${escapeHtml(row.verdict)}</span>${mde}`;
}

function flippedCell(row: CellComparison, flipFilter: boolean): string {
  const parts: string[] = [];
  const list = (ids: string[], direction: 'to-fail' | 'to-pass') => {
    if (ids.length === 0) return;
    const text = direction === 'to-fail' ? `${ids.length} now fail` : `${ids.length} now pass`;
    const tone = direction === 'to-fail' ? 'bad' : 'ok';
    if (flipFilter) {
      parts.push(
        `<button type="button" class="chip ${tone}" data-filter-cell="${escapeHtml(row.cell)}" data-filter-flip="${direction}" title="Show these cases">${escapeHtml(text)}</button>`,
      );
    } else {
      const shown = ids.slice(0, 200).map((id) => escapeHtml(id));
      parts.push(
        `<details><summary class="${tone}-text">${escapeHtml(text)}</summary><div class="id-list">${shown.join(', ')}${ids.length > 200 ? ` and ${ids.length - 200} more` : ''}</div></details>`,
      );
    }
  };
  list(row.flippedToFail, 'to-fail');
  list(row.flippedToPass, 'to-pass');
  return parts.length > 0 ? parts.join(' ') : dash;
}

/** Where a comparison sits in the report: the baseline comparison, or two prompts of this run. */
export interface ComparisonPlace {
  /** Section id; the difference chart's canvas is `${id}-chart`. */
  id: string;
  title: string;
}

export const comparisonPlaces = {
  baseline: { id: 'comparison', title: 'Comparison' },
  prompts: { id: 'prompt-comparison', title: 'Prompt comparison' },
} as const satisfies Record<string, ComparisonPlace>;

/** The interval that agrees with the verdict (Holm-adjusted); `ci95` for comparisons stored before issue 11. */
function verdictInterval(row: CellComparison): [number, number] | null {
  return row.adjustedCi === undefined ? row.ci95 : row.adjustedCi;
}

export function renderComparison(comparison: RunComparison | undefined, place: ComparisonPlace = comparisonPlaces.baseline): string {
  if (!comparison) return '';
  const name = (run: RunComparison['baseline']) =>
    `<code>${escapeHtml(run.label ?? run.id)}</code>${run.label ? ` <span class="muted">${escapeHtml(run.id)}</span>` : ''}`;
  const rows = comparison.cells.map((row) => {
    // Case-level flips sit on the `pass` rows and filter the case table; a metric's are listed.
    const flipFilter = row.metric === 'pass';
    return `<tr class="verdict-${row.verdict === 'better' ? 'better' : row.verdict === 'worse' ? 'worse' : 'none'}">
<td class="text">${escapeHtml(row.cell)}${row.baselineCell !== row.cell ? `<div class="muted small">baseline: ${escapeHtml(row.baselineCell)}</div>` : ''}</td>
<td class="text">${escapeHtml(row.metric)}</td>
<td class="num">${estimate(row.baseline, row.kind)}</td>
<td class="num">${estimate(row.candidate, row.kind)}</td>
<td class="num"><strong>${escapeHtml(signed(row.difference, row.kind))}</strong>${signedInterval(finite(row.difference) === null ? null : verdictInterval(row), row.kind)}<div class="muted small">${escapeHtml(
      row.paired > 0 ? `${testNames[row.test] ?? row.test} · ${row.paired.toLocaleString('en-US')} paired` : (testNames[row.test] ?? row.test),
    )}</div></td>
<td class="num">${pValue(row.pValue)}</td>
<td class="num">${pValue(row.adjustedPValue)}</td>
<td class="text">${verdictCell(row)}</td>
<td class="text">${flippedCell(row, flipFilter)}</td>
</tr>`;
  });
  // 1 − 0.95 is 0.050000000000000044 in floating point.
  const alpha = Number(comparison.alpha.toPrecision(4));
  const levels = comparison.cells.map((row) => finite(row.adjustedConfidence)).filter((level): level is number => level !== null);
  const levelText = (level: number) => `${Number((level * 100).toFixed(1))}%`;
  const range = levels.length ? [levelText(Math.min(...levels)), levelText(Math.max(...levels))] : null;
  const intervals = range
    ? `Holm-adjusted intervals (${range[0] === range[1] ? range[0] : `${range[0]}–${range[1]}`}): each at the level of the Holm step that decided its row, so an interval reaches zero exactly when its row is no detectable difference`
    : `${Number(((1 - comparison.alpha) * 100).toPrecision(4))}% intervals`;
  return `<section id="${place.id}">
<h2>${escapeHtml(place.title)} <span class="caption">candidate ${name(comparison.candidate)} against baseline ${name(comparison.baseline)}</span></h2>
<figure class="chart-box"><div class="chart-frame" style="height:${Math.max(140, 60 + comparison.cells.length * 30)}px"><canvas id="${place.id}-chart" class="difference-chart" role="img" aria-label="Difference candidate minus baseline with intervals"></canvas></div>
<figcaption>Candidate − baseline per cell and metric, with ${escapeHtml(intervals)}. Right of zero is better. Verdicts use Holm-adjusted p-values at α = ${escapeHtml(alpha)} across all ${escapeHtml(comparison.cells.length)} row(s).</figcaption></figure>
<div class="table-wrap"><table class="comparison">
<thead><tr><th>Cell</th><th>Metric</th><th class="num">Baseline</th><th class="num">Candidate</th><th class="num">Difference <span class="ci">[${range ? 'Holm CI' : '95% CI'}]</span> · test</th><th class="num">p</th><th class="num" title="Holm-adjusted across every row">Holm p</th><th>Verdict</th><th>Flipped cases</th></tr></thead>
<tbody>${rows.join('')}</tbody></table></div>
</section>`;
}

// ---------------------------------------------------------------------------------------------
// Cases: the controls and an empty table; the client script fills it from the embedded data.

export function renderCasesShell(hasComparison: boolean): string {
  const flip = hasComparison
    ? `<label>Flipped <select id="filter-flip"><option value="">all cases</option><option value="any">flipped either way</option><option value="to-fail">passed in baseline, fail now</option><option value="to-pass">failed in baseline, pass now</option></select></label>`
    : '';
  return `<section id="cases">
<h2>Cases <span class="caption">every prompt × provider × case × repeat; click a row for its details</span></h2>
<noscript><p class="callout warn">The case table needs JavaScript. The JSON output (<code>-o results.json</code>) has every case.</p></noscript>
<form class="filters" id="case-filters" autocomplete="off">
<label class="grow">Search <input type="search" id="filter-search" placeholder="case id, output, variables, reasons…"></label>
<label>Cell <select id="filter-cell"><option value="">all cells</option></select></label>
<label>Result <select id="filter-status"><option value="">all</option><option value="pass">passed</option><option value="fail">failed (not errors)</option><option value="error">errors</option><option value="not-pass">failed or errored</option></select></label>
${flip}
<label>Sort <select id="filter-sort"><option value="">run order</option><option value="score">lowest score first</option><option value="latency">slowest first</option><option value="cost">costliest first</option><option value="case">case id</option></select></label>
<button type="reset" class="link-button">Clear</button>
</form>
<div class="table-status" id="case-count" aria-live="polite">Loading cases…</div>
<div class="table-wrap"><table class="cases" id="case-table">
<thead><tr><th>Result</th><th>Cell</th><th>Case</th><th class="num">Score</th><th class="num">Latency</th><th class="num">Cost</th><th class="num">Tokens</th><th>Failed assertions / output</th></tr></thead>
<tbody></tbody></table></div>
<div class="pager" id="case-pager"></div>
</section>
<div class="case-view-backdrop" id="case-view" hidden><div class="case-view" role="dialog" aria-modal="true" aria-labelledby="case-view-title" tabindex="-1"></div></div>`;
}
