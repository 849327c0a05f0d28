import jStat from 'jstat';
import { describe, expect, it } from 'vitest';
import { pairedProportionDifferenceInterval, unpairedProportionDifferenceInterval, unpairedProportionTest } from './difference.ts';

describe('pairedProportionDifferenceInterval (Newcombe 1998, method 10)', () => {
  it('matches Fagerland, Lydersen & Laake (2017), ch. 8: complete response before/after consolidation (Cavo et al. 2012)', () => {
    // "Statistical Analysis of Contingency Tables", ch. 8, table [[59, 6], [16, 80]]: Newcombe
    // square-and-add (method 10 with the corrected φ) −0.0621 (95% CI −0.1186 to −0.0046); the same
    // numbers are asserted in the R package contingencytables (tests/testthat/test-ch8.R).
    // Rows are the first measurement: here the candidate (59 + 6 pass) against the baseline (59 + 16 pass).
    const [low, high] = pairedProportionDifferenceInterval({ bothPass: 59, candidateOnly: 6, baselineOnly: 16, neither: 80 })!;
    expect(low).toBeCloseTo(-0.1186, 4);
    expect(high).toBeCloseTo(-0.0046, 4);
  });

  it('applies the φ correction: C = ad − bc − n/2 above n/2, 0 up to n/2, ad − bc below 0', () => {
    // Independent computation of the interval from its definition for three tables, one per branch of C.
    const wilson = (x: number, n: number, z: number) => {
      const p = x / n;
      const center = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
      const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / (1 + (z * z) / n);
      return [center - half, center + half];
    };
    const z = 1.959963984540054;
    const tables = [
      { a: 30, b: 5, c: 2, d: 13, C: 30 * 13 - 5 * 2 - 25 }, // ad − bc = 380 > n/2
      { a: 10, b: 9, c: 9, d: 10, C: 0 }, // ad − bc = 19 = n/2
      { a: 5, b: 12, c: 9, d: 4, C: 5 * 4 - 12 * 9 }, // negative
    ];
    for (const { a, b, c, d, C } of tables) {
      const n = a + b + c + d;
      const p1 = (a + b) / n;
      const p2 = (a + c) / n;
      const [l1, u1] = wilson(a + b, n, z);
      const [l2, u2] = wilson(a + c, n, z);
      const phi = C / Math.sqrt((a + b) * (c + d) * (a + c) * (b + d));
      const low = p1 - p2 - Math.sqrt((p1 - l1) ** 2 - 2 * phi * (p1 - l1) * (u2 - p2) + (u2 - p2) ** 2);
      const high = p1 - p2 + Math.sqrt((p2 - l2) ** 2 - 2 * phi * (p2 - l2) * (u1 - p1) + (u1 - p1) ** 2);
      const interval = pairedProportionDifferenceInterval({ bothPass: a, candidateOnly: b, baselineOnly: c, neither: d })!;
      expect(interval[0]).toBeCloseTo(low, 12);
      expect(interval[1]).toBeCloseTo(high, 12);
    }
  });

  it('flips sign when the roles swap, contains the estimate, and guards the empty table', () => {
    const table = { bothPass: 40, candidateOnly: 12, baselineOnly: 4, neither: 20 };
    const [low, high] = pairedProportionDifferenceInterval(table)!;
    const [swappedLow, swappedHigh] = pairedProportionDifferenceInterval({ ...table, candidateOnly: 4, baselineOnly: 12 })!;
    expect(swappedLow).toBeCloseTo(-high, 12);
    expect(swappedHigh).toBeCloseTo(-low, 12);
    expect(low).toBeLessThan(8 / 76);
    expect(high).toBeGreaterThan(8 / 76);
    expect(pairedProportionDifferenceInterval({ bothPass: 0, candidateOnly: 0, baselineOnly: 0, neither: 0 })).toBeNull();
    const identical = pairedProportionDifferenceInterval({ bothPass: 10, candidateOnly: 0, baselineOnly: 0, neither: 0 })!;
    expect(identical[0]).toBeLessThanOrEqual(0);
    expect(identical[1]).toBeGreaterThanOrEqual(0);
    expect(() => pairedProportionDifferenceInterval({ ...table, neither: -1 })).toThrow(RangeError);
    expect(() => pairedProportionDifferenceInterval(table, 1)).toThrow(RangeError);
  });
});

describe('unpairedProportionDifferenceInterval (Newcombe 1998, method 10)', () => {
  it("matches Newcombe's worked example and Fagerland et al.'s epinephrine trial", () => {
    // Newcombe 1998, Stat Med 17:873–890, Table II: 56/70 − 48/80, method 10 → 0.0524 to 0.3339.
    const [low, high] = unpairedProportionDifferenceInterval(48, 80, 56, 70)!;
    expect(low).toBeCloseTo(0.0524, 4);
    expect(high).toBeCloseTo(0.3339, 4);
    // Fagerland, Lydersen & Laake (2017) ch. 4, Perondi et al. 2004: 7/34 − 1/34, Newcombe hybrid
    // score 0.1765 (95% CI 0.0189 to 0.3404), as asserted in R contingencytables tests/testthat/test-ch4.R.
    const [low2, high2] = unpairedProportionDifferenceInterval(1, 34, 7, 34)!;
    expect(low2).toBeCloseTo(0.0189, 4);
    expect(high2).toBeCloseTo(0.3404, 4);
  });

  it('guards empty samples and rejects impossible counts', () => {
    expect(unpairedProportionDifferenceInterval(0, 0, 3, 10)).toBeNull();
    expect(unpairedProportionDifferenceInterval(0, 10, 10, 10)![1]).toBe(1);
    expect(() => unpairedProportionDifferenceInterval(11, 10, 3, 10)).toThrow(RangeError);
    expect(() => unpairedProportionDifferenceInterval(1, 10, 3, 10, 0)).toThrow(RangeError);
  });
});

/** C(n, k) exactly. */
function choose(n: number, k: number): bigint {
  if (k < 0 || k > n) return 0n;
  let result = 1n;
  for (let i = 0; i < k; i++) result = (result * BigInt(n - i)) / BigInt(i + 1);
  return result;
}

/** Fisher's two-sided p by exact enumeration of all tables with the observed margins (BigInt) — independent computation. */
function bruteForceFisher(x1: number, n1: number, x2: number, n2: number): number {
  const passes = x1 + x2;
  const weight = (x: number) => choose(n1, x) * choose(n2, passes - x);
  const observed = weight(x1);
  let total = 0n;
  let extreme = 0n;
  for (let x = 0; x <= Math.min(n1, passes); x++) {
    const w = weight(x);
    total += w;
    if (w <= observed) extreme += w;
  }
  return Number((extreme * 10n ** 18n) / total) / 1e18;
}

describe('unpairedProportionTest', () => {
  it("matches R's fisher.test on Fisher's tea-tasting data and Fagerland et al.'s CHRNA4 example", () => {
    // R ?fisher.test TeaTasting, matrix(c(3, 1, 1, 3), 2): two-sided p-value = 0.4857 (= 34/70 by enumeration).
    expect(unpairedProportionTest(1, 4, 3, 4)).toEqual({ pValue: expect.closeTo(34 / 70, 12), method: 'fisher-exact' });
    // Fagerland et al. (2017) ch. 4, Ritland et al. 2007, [[0, 16], [15, 57]]: Fisher exact P = 0.06287
    // (R contingencytables tests/testthat/test-ch4.R).
    expect(unpairedProportionTest(0, 16, 15, 72).pValue).toBeCloseTo(0.06287, 5);
  });

  it('matches enumeration of every table with the same margins', () => {
    for (const [x1, n1, x2, n2] of [[12, 40, 25, 45], [3, 30, 9, 31], [50, 60, 41, 60], [0, 5, 5, 5], [7, 7, 2, 9]]) {
      expect(unpairedProportionTest(x1, n1, x2, n2).pValue).toBeCloseTo(bruteForceFisher(x1, n1, x2, n2), 12);
    }
  });

  it('uses the pooled z-test above 2000 per arm, equal to Pearson χ² without continuity correction', () => {
    // Fagerland et al. (2017) ch. 4: Pearson χ² on [[3, 1], [1, 3]] → T = 2.000, P = 0.15730.
    expect(unpairedProportionTest(1, 4, 3, 4, { method: 'z-pooled' }).pValue).toBeCloseTo(0.1573, 4);
    // Independent computation: Pearson's X² from observed and expected counts, p from jstat's χ²(1) CDF.
    const [x1, n1, x2, n2] = [1130, 2500, 1210, 2400];
    const result = unpairedProportionTest(x1, n1, x2, n2);
    expect(result.method).toBe('z-pooled');
    const pooled = (x1 + x2) / (n1 + n2);
    const cells = [
      [x1, n1 * pooled],
      [n1 - x1, n1 * (1 - pooled)],
      [x2, n2 * pooled],
      [n2 - x2, n2 * (1 - pooled)],
    ];
    const chiSquare = cells.reduce((sum, [observed, expected]) => sum + (observed - expected) ** 2 / expected, 0);
    expect(result.pValue).toBeCloseTo(1 - jStat.chisquare.cdf(chiSquare, 1), 8);
    expect(unpairedProportionTest(10, 2000, 20, 2000).method).toBe('fisher-exact');
  });

  it('returns p = 1 when there is nothing to compare and rejects bad counts', () => {
    expect(unpairedProportionTest(0, 0, 3, 10).pValue).toBe(1);
    expect(unpairedProportionTest(10, 10, 20, 20).pValue).toBe(1);
    expect(unpairedProportionTest(0, 3000, 0, 3000)).toEqual({ pValue: 1, method: 'z-pooled' });
    expect(unpairedProportionTest(5, 10, 5, 10).pValue).toBe(1);
    expect(() => unpairedProportionTest(3, 2, 1, 2)).toThrow(RangeError);
  });
});
