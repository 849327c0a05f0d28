// Issue 11: `assay demo` printed `+12.5 pts [+1.3, +26.1] … no detectable difference` (Newcombe's
// interval excluded 0 while the exact McNemar test, Holm-adjusted, did not reject) and
// `+100.0 pts [+30.7, +100.0] … could detect ±99.9 pts` on 4 cases, where no outcome reaches p < 0.05.
import { describe, expect, it } from 'vitest';
import { pairedProportionDifferenceInterval, seededRandom } from '@assay/core';
import type { CellComparison } from '@assay/spec';
import { compareRuns } from './compare-runs.ts';
import { runSource, type RunRow } from './testing/run-sources.ts';

const metric = (name: string, pass: boolean) => ({ type: 'contains', pass, score: pass ? 1 : 0, reason: '', weight: 1, required: false, metric: name });

/** The interval reaches 0 on the side the decision says: holds it when not rejected, excludes it (or ends at it) when rejected. */
function agrees(interval: [number, number] | null | undefined, rejected: boolean): boolean {
  if (!interval) return false;
  const [low, high] = interval;
  return rejected ? (low >= 0 && high > 0) || (high <= 0 && low < 0) : low <= 0 && high >= 0;
}

function checkAgreement(row: CellComparison, alpha: number): void {
  if (row.pValue === null || row.difference === null) return;
  expect(agrees(row.ci95, row.pValue < alpha), `${row.metric}: ci95 ${row.ci95} vs p ${row.pValue}`).toBe(true);
  expect(agrees(row.adjustedCi, row.verdict !== 'no detectable difference'), `${row.metric}: adjustedCi ${row.adjustedCi} vs ${row.verdict}`).toBe(true);
  expect(row.adjustedConfidence!).toBeGreaterThanOrEqual(1 - alpha - 1e-12);
}

describe('issue 11: intervals agree with the verdicts', () => {
  it('5 of 40 cases changing one way: p = 0.0625, and the interval reaches 0 (Newcombe alone excluded it)', async () => {
    const ids = Array.from({ length: 40 }, (_, i) => `c${i}`);
    const comparison = await compareRuns(runSource('A', ids.map((caseId, i) => ({ caseId, pass: i >= 5 }))), runSource('B', ids.map((caseId) => ({ caseId, pass: true }))));
    const [row] = comparison.cells;
    expect(row!.pValue).toBeCloseTo(0.0625, 12);
    expect(row!.verdict).toBe('no detectable difference');
    // What the row showed before: Newcombe's interval for this table lies above 0.
    const newcombe = pairedProportionDifferenceInterval({ bothPass: 35, candidateOnly: 5, baselineOnly: 0, neither: 0 })!;
    expect(newcombe[0]).toBeGreaterThan(0);
    expect(row!.ci95![0]).toBe(0);
    expect(row!.ci95![1]).toBeCloseTo(newcombe[1], 12);
    expect(row!.adjustedCi![0]).toBe(0);
    checkAgreement(row!, comparison.alpha);
  });

  it('significant alone but not after Holm: the Holm interval holds 0 and the row says why, with no detectable-effect size', async () => {
    // pass: 0 vs 7 discordant (p = 2/128), plus three metrics that never change: Holm multiplies by 4.
    const ids = Array.from({ length: 40 }, (_, i) => `c${i}`);
    const tags = (pass: boolean) => [metric('a', pass), metric('b', pass), metric('c', pass)];
    const comparison = await compareRuns(
      runSource('A', ids.map((caseId, i) => ({ caseId, pass: i >= 7, assertions: tags(true) }))),
      runSource('B', ids.map((caseId) => ({ caseId, pass: true, assertions: tags(true) }))),
    );
    const pass = comparison.cells.find((row) => row.metric === 'pass')!;
    expect(pass.pValue).toBeCloseTo(2 / 128, 12);
    expect(pass.adjustedPValue).toBeCloseTo(4 * (2 / 128), 12);
    expect(pass.verdict).toBe('no detectable difference');
    expect(pass.ci95![0]).toBeGreaterThan(0);
    expect(pass.adjustedCi![0]).toBeLessThanOrEqual(0);
    // All four rows share the level of the step that stopped Holm: the first, at α/4.
    expect(pass.adjustedConfidence).toBeCloseTo(1 - 0.05 / 4, 12);
    expect(pass.minimumDetectableEffect).toBeNull();
    expect(pass.note).toMatch(/p = 0\.016 alone; not significant after the Holm correction across 4 comparisons/);
    for (const row of comparison.cells) checkAgreement(row, comparison.alpha);
  });

  it('4 cases all changing one way: no "could detect ±99.9 pts", but too few cases', async () => {
    const ids = ['a', 'b', 'c', 'd'];
    const comparison = await compareRuns(runSource('A', ids.map((caseId) => ({ caseId, pass: false }))), runSource('B', ids.map((caseId) => ({ caseId, pass: true }))));
    const [row] = comparison.cells;
    expect(row!.difference).toBe(1);
    expect(row!.pValue).toBeCloseTo(0.125, 12);
    expect(row!.minimumDetectableEffect).toBeNull();
    expect(row!.note).toBe('too few cases: even all 4 changing one way would give p = 0.125');
    checkAgreement(row!, comparison.alpha);
  });

  it('agree on every row of 300 seeded comparisons of every shape (paired, unpaired, scores, metrics)', async () => {
    const random = seededRandom(11);
    for (let trial = 0; trial < 300; trial++) {
      const n = 6 + Math.floor(random() * 60);
      const shift = (random() - 0.5) * 0.6;
      const unpaired = trial % 5 === 0;
      const rows = (prefix: string, rate: number): RunRow[] =>
        Array.from({ length: n }, (_, i) => {
          const pass = random() < rate;
          return { caseId: unpaired ? `${prefix}${i}` : `c${i}`, pass, assertions: [metric('m', pass || random() < 0.5), { ...metric('g', pass), score: pass ? 1 : random() * 0.9 }] };
        });
      const base = 0.3 + random() * 0.4;
      const comparison = await compareRuns(runSource('A', rows('a', base)), runSource('B', rows('b', Math.min(1, Math.max(0, base + shift)))));
      for (const row of comparison.cells) checkAgreement(row, comparison.alpha);
    }
  });
});
