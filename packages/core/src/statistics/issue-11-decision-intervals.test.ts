// Issue 11: intervals that agree with the test that decides, Holm's step levels, and a detectable
// effect sized by the exact power of McNemar's test rather than its normal approximation.
import { describe, expect, it } from 'vitest';
import { exactPowerPaired, minimumDetectablePairedDifferenceExact } from './exact-power.ts';
import { intervalAgreeingWithTest } from './interval-agreeing-with-test.ts';
import { holmAdjust, holmLevels } from './multiple-comparisons.ts';
import { minimumDetectableDifference } from './power.ts';
import { seededRandom } from './random.ts';

describe('intervalAgreeingWithTest', () => {
  it('stretches to 0 when the test does not reject, cuts at 0 when it rejects, and leaves agreeing intervals alone', () => {
    expect(intervalAgreeingWithTest([0.013, 0.261], 0.125, false)).toEqual([0, 0.261]);
    expect(intervalAgreeingWithTest([-0.3, -0.1], -0.2, false)).toEqual([-0.3, 0]);
    expect(intervalAgreeingWithTest([-0.02, 0.3], 0.15, true)).toEqual([0, 0.3]);
    expect(intervalAgreeingWithTest([-0.3, 0.01], -0.15, true)).toEqual([-0.3, 0]);
    expect(intervalAgreeingWithTest([0.1, 0.3], 0.2, true)).toEqual([0.1, 0.3]);
    expect(intervalAgreeingWithTest([-0.1, 0.3], 0.1, false)).toEqual([-0.1, 0.3]);
    expect(intervalAgreeingWithTest(null, 0.1, true)).toBeNull();
  });
});

describe('holmLevels', () => {
  it('is the level of the step that decided each hypothesis, so p < level exactly when Holm rejects', () => {
    expect(holmLevels([0.001, 0.04, 0.03], 0.05)).toEqual([0.05 / 3, 0.05 / 2, 0.05 / 2]);
    expect(holmLevels([0.001, null, 0.02, 0.04], 0.05)).toEqual([0.05 / 3, null, 0.05 / 2, 0.05]);
    const random = seededRandom(3);
    for (let trial = 0; trial < 200; trial++) {
      const pValues = Array.from({ length: 1 + (trial % 9) }, () => random() ** 4);
      const adjusted = holmAdjust(pValues) as number[];
      holmLevels(pValues, 0.05).forEach((level, index) => {
        expect(pValues[index]! < level!).toBe(adjusted[index]! < 0.05);
        expect(level!).toBeLessThanOrEqual(0.05);
      });
    }
  });
});

describe('minimumDetectablePairedDifferenceExact', () => {
  it('is null when no split of the pairs reaches p < α (n ≤ 5 at α = 0.05), where the normal approximation claimed ±99.9 pts', () => {
    for (const n of [1, 4, 5]) expect(minimumDetectablePairedDifferenceExact({ n, baselineRate: 0, discordance: 1 })).toBeNull();
    expect(minimumDetectableDifference({ n: 4, baselineRate: 0, paired: { discordance: 1 } })).toBeGreaterThan(0.99);
  });

  it('reaches the power at the size it gives, and is never smaller than what the normal approximation promises', () => {
    for (const [n, baselineRate, discordance] of [[40, 0.875, 0.125], [40, 0.5, 0.2], [100, 0.7, 0.1], [300, 0.9, 0.05]] as const) {
      const exact = minimumDetectablePairedDifferenceExact({ n, baselineRate, discordance })!;
      const normal = minimumDetectableDifference({ n, baselineRate, paired: { discordance } });
      expect(exact).toBeGreaterThanOrEqual(normal - 1e-9);
      expect(exactPowerPaired({ n, baselineRate, difference: baselineRate >= 0.5 ? -exact : exact, discordance: Math.max(discordance, exact) })).toBeGreaterThanOrEqual(0.8 - 1e-9);
    }
  });
});
