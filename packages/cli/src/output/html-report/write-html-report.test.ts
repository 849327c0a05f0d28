import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunSummary } from '@assay/spec';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeResult, fakeRun } from '../fake-run.ts';
import { writeOutputFile } from '../write-output.ts';
import { CaseFlips, paretoFrontier, reportCase, reportTextLimits, scriptJson, type ReportCase, type ReportData } from './report-data.ts';
import { hostileOutput, reportFixture } from './report-fixture.ts';

let directory: string;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'assay-html-report-test-'));
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function writeReport(run: Parameters<typeof writeOutputFile>[1]): Promise<string> {
  const file = join(directory, 'report.html');
  await writeOutputFile(file, run);
  return readFile(file, 'utf8');
}

/** The document without its executable scripts (Chart.js and the report's own code). */
function withoutCode(html: string): string {
  return html.replace(/<script>[\s\S]*?<\/script>/g, '<script></script>');
}

/** The document as a reader sees it without scripts: markup only, no code, no data blocks. */
function markup(html: string): string {
  return withoutCode(html).replace(/<script type="application\/json"[^>]*>[\s\S]*?<\/script>/g, '');
}

function embeddedCases(html: string): ReportCase[] {
  const blocks = [...html.matchAll(/<script type="application\/json" class="assay-cases">([\s\S]*?)<\/script>/g)];
  return blocks.flatMap((match) => JSON.parse(match[1]!) as ReportCase[]);
}

function embeddedData(html: string): ReportData {
  return JSON.parse(/<script type="application\/json" id="assay-report-data">([\s\S]*?)<\/script>/.exec(html)![1]!);
}

describe('writeHtmlReport', () => {
  it('writes one self-contained document that loads nothing from elsewhere', async () => {
    const html = await writeReport(reportFixture());
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
    expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; script-src &#39;sha256-[^"]+; style-src &#39;unsafe-inline&#39;/);
    const page = withoutCode(html);
    expect(page).not.toMatch(/<(link|img|iframe|object|embed|base)\b/i);
    expect(page).not.toMatch(/<script[^>]+src=/i);
    expect(page).not.toMatch(/url\(|@import/i);
    // Chart.js, the error-bar plug-in and the report's script, inlined; source-map comments dropped.
    expect(html).toContain('ChartErrorBars');
    expect(html).toContain('assay-report-data');
    expect(html).not.toContain('sourceMappingURL');
  });

  it('lists each inline script in the policy by its hash', async () => {
    const html = await writeReport(reportFixture({ cases: 2 }));
    const { createHash } = await import('node:crypto');
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((match) => match[1]!);
    expect(scripts).toHaveLength(3);
    for (const script of scripts) expect(html).toContain(`sha256-${createHash('sha256').update(script).digest('base64')}`);
  });

  it('embeds model output as inert data that round-trips exactly', async () => {
    const run = reportFixture();
    const html = await writeReport(run);
    // Only the report's own elements: the hostile output never becomes markup.
    expect(withoutCode(html)).not.toMatch(/<img|<\/script><img|<!-- done/);
    const cases = embeddedCases(html);
    expect(cases).toHaveLength(run.all.length);
    const hostile = cases.find((entry) => entry.output.text === hostileOutput);
    expect(hostile).toBeDefined();
    expect(html).toContain('\\u003c/script\\u003e\\u003cimg src=x onerror=');
  });

  it('escapes run text in the static sections', async () => {
    const run = reportFixture({ cases: 3, comparison: false });
    const evil = '<img src=x onerror=alert(1)>';
    const summary: RunSummary = {
      ...run.summary,
      cells: run.summary.cells.map((cell, index) => (index === 0 ? { ...cell, prompt: evil } : cell)),
      gates: [{ gate: 'minPassRate', ok: false, detail: `detail ${evil}`, value: 0.5, limit: 0.9 }],
      warnings: [`warning ${evil}`],
    };
    const html = await writeReport({ ...run, summary, record: { ...run.record, id: `run ${evil}`, configPath: `/tmp/${evil}/suite.yaml` } });
    expect(withoutCode(html)).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('detail &lt;img');
    expect(html).toContain('warning &lt;img');
  });

  it('says "no cases" for empty cells and never prints NaN, undefined or null', async () => {
    const run = reportFixture();
    const html = await writeReport(run);
    const text = markup(html);
    expect(text).toContain('no cases');
    expect(text).not.toMatch(/NaN|undefined|\bnull\b|Infinity|\[object/);
    const data = embeddedData(html);
    const empty = data.cells.find((cell) => cell.provider === 'ollama:llama3.2')!;
    expect(empty).toMatchObject({ n: 0, passRate: null, ci95: null, pareto: false });
  });

  it('shows NaN and missing numbers as dashes and writes a run without results', async () => {
    const run = fakeRun({ casesPerCell: 0 });
    const summary = {
      ...run.summary,
      cells: run.summary.cells.map((cell) => ({ ...cell, passRate: Number.NaN, meanLatencyMs: Number.NaN, cost: Number.NaN })),
      // A run stored before gates existed has none in its summary.
      gates: undefined,
    } as unknown as RunSummary;
    const html = await writeReport({ ...run, summary });
    const text = markup(html);
    expect(text).not.toMatch(/NaN|undefined|\bnull\b|Infinity/);
    expect(text).toContain('no cases');
    expect(embeddedCases(html)).toEqual([]);
    expect(embeddedData(html).caseCount).toBe(0);
  });

  it('flags an uncalibrated judge and shows corrected rates for calibrated ones', async () => {
    const text = markup(await writeReport(reportFixture({ cases: 5 })));
    expect(text).toContain('uncalibrated judge');
    expect(text).toContain('Judge-corrected');
    expect(text).toContain('sensitivity 92.0%');
  });

  it('shows the verdict with the numbers behind each gate', async () => {
    const run = reportFixture();
    const text = markup(await writeReport(run));
    expect(text).toContain('✗ Failed');
    const failed = run.summary.gates.find((gate) => !gate.ok)!;
    expect(text).toContain(failed.detail.replace('<', '&lt;'));
    expect(text).toContain(`value ${failed.value} · limit ${failed.limit}`);
  });

  it('marks flipped cases both ways from the comparison', async () => {
    const run = reportFixture();
    const html = await writeReport(run);
    const cases = embeddedCases(html);
    const passRows = run.comparison!.cells.filter((row) => row.metric === 'pass');
    // The runner lists case ids for repeated runs: every repeat of a flipped case is marked.
    const repeats = run.summary.cells[0]!.repeats!.k;
    const toFail = passRows.reduce((sum, row) => sum + row.flippedToFail.length, 0);
    const toPass = passRows.reduce((sum, row) => sum + row.flippedToPass.length, 0);
    expect(toFail).toBeGreaterThan(0);
    expect(toPass).toBeGreaterThan(0);
    expect(cases.filter((entry) => entry.flip === 'to-fail')).toHaveLength(toFail * repeats);
    expect(cases.filter((entry) => entry.flip === 'to-pass')).toHaveLength(toPass * repeats);
    expect(markup(html)).toContain('data-filter-flip="to-fail"');
  });

  it('streams 20,000 results into blocks of 500 cases', async () => {
    const run = fakeRun({ providers: ['a', 'b', 'c', 'd'], casesPerCell: 5_000, output: (index) => `output ${index} `.repeat(20) });
    const html = await writeReport(run);
    expect(html.match(/class="assay-cases"/g)).toHaveLength(40);
    expect(embeddedData(html).caseCount).toBe(20_000);
  });
});

describe('reportCase', () => {
  it('cuts long texts and remembers their length', () => {
    const long = 'x'.repeat(reportTextLimits.output + 500);
    const entry = reportCase(fakeResult({ output: long, messages: [{ role: 'user', content: 'y'.repeat(reportTextLimits.message + 1) }] }), 0, undefined);
    expect(entry.output.text).toHaveLength(reportTextLimits.output);
    expect(entry.output.text.endsWith('…')).toBe(true);
    expect(entry.output.length).toBe(long.length);
    expect(entry.messages[0]!.content.length).toBe(reportTextLimits.message + 1);
    expect(reportCase(fakeResult(), 0, undefined).output).toEqual({ text: 'The capital of France is Paris.' });
  });

  it('reports errors and replaces non-finite numbers by null', () => {
    const entry = reportCase(fakeResult({ error: 'HTTP 500', pass: false, score: Number.NaN, cost: null }), 2, 'to-fail');
    expect(entry).toMatchObject({ cell: 2, status: 'error', score: null, cost: null, flip: 'to-fail', error: { text: 'HTTP 500' } });
  });
});

describe('paretoFrontier', () => {
  it('keeps the cells no other cell beats on both cost and pass rate', () => {
    expect(
      paretoFrontier([
        { cost: 0.001, rate: 0.8 },
        { cost: 0.002, rate: 0.9 },
        { cost: 0.003, rate: 0.85 }, // dominated by the second
        { cost: 0.001, rate: 0.7 }, // dominated by the first (same cost, lower rate)
        { cost: null, rate: 0.99 }, // unknown cost: never on the frontier
        { cost: 0.0005, rate: null },
      ]),
    ).toEqual([true, true, false, false, false, false]);
  });

  it('keeps ties', () => {
    expect(paretoFrontier([{ cost: 1, rate: 0.5 }, { cost: 1, rate: 0.5 }])).toEqual([true, true]);
  });
});

describe('CaseFlips', () => {
  it('matches ids with and without the repeat, on pass rows only', () => {
    const run = reportFixture({ cases: 2 });
    const row = run.comparison!.cells[0]!;
    const flips = new CaseFlips({
      ...run.comparison!,
      cells: [
        { ...row, cell: 'v1 × m', metric: 'pass', flippedToFail: ['a#1'], flippedToPass: ['b'] },
        { ...row, cell: 'v1 × m', metric: 'tone', flippedToFail: ['c'], flippedToPass: [] },
      ],
    });
    const result = { promptId: 'v1', providerId: 'm' };
    expect(flips.of({ ...result, caseId: 'a', repeat: 1 })).toBe('to-fail');
    expect(flips.of({ ...result, caseId: 'a', repeat: 0 })).toBeUndefined();
    expect(flips.of({ ...result, caseId: 'b', repeat: 3 })).toBe('to-pass');
    expect(flips.of({ ...result, caseId: 'c', repeat: 0 })).toBeUndefined();
    expect(flips.of({ ...result, providerId: 'other', caseId: 'a', repeat: 1 })).toBeUndefined();
  });
});

describe('scriptJson', () => {
  it('cannot end or comment out its script element', () => {
    const value = { text: '</script><!-- <script>&\u2028' };
    const json = scriptJson(value);
    expect(json).not.toMatch(/[<>&\u2028]/);
    expect(JSON.parse(json)).toEqual(value);
  });
});
