import { describe, expect, it } from 'vitest';
import { clusteredProportionInterval, passAllK, passAtK, type ClusterCount } from './cluster.ts';
import { zForConfidence } from './normal.ts';
import { wilsonInterval } from './wilson.ts';

/**
 * Independent computation: the one-way ANOVA ICC from the expanded 0/1 outcomes, with the sums
 * of squares taken directly from group means (Snedecor & Cochran's unequal-n ANOVA; n₀ as in Fleiss).
 */
function iccFromExpandedData(clusters: ClusterCount[]): number {
  const groups = clusters.map(({ successes, trials }) => Array.from({ length: trials }, (_, i): number => (i < successes ? 1 : 0)));
  const all: number[] = groups.flat();
  const grandMean = all.reduce((a, b) => a + b, 0) / all.length;
  let ssBetween = 0;
  let ssWithin = 0;
  for (const group of groups) {
    const mean = group.reduce((a, b) => a + b, 0) / group.length;
    ssBetween += group.length * (mean - grandMean) ** 2;
    for (const value of group) ssWithin += (value - mean) ** 2;
  }
  const k = groups.length;
  const n = all.length;
  const msb = ssBetween / (k - 1);
  const msw = ssWithin / (n - k);
  const n0 = (n - groups.reduce((a, g) => a + g.length ** 2, 0) / n) / (k - 1);
  return (msb - msw) / (msb + (n0 - 1) * msw);
}

describe('clusteredProportionInterval', () => {
  it('matches an ANOVA on the expanded 0/1 data, equal and unequal cluster sizes', () => {
    const equal = [5, 5, 4, 0, 1, 5, 3, 5, 0, 2].map((successes) => ({ successes, trials: 5 }));
    const unequal = [
      { successes: 3, trials: 3 },
      { successes: 0, trials: 2 },
      { successes: 4, trials: 6 },
      { successes: 1, trials: 4 },
      { successes: 5, trials: 5 },
      { successes: 0, trials: 1 },
    ];
    for (const clusters of [equal, unequal]) {
      const result = clusteredProportionInterval(clusters);
      const expected = iccFromExpandedData(clusters);
      expect(expected).toBeGreaterThan(0);
      expect(result.icc).toBeCloseTo(expected, 12);
      const trials = clusters.reduce((a, c) => a + c.trials, 0);
      const weightedMeanSize = clusters.reduce((a, c) => a + c.trials ** 2, 0) / trials;
      expect(result.designEffect).toBeCloseTo(1 + (weightedMeanSize - 1) * expected, 12);
      expect(result.effectiveN).toBeCloseTo(trials / result.designEffect, 12);
    }
  });

  it('uses the Wilson interval on the effective sample size with the pooled rate', () => {
    // Hand computation: 5/5 and 0/5 — no variation within cases, so ICC = 1, deff = 5, effective n = 2, p̂ = 0.5.
    const result = clusteredProportionInterval([
      { successes: 5, trials: 5 },
      { successes: 0, trials: 5 },
    ]);
    expect(result.icc).toBe(1);
    expect(result.designEffect).toBe(5);
    expect(result.effectiveN).toBe(2);
    expect(result.estimate).toBe(0.5);
    expect(result.interval).toEqual(wilsonInterval(1, 2));
  });

  it('equals plain Wilson when every cluster has size 1', () => {
    const clusters = Array.from({ length: 37 }, (_, i) => ({ successes: i % 3 === 0 ? 0 : 1, trials: 1 }));
    const result = clusteredProportionInterval(clusters);
    expect(result.icc).toBeNull();
    expect(result.designEffect).toBe(1);
    expect(result.interval).toEqual(wilsonInterval(24, 37));
    expect(clusteredProportionInterval(clusters, 0.9).interval).toEqual(wilsonInterval(24, 37, zForConfidence(0.9)));
  });

  it('clamps a negative ICC at 0 (repeats more alike across than within cases)', () => {
    const result = clusteredProportionInterval([
      { successes: 2, trials: 4 },
      { successes: 2, trials: 4 },
      { successes: 2, trials: 4 },
    ]);
    expect(result.icc).toBe(0);
    expect(result.designEffect).toBe(1);
    expect(result.interval).toEqual(wilsonInterval(6, 12));
  });

  it('guards empty and degenerate input', () => {
    expect(clusteredProportionInterval([])).toMatchObject({ interval: null, estimate: null, icc: null, designEffect: 1, effectiveN: 0 });
    expect(clusteredProportionInterval([{ successes: 0, trials: 0 }]).interval).toBeNull();
    // All passed: no variation, ICC undefined → null, deff 1.
    const allPass = clusteredProportionInterval([
      { successes: 3, trials: 3 },
      { successes: 3, trials: 3 },
    ]);
    expect(allPass).toMatchObject({ icc: null, designEffect: 1, estimate: 1 });
    expect(allPass.interval).toEqual(wilsonInterval(6, 6));
    // A single case: its ICC cannot be estimated, the runs are treated as independent.
    expect(clusteredProportionInterval([{ successes: 2, trials: 5 }]).interval).toEqual(wilsonInterval(2, 5));
    expect(() => clusteredProportionInterval([{ successes: 4, trials: 3 }])).toThrow(RangeError);
    expect(() => clusteredProportionInterval([{ successes: 1, trials: 1.5 }])).toThrow(RangeError);
    expect(() => clusteredProportionInterval([{ successes: 1, trials: 2 }], 0)).toThrow(RangeError);
  });
});

/** Brute force: all k-subsets of n runs where runs 0..c−1 pass; share with ≥ 1 pass and with all passing. */
function enumerateSubsets(n: number, c: number, k: number): { any: number; all: number } {
  let total = 0;
  let any = 0;
  let all = 0;
  const visit = (start: number, chosen: number, passes: number) => {
    if (chosen === k) {
      total++;
      if (passes > 0) any++;
      if (passes === k) all++;
      return;
    }
    for (let i = start; i < n; i++) visit(i + 1, chosen + 1, passes + (i < c ? 1 : 0));
  };
  visit(0, 0, 0);
  return { any: any / total, all: all / total };
}

/** C(n, k) exactly. */
function choose(n: number, k: number): bigint {
  let result = 1n;
  for (let i = 0; i < k; i++) result = (result * BigInt(n - i)) / BigInt(i + 1);
  return result;
}

describe('passAtK and passAllK', () => {
  it('match brute-force enumeration of all k-subsets', () => {
    for (let n = 1; n <= 9; n++) {
      for (let c = 0; c <= n; c++) {
        for (let k = 1; k <= n; k++) {
          const expected = enumerateSubsets(n, c, k);
          expect(passAtK(n, c, k)).toBeCloseTo(expected.any, 12);
          expect(passAllK(n, c, k)).toBeCloseTo(expected.all, 12);
        }
      }
    }
  });

  it('stays accurate for large n (exact BigInt binomial coefficients)', () => {
    // 1 − C(150, 10)/C(200, 10) and C(50, 10)/C(200, 10), computed exactly and scaled to 1e-18.
    const scale = 10n ** 18n;
    const ratio = (numerator: bigint, denominator: bigint) => Number((numerator * scale) / denominator) / 1e18;
    expect(passAtK(200, 50, 10)).toBeCloseTo(1 - ratio(choose(150, 10), choose(200, 10)), 14);
    expect(passAllK(200, 50, 10)).toBeCloseTo(ratio(choose(50, 10), choose(200, 10)), 16);
  });

  it('reduces to c/n at k = 1 (Chen et al. 2021) and throws for impossible arguments', () => {
    expect(passAtK(10, 3, 1)).toBeCloseTo(0.3, 15);
    expect(passAllK(10, 5, 2)).toBeCloseTo(2 / 9, 15);
    expect(passAtK(5, 0, 3)).toBe(0);
    expect(passAtK(5, 3, 3)).toBe(1);
    expect(passAllK(5, 2, 3)).toBe(0);
    expect(() => passAtK(5, 6, 1)).toThrow(RangeError);
    expect(() => passAtK(5, 2, 6)).toThrow(RangeError);
    expect(() => passAtK(0, 0, 1)).toThrow(RangeError);
    expect(() => passAllK(5, 2, 0)).toThrow(RangeError);
  });
});
