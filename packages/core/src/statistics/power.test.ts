import { describe, expect, it } from 'vitest';
import { binomialPmf } from './_test-reference.ts';
import { normalQuantile } from './normal.ts';
import {
  casesWithRepeats,
  minimumDetectableDifference,
  powerTwoProportions,
  sampleSizePaired,
  sampleSizeTwoProportions,
} from './power.ts';

/** Exact power of the two-sided pooled z-test with n per arm, by enumerating both binomials. */
function exactUnpairedPower(n: number, p1: number, p2: number, alpha: number): number {
  const z = normalQuantile(1 - alpha / 2);
  const first = binomialPmf(n, p1);
  const second = binomialPmf(n, p2);
  let power = 0;
  for (let x1 = 0; x1 <= n; x1++) {
    for (let x2 = 0; x2 <= n; x2++) {
      const pooled = (x1 + x2) / (2 * n);
      if (pooled === 0 || pooled === 1) continue;
      const statistic = (x2 / n - x1 / n) / Math.sqrt((pooled * (1 - pooled) * 2) / n);
      if (Math.abs(statistic) > z) power += first[x1] * second[x2];
    }
  }
  return power;
}

/** Exact power of McNemar's z-test (b − c)/√(b + c) over n pairs with discordance ψ and difference δ, by enumeration. */
function exactMcNemarPower(n: number, discordance: number, difference: number, alpha: number): number {
  const z = normalQuantile(1 - alpha / 2);
  const discordantCounts = binomialPmf(n, discordance);
  let power = 0;
  for (let discordant = 1; discordant <= n; discordant++) {
    const split = binomialPmf(discordant, (discordance + difference) / (2 * discordance));
    for (let candidateOnly = 0; candidateOnly <= discordant; candidateOnly++) {
      const statistic = (2 * candidateOnly - discordant) / Math.sqrt(discordant);
      if (Math.abs(statistic) > z) power += discordantCounts[discordant] * split[candidateOnly];
    }
  }
  return power;
}

describe('sampleSizeTwoProportions', () => {
  it("matches R's power.prop.test", () => {
    // R ?power.prop.test: power.prop.test(p1 = .50, p2 = .75, power = .90) → n = 76.7 (rounded up: 77);
    // power.prop.test(n = 50, p1 = .50, p2 = .75) → power = 0.740.
    expect(sampleSizeTwoProportions({ baselineRate: 0.5, difference: 0.25, power: 0.9 })).toBe(77);
    expect(powerTwoProportions({ n: 50, baselineRate: 0.5, difference: 0.25 })).toBeCloseTo(0.7402, 4);
  });

  it('delivers about the requested power (exact enumeration of the z-test)', () => {
    for (const [baselineRate, difference] of [[0.5, 0.2], [0.8, 0.1], [0.3, -0.15]]) {
      const n = sampleSizeTwoProportions({ baselineRate, difference });
      const power = exactUnpairedPower(n, baselineRate, baselineRate + difference, 0.05);
      expect(power).toBeGreaterThan(0.77);
      expect(power).toBeLessThan(0.84);
    }
  });

  it('rejects impossible designs', () => {
    expect(() => sampleSizeTwoProportions({ baselineRate: 0.5, difference: 0 })).toThrow(RangeError);
    expect(() => sampleSizeTwoProportions({ baselineRate: 0.9, difference: 0.2 })).toThrow(RangeError);
    expect(() => sampleSizeTwoProportions({ baselineRate: 1.1, difference: -0.2 })).toThrow(RangeError);
    expect(() => sampleSizeTwoProportions({ baselineRate: 0.5, difference: 0.1, alpha: 0 })).toThrow(RangeError);
    expect(() => sampleSizeTwoProportions({ baselineRate: 0.5, difference: 0.1, power: 1 })).toThrow(RangeError);
  });
});

describe('sampleSizePaired (Connor 1987)', () => {
  it('computes the formula and delivers about the requested power (exact enumeration of McNemar’s z-test)', () => {
    // Hand computation: ψ = 0.2, δ = 0.1: (1.95996·√0.2 + 0.84162·√0.19)² / 0.01 = 154.6 → 155.
    expect(sampleSizePaired({ baselineRate: 0.7, difference: 0.1, discordance: 0.2 })).toEqual({ cases: 155, discordance: 0.2, assumed: false });
    for (const [discordance, difference] of [[0.2, 0.1], [0.3, -0.08], [0.1, 0.06]]) {
      const { cases } = sampleSizePaired({ baselineRate: 0.5, difference, discordance });
      const power = exactMcNemarPower(cases, discordance, difference, 0.05);
      expect(power).toBeGreaterThan(0.77);
      expect(power).toBeLessThan(0.84);
    }
  });

  it('assumes independent outcomes when the discordance is not given', () => {
    // p₁ = 0.6, p₂ = 0.7: ψ = 0.6·0.3 + 0.7·0.4 = 0.46.
    const result = sampleSizePaired({ baselineRate: 0.6, difference: 0.1 });
    expect(result.assumed).toBe(true);
    expect(result.discordance).toBeCloseTo(0.46, 12);
    // Correlated outcomes (less discordance) need fewer cases.
    expect(sampleSizePaired({ baselineRate: 0.6, difference: 0.1, discordance: 0.2 }).cases).toBeLessThan(result.cases);
  });

  it('rejects a discordance that cannot hold the difference', () => {
    expect(() => sampleSizePaired({ baselineRate: 0.5, difference: 0.2, discordance: 0.1 })).toThrow(RangeError);
    expect(() => sampleSizePaired({ baselineRate: 0.1, difference: 0.05, discordance: 0.5 })).toThrow(RangeError);
  });
});

describe('casesWithRepeats', () => {
  it('spreads the design effect over the repeats', () => {
    // By hand: 400·(1 + 4·0.5)/5 = 240; 100·(1 + 4·0.1)/5 = 28 (floating point gives 28.000000000000004; must not round to 29).
    expect(casesWithRepeats(400, 5, 0.5)).toBe(240);
    expect(casesWithRepeats(100, 5, 0.1)).toBe(28);
    expect(casesWithRepeats(100, 1, 0.7)).toBe(100);
    expect(casesWithRepeats(100, 5, 1)).toBe(100);
    expect(casesWithRepeats(100, 4, 0)).toBe(25);
    expect(casesWithRepeats(0, 4, 0.3)).toBe(0);
    expect(casesWithRepeats(10.2, 1, 0)).toBe(11);
    expect(() => casesWithRepeats(100, 0, 0.1)).toThrow(RangeError);
    expect(() => casesWithRepeats(100, 3, 1.2)).toThrow(RangeError);
  });
});

describe('minimumDetectableDifference', () => {
  it("inverts power.prop.test: R's power.prop.test(n = 50, p1 = .5, power = .90) → p2 = 0.8026", () => {
    expect(minimumDetectableDifference({ n: 50, baselineRate: 0.5, power: 0.9, direction: 'increase' })).toBeCloseTo(0.3026, 4);
    // Symmetric at 0.5, so 'either' and 'decrease' agree.
    expect(minimumDetectableDifference({ n: 50, baselineRate: 0.5, power: 0.9 })).toBeCloseTo(0.3026, 4);
  });

  it('round-trips with the sample-size formulas', () => {
    for (const baselineRate of [0.2, 0.6, 0.85]) {
      const d = minimumDetectableDifference({ n: 300, baselineRate, direction: 'increase' });
      expect(sampleSizeTwoProportions({ baselineRate, difference: d })).toBe(300);
      const paired = minimumDetectableDifference({ n: 300, baselineRate, paired: { discordance: 0.25 }, direction: 'decrease' });
      expect(sampleSizePaired({ baselineRate, difference: -paired, discordance: 0.25 }).cases).toBe(300);
    }
  });

  it('takes the larger direction by default and caps at the room left in [0, 1]', () => {
    const up = minimumDetectableDifference({ n: 200, baselineRate: 0.3, direction: 'increase' });
    const down = minimumDetectableDifference({ n: 200, baselineRate: 0.3, direction: 'decrease' });
    expect(up).toBeGreaterThan(down);
    expect(minimumDetectableDifference({ n: 200, baselineRate: 0.3 })).toBe(up);
    expect(minimumDetectableDifference({ n: 10, baselineRate: 0.97, direction: 'increase' })).toBeCloseTo(0.03, 12);
    expect(minimumDetectableDifference({ n: 10, baselineRate: 1, direction: 'increase' })).toBe(0);
    const either = minimumDetectableDifference({ n: 10, baselineRate: 0.97 });
    expect(either).toBeGreaterThan(0.4);
    expect(either).toBeLessThanOrEqual(0.97);
  });

  it('stays finite for a paired design with no observed discordance', () => {
    // With ψ = max(0, d): d solves (z_{.975} + z_{.8}·√(1 − d))² / d = n; check the solution satisfies it.
    const n = 100;
    const d = minimumDetectableDifference({ n, baselineRate: 0.5, paired: { discordance: 0 } });
    const zAlpha = normalQuantile(0.975);
    const zPower = normalQuantile(0.8);
    expect((zAlpha + zPower * Math.sqrt(1 - d)) ** 2 / d).toBeCloseTo(n, 6);
    expect(d).toBeGreaterThan(0.05);
    expect(d).toBeLessThan(0.1);
  });

  it('rejects bad arguments', () => {
    expect(() => minimumDetectableDifference({ n: 0, baselineRate: 0.5 })).toThrow(RangeError);
    expect(() => minimumDetectableDifference({ n: 10, baselineRate: -0.1 })).toThrow(RangeError);
    expect(() => minimumDetectableDifference({ n: 10, baselineRate: 0.5, paired: { discordance: 2 } })).toThrow(RangeError);
  });
});
