// Edge and degenerate inputs: every procedure returns a number (never NaN), null, or throws RangeError.
import { describe, expect, it } from 'vitest';
import { bootstrapMeanInterval } from './bootstrap.ts';
import { clusteredProportionInterval, passAllK, passAtK } from './cluster.ts';
import { pairedProportionDifferenceInterval, unpairedProportionDifferenceInterval, unpairedProportionTest } from './difference.ts';
import { holmAdjust } from './multiple-comparisons.ts';
import { mcnemarExact, pairedBootstrapMeanDifference, wilcoxonSignedRank } from './paired-tests.ts';
import { casesWithRepeats, minimumDetectableDifference, sampleSizePaired, sampleSizeTwoProportions } from './power.ts';
import { wilsonInterval } from './wilson.ts';

/** Every number reachable in a result (nested arrays and objects). */
function numbersIn(value: unknown): number[] {
  if (typeof value === 'number') return [value];
  if (Array.isArray(value)) return value.flatMap(numbersIn);
  if (value && typeof value === 'object') return Object.values(value).flatMap(numbersIn);
  return [];
}

describe('degenerate inputs', () => {
  it('never produce NaN', () => {
    const results: unknown[] = [];
    for (const n of [1, 2, 5]) {
      for (let x = 0; x <= n; x++) {
        results.push(wilsonInterval(x, n), unpairedProportionDifferenceInterval(x, n, n - x, n), unpairedProportionTest(x, n, 0, n));
        results.push(passAtK(n, x, 1), passAllK(n, x, n), mcnemarExact(x, n - x));
        results.push(clusteredProportionInterval([{ successes: x, trials: n }, { successes: 0, trials: n }, { successes: n, trials: n }]));
      }
    }
    for (const table of [
      { bothPass: 0, baselineOnly: 0, candidateOnly: 0, neither: 1 },
      { bothPass: 3, baselineOnly: 0, candidateOnly: 0, neither: 0 },
      { bothPass: 0, baselineOnly: 4, candidateOnly: 0, neither: 0 },
      { bothPass: 0, baselineOnly: 0, candidateOnly: 2, neither: 0 },
    ]) {
      results.push(pairedProportionDifferenceInterval(table), pairedProportionDifferenceInterval(table, 0.5));
    }
    results.push(wilcoxonSignedRank([5]), wilcoxonSignedRank([-1, -1]), wilcoxonSignedRank(new Array(80).fill(2)));
    results.push(bootstrapMeanInterval([3]), pairedBootstrapMeanDifference([1], [0]), pairedBootstrapMeanDifference([0, 1], [1, 0]));
    results.push(holmAdjust([0, 0, 1, null]));
    for (const baselineRate of [0, 0.001, 0.5, 0.999, 1]) {
      for (const paired of [undefined, { discordance: 0 }, { discordance: 1 }]) {
        for (const direction of ['either', 'increase', 'decrease'] as const) {
          results.push(minimumDetectableDifference({ n: 1, baselineRate, paired, direction }), minimumDetectableDifference({ n: 5000, baselineRate, paired, direction }));
        }
      }
      const difference = baselineRate < 0.5 ? 1 - baselineRate : -baselineRate;
      results.push(sampleSizeTwoProportions({ baselineRate, difference }), sampleSizePaired({ baselineRate, difference }));
    }
    results.push(casesWithRepeats(0, 3, 0.5), casesWithRepeats(1e-9, 3, 0));
    const numbers = results.flatMap(numbersIn);
    expect(numbers.length).toBeGreaterThan(300);
    expect(numbers.filter((value) => Number.isNaN(value))).toEqual([]);
  });
});
