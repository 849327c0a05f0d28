import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeProject, runCli } from './cli-harness.ts';

/** A suite on the echo provider whose outputs come from the dataset: `answer_<prompt>` per case. */
function suite(prompt: string, extra = ''): string {
  return `prompts:\n  - id: ${prompt}\n    template: "{{answer_${prompt}}}"\nproviders: [echo]\ndataset: cases.jsonl\ndefaultAssert:\n  - type: icontains\n    value: refund\n    metric: refund\n${extra}`;
}

function cases(n: number, v1: (i: number) => boolean, v2: (i: number) => boolean, prefix = 'case'): string {
  return Array.from({ length: n }, (_, i) => JSON.stringify({ id: `${prefix}-${i}`, vars: { answer_v1: v1(i) ? 'Refund' : 'no', answer_v2: v2(i) ? 'Refund' : 'no' } })).join('\n');
}

describe('assay eval --baseline / assay compare', () => {
  it('gates a significant regression against a labelled baseline and explains it', async () => {
    await using project = makeProject({
      'cases.jsonl': cases(60, () => true, (i) => i >= 20),
      'v1.yaml': suite('v1'),
      'v2.yaml': suite('v2', 'gate:\n  noSignificantRegression: true\n'),
    });
    const cwd = project.directory;
    const base = await runCli(['eval', '-c', 'v1.yaml', '--label', 'main', '--no-progress'], { cwd });
    expect(base.code, base.stderr).toBe(0);
    const run = await runCli(['eval', '-c', 'v2.yaml', '--baseline', 'main', '--no-progress', '-o', 'out.json'], { cwd });
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toMatch(/Compared with baseline \S+ \(main\)/);
    expect(run.stdout).toMatch(/✗ noSignificantRegression\s+v2 × echo pass: 100\.0% → 66\.7% \(difference -33\.3 pts, 95% CI -45\.9 pts to -21\.1 pts, mcnemar-exact p<0\.0001/);
    expect(run.stdout).toMatch(/pass → fail \(20\): case-0, case-1/);
    expect(run.stdout).toMatch(/Failed: gate noSignificantRegression/);
    const output = JSON.parse(readFileSync(path.join(cwd, 'out.json'), 'utf8'));
    expect(output.comparison.cells[0]).toMatchObject({ metric: 'pass', verdict: 'worse', test: 'mcnemar-exact', paired: 60 });
    expect(output.summary.gates.some((gate: { gate: string; ok: boolean }) => gate.gate === 'noSignificantRegression' && !gate.ok)).toBe(true);

    const compared = await runCli(['compare', 'main', 'out.json', '--json', '--fail-on-regression'], { cwd });
    expect(compared.code).toBe(1);
    const comparison = JSON.parse(compared.stdout);
    for (const field of ['difference', 'ci95', 'test', 'pValue', 'adjustedPValue', 'verdict']) expect(comparison.cells[0]).toHaveProperty(field);
    expect(comparison.cells.map((row: { metric: string }) => row.metric)).toEqual(['pass', 'refund']);
  });

  it('passes the regression gate when nothing got worse', async () => {
    await using project = makeProject({
      'cases.jsonl': cases(30, (i) => i < 25, (i) => i < 25),
      'v1.yaml': suite('v1'),
      'v2.yaml': suite('v2', 'gate:\n  noSignificantRegression: true\n  baseline: base.json\n'),
    });
    const cwd = project.directory;
    expect((await runCli(['eval', '-c', 'v1.yaml', '--no-progress', '-o', 'base.json'], { cwd })).code).toBe(1); // threshold 1: 5 cases fail
    const run = await runCli(['eval', '-c', 'v2.yaml', '--no-progress'], { cwd });
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toMatch(/✓ noSignificantRegression\s+no cell or metric is significantly worse/);
    expect(run.stdout).toMatch(/no detectable difference \(could detect ±\d+\.\d pts\)/);
  });

  it('stops before any call when the baseline does not exist', async () => {
    await using project = makeProject({ 'cases.jsonl': cases(3, () => true, () => true), 'v1.yaml': suite('v1') });
    const result = await runCli(['eval', '-c', 'v1.yaml', '--baseline', 'release-7', '--no-progress'], { cwd: project.directory });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/No run, run label or results file named "release-7"/);
    expect(result.stderr).toMatch(/no runs yet/i);
    expect(result.stdout).not.toMatch(/Run \S+:/);
  });

  it('compares runs with no common cases as unpaired, and says so', async () => {
    await using project = makeProject({
      'a.jsonl': cases(40, (i) => i < 10, () => true, 'a'),
      'b.jsonl': cases(40, (i) => i < 35, () => true, 'b'),
      'a.yaml': suite('v1').replace('cases.jsonl', 'a.jsonl'),
      'b.yaml': suite('v1').replace('cases.jsonl', 'b.jsonl'),
    });
    const cwd = project.directory;
    await runCli(['eval', '-c', 'a.yaml', '--no-progress', '-o', 'a.json'], { cwd });
    await runCli(['eval', '-c', 'b.yaml', '--no-progress', '-o', 'b.json'], { cwd });
    const result = await runCli(['compare', 'a.json', 'b.json'], { cwd });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/unpaired \(Fisher\/z\)/);
    expect(result.stdout).toMatch(/no case is in both runs/);
    expect(result.stdout).toMatch(/better/);
    expect(result.stdout).not.toMatch(/NaN|undefined/);
  });

  it('rejects a file that is not a results file, naming it', async () => {
    await using project = makeProject({ 'x.json': '{"hello": 1}' });
    const result = await runCli(['compare', 'x.json', 'x.json'], { cwd: project.directory });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/x\.json is not an Assay results file: it has no "results" array/);
  });
});
