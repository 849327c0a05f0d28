import { describe, expect, it } from 'vitest';
import { bootstrapMeanInterval } from './bootstrap.ts';
import { normalCdf } from './normal.ts';
import { mcnemarExact, pairedBootstrapMeanDifference, wilcoxonSignedRank } from './paired-tests.ts';
import { seededRandom } from './random.ts';

/** C(n, k) exactly. */
function choose(n: number, k: number): bigint {
  let result = 1n;
  for (let i = 0; i < k; i++) result = (result * BigInt(n - i)) / BigInt(i + 1);
  return result;
}

/** numerator/denominator as a double, to full precision however small. */
function bigRatio(numerator: bigint, denominator: bigint): number {
  const shift = denominator.toString(2).length - numerator.toString(2).length + 64;
  return Number((numerator << BigInt(shift)) / denominator) * 2 ** -shift;
}

/** Exact two-sided binomial(½) test p-value from BigInt sums — an independent computation. */
function exactMcNemar(b: number, c: number): number {
  const n = b + c;
  let tail = 0n;
  for (let i = 0; i <= Math.min(b, c); i++) tail += choose(n, i);
  return Math.min(1, 2 * bigRatio(tail, 2n ** BigInt(n)));
}

describe('mcnemarExact', () => {
  it('matches exact binomial sums', () => {
    // 1 vs 9 discordant: 2·(C(10,0) + C(10,1))/2¹⁰ = 22/1024 (by hand; R binom.test(1, 10)$p.value = 0.02148438).
    expect(mcnemarExact(1, 9).pValue).toBeCloseTo(22 / 1024, 12);
    for (const [b, c] of [[0, 7], [3, 12], [86, 150], [40, 41], [500, 430], [12, 0]]) {
      const expected = exactMcNemar(b, c);
      const { pValue, discordant } = mcnemarExact(b, c);
      expect(discordant).toBe(b + c);
      expect(Math.abs(pValue - expected) / expected).toBeLessThan(1e-9);
    }
  });

  it('is accurate to 3e-10 relative, not exact in floating point (measured against BigInt sums up to n = 5,000)', () => {
    let worst = 0;
    for (const n of [50, 500, 2000, 5000]) {
      const denominator = 2n ** BigInt(n);
      let tail = 0n;
      let coefficient = 1n;
      for (let k = 0; k <= n / 2; k++) {
        if (k > 0) coefficient = (coefficient * BigInt(n - k + 1)) / BigInt(k);
        tail += coefficient;
        if (k % Math.max(1, Math.floor(n / 100)) !== 0) continue;
        const expected = Math.min(1, 2 * bigRatio(tail, denominator));
        if (expected < 1e-290) continue;
        worst = Math.max(worst, Math.abs(mcnemarExact(k, n - k).pValue - expected) / expected);
      }
    }
    // About 2e-10 at n in the thousands (jStat.gammaln), as the JSDoc says.
    expect(worst).toBeGreaterThan(0);
    expect(worst).toBeLessThan(3e-10);
  });

  it('keeps precision for tiny p-values', () => {
    const expected = exactMcNemar(5, 300);
    expect(expected).toBeGreaterThan(0);
    expect(Math.abs(mcnemarExact(5, 300).pValue - expected) / expected).toBeLessThan(1e-9);
  });

  it('is 1 with no discordant pairs or balanced counts, and rejects bad counts', () => {
    expect(mcnemarExact(0, 0)).toEqual({ pValue: 1, discordant: 0 });
    expect(mcnemarExact(5, 5).pValue).toBe(1);
    expect(() => mcnemarExact(-1, 3)).toThrow(RangeError);
    expect(() => mcnemarExact(1.5, 3)).toThrow(RangeError);
  });
});

/** Two-sided exact signed-rank p-value by enumerating all 2ⁿ sign patterns — an independent computation. */
function bruteForceSignedRank(differences: number[]): number {
  const nonZero = differences.filter((d) => d !== 0);
  const n = nonZero.length;
  const ranks = [...nonZero].map(Math.abs).sort((a, b) => a - b);
  const rankOf = (value: number) => ranks.indexOf(Math.abs(value)) + 1;
  const observed = nonZero.filter((d) => d > 0).reduce((sum, d) => sum + rankOf(d), 0);
  const mean = (n * (n + 1)) / 4;
  let extreme = 0;
  for (let mask = 0; mask < 2 ** n; mask++) {
    let v = 0;
    for (let bit = 0; bit < n; bit++) if (mask & (1 << bit)) v += bit + 1;
    if (Math.abs(v - mean) >= Math.abs(observed - mean)) extreme++;
  }
  return extreme / 2 ** n;
}

describe('wilcoxonSignedRank', () => {
  // R's ?wilcox.test example (Hollander & Wolfe 1973, p. 29, depression scale): x − y.
  const x = [1.83, 0.5, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.3];
  const y = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29];
  const depression = x.map((value, i) => value - y[i]);

  it('matches R on the Hollander & Wolfe example', () => {
    // R: wilcox.test(x, y, paired = TRUE, alternative = "greater") → V = 40, p-value = 0.01953;
    // the two-sided p is twice that, 20/512 = 0.0390625 (10 of the 512 sign patterns have V ≥ 40).
    const result = wilcoxonSignedRank(depression);
    expect(result).toMatchObject({ statistic: 40, method: 'exact', nonZero: 9 });
    expect(result.pValue).toBeCloseTo(0.0390625, 12);
  });

  it('matches enumeration of all sign patterns (exact branch)', () => {
    const random = seededRandom(21);
    for (let trial = 0; trial < 20; trial++) {
      const n = 3 + (trial % 12);
      const differences = Array.from({ length: n }, () => random() * 2 - 0.7);
      expect(wilcoxonSignedRank(differences).pValue).toBeCloseTo(bruteForceSignedRank(differences), 12);
    }
  });

  it('drops zero differences (Wilcoxon, not Pratt) and stays exact, where R switches to the normal approximation', () => {
    const withZeros = [...depression, 0, 0, 0];
    expect(wilcoxonSignedRank(withZeros)).toEqual(wilcoxonSignedRank(depression));
    // The conditional exact test: every sign pattern of the 9 non-zero differences. R's default,
    // wilcox.test(c(x − y, 0, 0, 0)), warns "cannot compute exact p-value with zeroes" and gives the
    // normal approximation instead: z = (40 − 22.5 − 0.5)/√71.25 = 2.014, p ≈ 0.0440.
    expect(wilcoxonSignedRank(withZeros)).toMatchObject({ method: 'exact', nonZero: 9 });
    expect(wilcoxonSignedRank(withZeros).pValue).toBeCloseTo(bruteForceSignedRank(withZeros), 12);
    expect(2 * normalCdf(-(40 - 22.5 - 0.5) / Math.sqrt(71.25))).toBeCloseTo(0.044, 4);
  });

  it('uses the normal approximation with tie and continuity corrections when |differences| tie', () => {
    // Hand computation of R's formula for d = (1, 1, 2, −2, 3, 3, 3, −4):
    // ranks of |d| 1.5, 1.5, 3.5, 3.5, 6, 6, 6, 8; V = 1.5 + 1.5 + 3.5 + 6·3 = 24.5; E[V] = 8·9/4 = 18;
    // Var = 8·9·17/24 − ((2³−2) + (2³−2) + (3³−3))/48 = 51 − 0.75 = 50.25; z = (6.5 − 0.5)/√50.25.
    const result = wilcoxonSignedRank([1, 1, 2, -2, 3, 3, 3, -4]);
    expect(result).toMatchObject({ statistic: 24.5, method: 'normal', nonZero: 8 });
    expect(result.pValue).toBeCloseTo(2 * normalCdf(-6 / Math.sqrt(50.25)), 12);
  });

  it('switches to the normal approximation above 50 and agrees with the exact distribution there', () => {
    // The exact p for n = 60 from a BigInt count of rank subsets (independent of the code under test).
    const n = 60;
    const differences = Array.from({ length: n }, (_, i) => (i + 1) * (i % 3 === 0 ? -1 : 1) + 0.25);
    const result = wilcoxonSignedRank(differences);
    expect(result.method).toBe('normal');
    const counts: bigint[] = new Array((n * (n + 1)) / 2 + 1).fill(0n);
    counts[0] = 1n;
    for (let rank = 1; rank <= n; rank++) for (let v = counts.length - 1; v >= rank; v--) counts[v] += counts[v - rank];
    const observed = result.statistic;
    const mean = (n * (n + 1)) / 4;
    let extreme = 0n;
    for (let v = 0; v < counts.length; v++) if (Math.abs(v - mean) >= Math.abs(observed - mean)) extreme += counts[v];
    const exact = bigRatio(extreme, 2n ** BigInt(n));
    expect(Math.abs(result.pValue - exact)).toBeLessThan(0.002);
  });

  it('returns p = 1 without non-zero differences and rejects non-finite input', () => {
    expect(wilcoxonSignedRank([])).toEqual({ statistic: 0, pValue: 1, method: 'exact', nonZero: 0 });
    expect(wilcoxonSignedRank([0, 0]).pValue).toBe(1);
    expect(() => wilcoxonSignedRank([1, Number.POSITIVE_INFINITY])).toThrow(RangeError);
  });
});

describe('pairedBootstrapMeanDifference', () => {
  it('resamples the differences: same interval as bootstrapMeanInterval on candidate − baseline', () => {
    const random = seededRandom(4);
    const baseline = Array.from({ length: 80 }, () => random());
    const candidate = baseline.map((value) => Math.min(1, value + random() * 0.2 - 0.05));
    const result = pairedBootstrapMeanDifference(baseline, candidate, { seed: 8 })!;
    const differences = candidate.map((value, i) => value - baseline[i]);
    expect(result.difference).toBeCloseTo(differences.reduce((a, b) => a + b, 0) / differences.length, 14);
    const interval = bootstrapMeanInterval(differences, { seed: 8 })!;
    expect(result.interval[0]).toBeCloseTo(interval[0], 12);
    expect(result.interval[1]).toBeCloseTo(interval[1], 12);
  });

  it('gives small p-values for a clear shift and large ones under the null', () => {
    const random = seededRandom(12);
    const baseline = Array.from({ length: 100 }, () => random());
    const shifted = baseline.map((value) => value + 0.1 + (random() - 0.5) * 0.2);
    const noise = baseline.map((value) => value + (random() - 0.5) * 0.2);
    const clear = pairedBootstrapMeanDifference(baseline, shifted)!;
    expect(clear.pValue).toBeCloseTo(1 / 2001, 12);
    expect(clear.interval[0]).toBeGreaterThan(0.07);
    const none = pairedBootstrapMeanDifference(baseline, noise)!;
    expect(none.pValue).toBeGreaterThan(0.05);
    expect(none.interval[0]).toBeLessThan(0);
    expect(none.interval[1]).toBeGreaterThan(0);
  });

  it('has about nominal size under H₀ (simulation: rejections at 5% in 200 null datasets)', () => {
    // Under H₀ the p-value is roughly uniform; with 200 datasets the 5% rejection count should be
    // Binomial(200, 0.05): mean 10, and [2, 20] holds with probability > 0.99.
    const random = seededRandom(99);
    let rejections = 0;
    for (let run = 0; run < 200; run++) {
      const baseline = Array.from({ length: 40 }, () => random());
      const candidate = Array.from({ length: 40 }, (_, i) => baseline[i] + (random() - 0.5));
      if (pairedBootstrapMeanDifference(baseline, candidate, { resamples: 500, seed: run })!.pValue < 0.05) rejections++;
    }
    expect(rejections).toBeGreaterThanOrEqual(2);
    expect(rejections).toBeLessThanOrEqual(20);
  });

  it('handles empty, identical and mismatched input', () => {
    expect(pairedBootstrapMeanDifference([], [])).toBeNull();
    expect(pairedBootstrapMeanDifference([0.5, 0.7], [0.5, 0.7])).toEqual({ difference: 0, interval: [0, 0], pValue: 1 });
    expect(pairedBootstrapMeanDifference([0, 0], [1, 1], { resamples: 99 })).toEqual({ difference: 1, interval: [1, 1], pValue: 0.01 });
    expect(() => pairedBootstrapMeanDifference([1, 2], [1])).toThrow(RangeError);
  });
});
