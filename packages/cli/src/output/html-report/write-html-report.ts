import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { OutputRun } from '../output-run.ts';
import { CaseFlips, normalizeSummary, ReportCells, reportCase, reportComparisonRows, reportTextLimits, scriptJson, type ReportCase, type ReportData } from './report-data.ts';
import { comparisonPlaces, escapeHtml, renderCasesShell, renderComparison, renderCostChart, renderHeader, renderMatrix, renderMetrics, renderVerdict, renderWarnings } from './report-sections.ts';

/** Where something writes text, waiting when its buffer is full (write-output's file sink). */
export interface ReportSink {
  write(chunk: string): Promise<void>;
}

/** Cases per embedded `<script type="application/json">` block. */
const casesPerBlock = 500;

interface ReportAssets {
  css: string;
  /** Executed inline, in this order: Chart.js, the error-bar plug-in, the report's own script. */
  scripts: string[];
}

let assets: Promise<ReportAssets> | undefined;

/** Read once per process: the libraries are resolved like any dependency, so this works installed. */
function loadAssets(): Promise<ReportAssets> {
  assets ??= (async () => {
    const require = createRequire(import.meta.url);
    // Neither package exports its browser build; both sit next to their CommonJS entry.
    const chartJs = join(dirname(require.resolve('chart.js')), 'chart.umd.min.js');
    const errorBars = join(dirname(require.resolve('chartjs-chart-error-bars')), 'index.umd.min.js');
    const [css, ...scripts] = await Promise.all([
      readFile(new URL('./report.css', import.meta.url), 'utf8'),
      readFile(chartJs, 'utf8'),
      readFile(errorBars, 'utf8'),
      readFile(new URL('./report-client.js', import.meta.url), 'utf8'),
    ]);
    return { css: checkedInline(css, 'style', 'report.css'), scripts: scripts.map((script, index) => checkedInline(stripSourceMap(script), 'script', `script ${index + 1}`)) };
  })();
  assets.catch(() => (assets = undefined));
  return assets;
}

/** A source-map comment would point the browser's developer tools at a file that is not there. */
function stripSourceMap(script: string): string {
  return script.replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, '\n');
}

/** Inline code must not contain what would end its element early; a library update could add it. */
function checkedInline(text: string, element: 'script' | 'style', name: string): string {
  if (new RegExp(`</${element}|<!--`, 'i').test(text)) throw new Error(`Cannot inline ${name} into the HTML report: it contains "</${element}" or "<!--".`);
  return text;
}

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/**
 * Writes the run as one self-contained HTML file: styles, scripts (Chart.js and the error-bar
 * plug-in included) and data are inlined, and a Content-Security-Policy forbids every network
 * request, so the report opens offline and nothing in it can phone home. Results are streamed
 * into JSON blocks of 500 cases; per-case texts are cut to `reportTextLimits`.
 *
 * @example
 * await writeHtmlReport(sink, { record, summary, results: () => store.iterateResults(record.id) });
 */
export async function writeHtmlReport(sink: ReportSink, run: OutputRun): Promise<void> {
  const { record, comparison, promptComparison } = run;
  const summary = normalizeSummary(run.summary);
  const { css, scripts } = await loadAssets();
  const cells = new ReportCells(summary);
  // A case is marked flipped against the baseline run; without one, against the other prompt.
  const flips = new CaseFlips(comparison ?? promptComparison);

  // Inline scripts run only if their hash is listed; JSON blocks are data and never run.
  const policy = [
    "default-src 'none'",
    `script-src ${scripts.map(sha256).join(' ')}`,
    "style-src 'unsafe-inline'",
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');

  const sections: [string, string, boolean][] = [
    ['overview', 'Overview', true],
    ['matrix', 'Matrix', true],
    ['cost', 'Cost', true],
    ['metrics', 'Metrics', summary.metrics.length > 0],
    [comparisonPlaces.baseline.id, comparisonPlaces.baseline.title, comparison !== undefined],
    [comparisonPlaces.prompts.id, comparisonPlaces.prompts.title, promptComparison !== undefined],
    ['cases', 'Cases', true],
  ];
  const nav = sections
    .filter(([, , shown]) => shown)
    .map(([id, title]) => `<a href="#${id}">${title}</a>`)
    .join('');

  await sink.write(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(policy)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="Assay">
<title>${escapeHtml(`Assay report · ${record.id}`)}</title>
<style>${css}</style>
</head>
<body>
<nav class="topnav" aria-label="Sections"><span class="topnav-brand">Assay</span>${nav}</nav>
<main>
${renderHeader(record, summary, cells.cells, comparison)}
${renderVerdict(record, summary)}
${renderWarnings(summary, comparison)}
${renderMatrix(summary, cells.cells)}
${renderCostChart(cells.cells)}
${renderMetrics(summary)}
${renderComparison(comparison, comparisonPlaces.baseline)}
${renderComparison(promptComparison, comparisonPlaces.prompts)}
${renderCasesShell((comparison ?? promptComparison) !== undefined)}
</main>
<footer class="report-footer">Written by Assay from run <code>${escapeHtml(record.id)}</code>. This file is self-contained and makes no network requests. Long texts are cut in it (model output to ${reportTextLimits.output.toLocaleString('en-US')} characters); <code>-o results.json</code> keeps them whole.</footer>
`);

  let block: ReportCase[] = [];
  let caseCount = 0;
  const flush = async () => {
    if (block.length === 0) return;
    await sink.write(`<script type="application/json" class="assay-cases">${scriptJson(block)}</script>\n`);
    block = [];
  };
  for await (const result of run.results()) {
    block.push(reportCase(result, cells.indexOf(result.promptId, result.providerId), flips.of(result)));
    caseCount += 1;
    if (block.length === casesPerBlock) await flush();
  }
  await flush();

  const data: ReportData = {
    runId: record.id,
    cells: cells.cells,
    comparison: reportComparisonRows(comparison),
    promptComparison: reportComparisonRows(promptComparison),
    caseCount,
    textLimits: reportTextLimits,
  };
  await sink.write(`<script type="application/json" id="assay-report-data">${scriptJson(data)}</script>\n`);
  for (const script of scripts) await sink.write(`<script>${script}</script>\n`);
  await sink.write('</body>\n</html>\n');
}
