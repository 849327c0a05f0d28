// Issue 11: `assay compare a b -o compare.html` dropped the suite's thresholds, and `assay demo -o
// report.html` (like `--compare-prompts -o x.html`) left the prompt comparison out (`comparison: null`),
// though the README says the report shows what the console shows. These tests open the written files.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeProject, runCli } from './cli-harness.ts';

/** The report's run-level data block, as its client script reads it. */
function reportData(html: string): { comparison: unknown[] | null; promptComparison: { metric: string; verdict: string; ci95: [number, number] | null }[] | null } {
  const match = /<script type="application\/json" id="assay-report-data">([^<]*)<\/script>/.exec(html);
  if (!match) throw new Error('the report has no data block');
  return JSON.parse(match[1]!);
}

describe('issue 11: reports keep the thresholds and the prompt comparison', () => {
  it('assay demo -o report.html and -o results.json hold the prompt comparison the console prints', { timeout: 60_000 }, async () => {
    await using project = makeProject({});
    const result = await runCli(['demo', '--no-progress', '-o', 'report.html', '-o', 'results.json'], { cwd: project.directory });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Prompt v2 against prompt v1 on the same cases');

    const html = readFileSync(path.join(project.directory, 'report.html'), 'utf8');
    expect(html).toContain('<section id="prompt-comparison">');
    expect(html).toContain('<canvas id="prompt-comparison-chart"');
    const data = reportData(html);
    expect(data.comparison).toBeNull();
    expect(data.promptComparison?.map((row) => row.metric)).toEqual(['pass', 'score', 'category', 'contract', 'escalation', 'safety']);
    // The verdicts are the console's, row by row.
    for (const row of data.promptComparison!) expect(result.stdout).toMatch(new RegExp(`\\b${row.metric}\\b.*${row.verdict}`));

    const json = JSON.parse(readFileSync(path.join(project.directory, 'results.json'), 'utf8'));
    expect(json.promptComparison.baseline.id).toMatch(/:v1$/);
    expect(json.promptComparison.candidate.id).toMatch(/:v2$/);
    expect(json.promptComparison.cells).toHaveLength(6);
  });

  it('assay compare a b -o compare.html keeps the candidate suite\'s pass-rate thresholds', { timeout: 60_000 }, async () => {
    await using project = makeProject({});
    for (let run = 0; run < 2; run++) {
      const demo = await runCli(['demo', '--no-progress'], { cwd: project.directory });
      expect(demo.code, demo.stderr).toBe(0);
    }
    const compared = await runCli(['compare', 'latest~1', 'latest', '-o', 'compare.html', '-o', 'compare.json'], { cwd: project.directory });
    expect(compared.code, compared.stderr).toBe(0);
    const html = readFileSync(path.join(project.directory, 'compare.html'), 'utf8');
    // The demo suite's threshold is 60% for both cells; before the fix the report said none was set.
    expect(html).toContain('<h3>Pass-rate thresholds</h3>');
    expect(html).toContain('meets threshold 60%');
    expect(html).not.toContain('no gates or pass-rate thresholds are set');
    expect(html).toContain('<section id="comparison">');
    expect(reportData(html).comparison).toHaveLength(12);
    // The comparison's warnings are listed once, not twice (they were copied into the summary too).
    const json = JSON.parse(readFileSync(path.join(project.directory, 'compare.json'), 'utf8'));
    for (const warning of json.warnings as string[]) expect(html.split(warning).length - 1).toBe(1);
  });
});
