import path from 'node:path';
import type { KappaEstimate, KrippendorffAlphaEstimate } from '@assay/core';
import { createProviderRegistry } from '@assay/providers';
import { calibrateJudge, computeAgreement, type CalibrationRow, type CriterionAgreement, type JudgeCalibrationReport } from '@assay/runner';
import { RunOptionsSchema } from '@assay/spec';
import { defaultDataDirectory } from '@assay/store';
import { formatPercent, truncate } from '../output/format.ts';

export interface JudgeCalibrateOptions {
  labels: string;
  concurrency?: number;
  replay?: string | boolean;
  record?: string | boolean;
  cache?: boolean;
  json?: boolean;
}

/** `assay judge calibrate <judge> --labels human.jsonl`: measure a judge against human labels and save the calibration. */
export async function judgeCalibrateCommand(judgeFile: string, options: JudgeCalibrateOptions): Promise<number> {
  const cwd = process.cwd();
  const dataDirectory = defaultDataDirectory(cwd);
  const defaults = RunOptionsSchema.parse({});
  const cassetteMode = options.replay ? 'replay' : options.record ? 'record' : undefined;
  const cassetteOption = options.replay ?? options.record;
  const cassettePath =
    typeof cassetteOption === 'string'
      ? path.resolve(cassetteOption)
      : path.join(dataDirectory, 'cassettes', `judge-${path.basename(judgeFile).replace(/\.[^.]+$/, '')}.jsonl`);
  const providers = createProviderRegistry({
    cwd,
    cache: options.cache === false || cassetteMode ? false : { directory: path.join(dataDirectory, 'cache') },
    cassette: cassetteMode ? { path: cassettePath, mode: cassetteMode } : undefined,
    timeoutMs: defaults.timeoutMs,
    retries: defaults.retries,
  });
  const report = await calibrateJudge({ judgeFile, labelsFile: options.labels, providers, concurrency: options.concurrency ?? defaults.concurrency });
  if (options.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return 0;
  }
  for (const warning of report.warnings) process.stderr.write(`Warning: ${warning}\n`);
  process.stdout.write(renderCalibration(report, judgeFile, options.labels));
  return 0;
}

export function renderCalibration(report: JudgeCalibrationReport, judgeFile: string, labelsFile: string): string {
  const { calibration: c } = report;
  const { truePositives, falseNegatives, falsePositives, trueNegatives } = c.counts;
  const width = Math.max(4, ...[truePositives, falseNegatives, falsePositives, trueNegatives].map((count) => String(count).length));
  const cell = (count: number) => String(count).padStart(width + 8);
  const lines = [
    `Judge ${report.judgeName} (${judgeFile}, ${report.provider}) on ${c.evaluated} labelled row(s) from ${labelsFile}${c.unevaluable ? ` (${c.unevaluable} could not be judged)` : ''}:`,
    '',
    `${' '.repeat(14)}${'judge pass'.padStart(width + 8)}${'judge fail'.padStart(width + 8)}`,
    `  human pass  ${cell(truePositives)}${cell(falseNegatives)}   (${c.positives})`,
    `  human fail  ${cell(falsePositives)}${cell(trueNegatives)}   (${c.negatives})`,
    '',
    `  accuracy      ${rate(c.accuracy)}`,
    `  Cohen's κ     ${kappa(c.kappa.estimate, c.kappa.ci95)}`,
    `  sensitivity   ${rate(c.sensitivity)}   judge passes what humans pass`,
    `  specificity   ${rate(c.specificity)}   judge fails what humans fail`,
    '',
  ];
  if (report.disagreements.length) {
    lines.push(`Disagreements (${report.disagreements.length}):`, ...report.disagreements.map(row), '');
  }
  if (report.unevaluated.length) {
    lines.push(`Could not judge (${report.unevaluated.length}), left out of every rate:`, ...report.unevaluated.map(row), '');
  }
  lines.push(`Wrote ${report.calibrationPath}: suites that use ${judgeFile} (type: judge) now report its pass rates corrected for these error rates.`, '');
  return lines.join('\n');
}

function row(item: CalibrationRow): string {
  const verdict = item.judge === null ? 'not judged' : `judge ${item.judge ? 'pass' : 'fail'}`;
  return `  ${item.source}  ${item.id}: human ${item.human ? 'pass' : 'fail'}, ${verdict}: ${truncate(item.reason.replace(/\s+/g, ' '), 160)}${item.note ? ` (note: ${truncate(item.note, 80)})` : ''}`;
}

function rate(estimate: { n: number; estimate: number | null; ci95: [number, number] | null }): string {
  if (estimate.estimate === null || estimate.ci95 === null) return `—`.padEnd(24) + `n=${estimate.n} (no labels of this kind)`;
  return `${formatPercent(estimate.estimate).padStart(6)}  [${formatPercent(estimate.ci95[0])}, ${formatPercent(estimate.ci95[1])}]`.padEnd(24) + `n=${estimate.n}`;
}

function kappa(value: number | null, interval: [number, number] | null): string {
  if (value === null) return '— (undefined: one label only)';
  return `${value.toFixed(2).padStart(6)}  ${interval ? `[${interval[0].toFixed(2)}, ${interval[1].toFixed(2)}]` : ''}`;
}

/** `assay judge agreement --labels labels.jsonl`: agreement between human raters, per criterion. */
export async function judgeAgreementCommand(options: { labels: string; json?: boolean }): Promise<number> {
  const report = computeAgreement(options.labels);
  if (options.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return 0;
  }
  const lines = [`Agreement in ${report.labelsFile} (${report.rows} label(s)):`, ''];
  for (const criterion of report.criteria) lines.push(...renderCriterion(criterion), '');
  process.stdout.write(lines.join('\n'));
  return 0;
}

function renderCriterion(criterion: CriterionAgreement): string[] {
  const lines = [
    `${criterion.criterion}: ${criterion.raters.length} rater(s) (${criterion.raters.join(', ')}), ${criterion.items} item(s), ${criterion.ratings} label(s), ${criterion.scale} (${criterion.categories.join(', ')})`,
    `  percent agreement   ${criterion.percentAgreement === null ? '—' : formatPercent(criterion.percentAgreement)}`,
  ];
  if (criterion.cohensKappa) lines.push(`  Cohen's κ           ${cohen(criterion.cohensKappa)}`);
  if (criterion.fleissKappa) {
    const { kappa: value, subjects } = criterion.fleissKappa;
    lines.push(`  Fleiss' κ           ${value === null ? '—' : value.toFixed(3)}   (${subjects} item(s) every rater labelled)`);
  }
  const { nominal, ordinal, interval } = criterion.krippendorffAlpha;
  lines.push(`  Krippendorff's α    ${alpha(nominal)} nominal${ordinal ? `, ${alpha(ordinal)} ordinal` : ''}${interval ? `, ${alpha(interval)} interval` : ''}   (${nominal.units} item(s) with 2+ labels)`);
  if (criterion.singleRated.length) {
    lines.push(`  only one label (left out): ${truncate(criterion.singleRated.join(', '), 160)}`);
  }
  for (const note of criterion.notes) lines.push(`  note: ${note}`);
  return lines;
}

function cohen(estimate: KappaEstimate & { items: number }): string {
  if (estimate.kappa === null) return `—   (${estimate.items} item(s) both labelled)`;
  const interval = estimate.ci95 ? `  [${estimate.ci95[0].toFixed(3)}, ${estimate.ci95[1].toFixed(3)}]` : '';
  return `${estimate.kappa.toFixed(3)}${interval}   (${estimate.items} item(s) both labelled)`;
}

function alpha(estimate: KrippendorffAlphaEstimate): string {
  return estimate.alpha === null ? '—' : estimate.alpha.toFixed(3);
}
