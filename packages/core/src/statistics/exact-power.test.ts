import { describe, expect, it } from 'vitest';
import { binomialPmf } from './_test-reference.ts';
import { binomialCdf } from './_binomial.ts';
import { exactPowerPaired, exactPowerTwoProportions, sampleSizePairedExact, sampleSizeTwoProportionsExact } from './exact-power.ts';
import { unpairedProportionTest } from './difference.ts';
import { mcnemarExact } from './paired-tests.ts';
import { sampleSizePaired, sampleSizeTwoProportions } from './power.ts';

/** Power of the test compare runs, by running it on every table: Σ P(table)·[p < α]. */
function bruteForceFisherPower(n: number, p1: number, p2: number, alpha: number): number {
  const baseline = binomialPmf(n, p1);
  const candidate = binomialPmf(n, p2);
  let power = 0;
  for (let x1 = 0; x1 <= n; x1++) {
    for (let x2 = 0; x2 <= n; x2++) if (unpairedProportionTest(x1, n, x2, n).pValue < alpha) power += baseline[x1] * candidate[x2];
  }
  return power;
}

/** Power of mcnemarExact over n pairs, by running it on every split of every number of discordant pairs. */
function bruteForceMcNemarPower(n: number, discordance: number, difference: number, alpha: number): number {
  const discordant = binomialPmf(n, discordance);
  let power = 0;
  for (let d = 1; d <= n; d++) {
    const split = binomialPmf(d, (discordance + difference) / (2 * discordance));
    for (let candidateOnly = 0; candidateOnly <= d; candidateOnly++) {
      if (mcnemarExact(d - candidateOnly, candidateOnly).pValue < alpha) power += discordant[d] * split[candidateOnly];
    }
  }
  return power;
}

describe('exactPowerTwoProportions (Fisher, as compare runs it)', () => {
  it('equals running the test on every table', () => {
    for (const [n, p1, p2] of [[5, 0.5, 0.5], [10, 0.3, 0.8], [25, 0.5, 0.7], [40, 0.9, 0.99], [60, 0.1, 0.3], [33, 0, 0.2], [20, 1, 0.9], [80, 0.5, 0.5], [120, 0.8, 0.9]]) {
      for (const alpha of [0.05, 0.01, 0.2]) {
        expect(exactPowerTwoProportions({ n, baselineRate: p1, difference: p2 - p1, alpha })).toBeCloseTo(bruteForceFisherPower(n, p1, p2, alpha), 9);
      }
    }
  });

  it('is the size at no difference, at most α (Fisher is conservative)', () => {
    for (const n of [10, 50, 300]) {
      const size = exactPowerTwoProportions({ n, baselineRate: 0.5, difference: 0 });
      expect(size).toBeGreaterThan(0);
      expect(size).toBeLessThanOrEqual(0.05);
    }
  });

  it('uses the z-test above 2000 cases per arm, as unpairedProportionTest does', () => {
    expect(exactPowerTwoProportions({ n: 2001, baselineRate: 0.5, difference: 0 })).toBe(0.05);
    expect(() => exactPowerTwoProportions({ n: 0, baselineRate: 0.5, difference: 0.1 })).toThrow(RangeError);
    expect(() => exactPowerTwoProportions({ n: 10, baselineRate: 0.95, difference: 0.1 })).toThrow(RangeError);
  });
});

describe('exactPowerPaired (exact McNemar)', () => {
  it('equals running the test on every split', () => {
    for (const [n, discordance, difference] of [[5, 0.5, 0], [10, 0.3, 0.1], [40, 0.2, 0.1], [100, 0.3, -0.08], [150, 0.1, 0.06], [60, 0.5, 0.5], [200, 0.05, 0]]) {
      for (const alpha of [0.05, 0.01, 0.2]) {
        expect(exactPowerPaired({ n, baselineRate: 0.5, difference, discordance, alpha })).toBeCloseTo(bruteForceMcNemarPower(n, discordance, difference, alpha), 9);
      }
    }
  });

  it('rejects a discordance too small for the difference', () => {
    expect(() => exactPowerPaired({ n: 10, baselineRate: 0.5, difference: 0.2, discordance: 0.1 })).toThrow(RangeError);
  });
});

describe('sample sizes for the exact tests (issue 10: the normal approximation falls short)', () => {
  const designs = [
    { baselineRate: 0.5, difference: 0.2 },
    { baselineRate: 0.7, difference: 0.1 },
    { baselineRate: 0.8, difference: 0.1 },
    { baselineRate: 0.9, difference: 0.03 },
    { baselineRate: 0.95, difference: -0.05 },
  ];

  it('Fisher: reaches the power where the normal-approximation size does not', () => {
    for (const design of designs) {
      const sized = sampleSizeTwoProportionsExact(design);
      const normal = sampleSizeTwoProportions(design);
      const powerAt = (n: number) => bruteForceOrExactFisher(n, design.baselineRate, design.baselineRate + design.difference);
      expect(sized).toMatchObject({ test: 'fisher-exact', normalApproximation: { cases: normal } });
      // The finding: 75–78% at the formula's sizes.
      expect(sized.normalApproximation.power).toBeGreaterThan(0.74);
      expect(sized.normalApproximation.power).toBeLessThan(0.79);
      expect(sized.power).toBeGreaterThanOrEqual(0.8);
      expect(sized.power).toBeCloseTo(powerAt(sized.cases), 9);
      expect(powerAt(sized.cases - 1)).toBeLessThan(0.8);
      expect(sized.cases).toBeGreaterThan(normal);
    }
    expect(sampleSizeTwoProportionsExact({ baselineRate: 0.5, difference: 0.2 }).cases).toBe(102);
  });

  it('McNemar: reaches the power where Connor’s size does not', () => {
    for (const design of [...designs.map((d) => ({ ...d, discordance: undefined })), { baselineRate: 0.7, difference: 0.1, discordance: 0.2 }]) {
      const sized = sampleSizePairedExact(design);
      const normal = sampleSizePaired(design);
      expect(sized).toMatchObject({ test: 'mcnemar-exact', discordance: normal.discordance, assumed: normal.assumed, normalApproximation: { cases: normal.cases } });
      expect(sized.normalApproximation.power).toBeGreaterThan(0.75);
      expect(sized.normalApproximation.power).toBeLessThan(0.79);
      expect(sized.power).toBeGreaterThanOrEqual(0.8);
      const powerAt = (n: number) => exactPowerPaired({ n, baselineRate: design.baselineRate, difference: design.difference, discordance: normal.discordance });
      expect(powerAt(sized.cases - 1)).toBeLessThan(0.8);
    }
    // Hand-checkable against the brute force at a small size.
    const small = sampleSizePairedExact({ baselineRate: 0.7, difference: 0.1, discordance: 0.2 });
    expect(small.cases).toBe(168);
    expect(bruteForceMcNemarPower(168, 0.2, 0.1, 0.05)).toBeCloseTo(small.power, 8);
  });

  it('switches to the z-test past 2000 cases per arm, and stays quick for large sizes', () => {
    const started = performance.now();
    const large = sampleSizeTwoProportionsExact({ baselineRate: 0.5, difference: 0.01 });
    const paired = sampleSizePairedExact({ baselineRate: 0.5, difference: 0.01 });
    const elapsed = performance.now() - started;
    expect(large).toMatchObject({ test: 'z-pooled', cases: sampleSizeTwoProportions({ baselineRate: 0.5, difference: 0.01 }) });
    expect(paired.cases).toBeGreaterThan(sampleSizePaired({ baselineRate: 0.5, difference: 0.01 }).cases);
    console.log(`exact sample sizes at 39,000+ cases in ${elapsed.toFixed(0)} ms`);
    // Typically ~0.2 s (the paired one); the bound leaves room for a loaded CI machine.
    expect(elapsed).toBeLessThan(3000);
  });
});

/** Brute force is O(n³); above 150 cases per arm trust exactPowerTwoProportions, checked against it above. */
function bruteForceOrExactFisher(n: number, p1: number, p2: number): number {
  return n <= 150 ? bruteForceFisherPower(n, p1, p2, 0.05) : exactPowerTwoProportions({ n, baselineRate: p1, difference: p2 - p1 });
}

describe('binomialCdf', () => {
  it('matches a log-space pmf sum on both sides of the mean, and the edges', () => {
    for (const [n, p] of [[10, 0.3], [200, 0.5], [1500, 0.07], [40, 0.99]]) {
      const pmf = binomialPmf(n, p);
      let cumulative = 0;
      for (let k = 0; k < n; k++) {
        cumulative += pmf[k];
        expect(binomialCdf(k, n, p)).toBeCloseTo(cumulative, 9);
      }
    }
    expect(binomialCdf(-1, 5, 0.5)).toBe(0);
    expect(binomialCdf(5, 5, 0.5)).toBe(1);
    expect(binomialCdf(2, 5, 0)).toBe(1);
    expect(binomialCdf(2, 5, 1)).toBe(0);
  });
});
