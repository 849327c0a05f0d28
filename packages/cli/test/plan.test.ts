import { describe, expect, it } from 'vitest';
import { makeProject, runCli } from './cli-harness.ts';

describe('assay plan (issue 10: sized for the exact tests compare runs)', () => {
  it('sizes for Fisher and exact McNemar, not the normal approximation, and says by how much', async () => {
    await using project = makeProject({});
    const json = await runCli(['plan', '--baseline-rate', '0.9', '--detect', '0.03', '--json'], { cwd: project.directory });
    expect(json.code, json.stderr).toBe(0);
    const plan = JSON.parse(json.stdout);
    // The formulas' 1,356 and 1,359 give these exact tests 78.3% power; the sizes that reach 80%:
    expect(plan.unpaired).toMatchObject({ casesPerArm: 1414, calls: 2828, test: 'fisher-exact', normalApproximation: { casesPerArm: 1356 } });
    expect(plan.unpaired.power).toBeGreaterThanOrEqual(0.8);
    expect(plan.unpaired.normalApproximation.power).toBeCloseTo(0.783, 3);
    expect(plan.paired).toMatchObject({ cases: 1416, test: 'mcnemar-exact', discordanceAssumed: true, normalApproximation: { cases: 1359 } });
    expect(plan.paired.power).toBeGreaterThanOrEqual(0.8);
    expect(plan.paired.normalApproximation.power).toBeCloseTo(0.783, 3);

    const text = await runCli(['plan', '--baseline-rate', '0.9', '--detect', '0.03', '--repeats', '3', '--icc', '0.5'], { cwd: project.directory });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/1,414 cases per prompt \(2,828 calls\): Fisher's exact test, 80\.0% power/);
    expect(text.stdout).toMatch(/1,416 cases \(2,832 calls\): exact McNemar, 80\.0% power/);
    expect(text.stdout).toMatch(/normal-approximation formulas would give 1,356 unpaired\s+and 1,359 paired, where those tests have 78\.3% and 78\.3% power/);
    // With repeats compare runs bootstrap tests over cases: the normal sizes spread by the design effect, (1 + 2·0.5)/3 of them.
    expect(text.stdout).toMatch(/unpaired: 904 cases per prompt × 3/);
  });
});
