import { describe, expect, it } from 'vitest';
import { holmAdjust } from './multiple-comparisons.ts';
import { seededRandom } from './random.ts';

/** Holm's step-down procedure at level α (Holm 1979): which hypotheses it rejects — independent of the adjusted-p formula. */
function holmRejects(pValues: number[], alpha: number): boolean[] {
  const order = pValues.map((p, index) => ({ p, index })).sort((a, b) => a.p - b.p);
  const rejected = pValues.map(() => false);
  for (const [rank, { p, index }] of order.entries()) {
    if (p > alpha / (pValues.length - rank)) break;
    rejected[index] = true;
  }
  return rejected;
}

describe('holmAdjust', () => {
  it('matches the step-down formula on a textbook sequence', () => {
    // By hand (= R p.adjust(c(0.01, 0.02, 0.03, 0.04, 0.05), "holm")): 5·0.01, 4·0.02, 3·0.03, max(0.09, 2·0.04), max(0.09, 0.05).
    const adjusted = holmAdjust([0.01, 0.02, 0.03, 0.04, 0.05]);
    [0.05, 0.08, 0.09, 0.09, 0.09].forEach((expected, i) => expect(adjusted[i]).toBeCloseTo(expected, 12));
  });

  it('is the smallest α at which the step-down procedure rejects each hypothesis', () => {
    const random = seededRandom(5);
    for (let trial = 0; trial < 50; trial++) {
      const pValues = Array.from({ length: 1 + (trial % 8) }, () => random() ** 3);
      const adjusted = holmAdjust(pValues) as number[];
      for (const [i, level] of adjusted.entries()) {
        if (level >= 1) continue;
        expect(holmRejects(pValues, level * (1 + 1e-12))[i]).toBe(true);
        expect(holmRejects(pValues, level * (1 - 1e-9))[i]).toBe(false);
      }
    }
  });

  it('keeps nulls in place without counting them, caps at 1 and is monotone in p', () => {
    const adjusted = holmAdjust([0.01, null, 0.04, 0.03, null]);
    expect(adjusted[1]).toBeNull();
    expect(adjusted[4]).toBeNull();
    expect(adjusted[0]).toBeCloseTo(0.03, 12);
    expect(adjusted[2]).toBeCloseTo(0.06, 12);
    expect(adjusted[3]).toBeCloseTo(0.06, 12);
    expect(holmAdjust([0.5, 0.6, 0.9])).toEqual([1, 1, 1]);
    expect(holmAdjust([])).toEqual([]);
    expect(holmAdjust([null])).toEqual([null]);
    expect(() => holmAdjust([0.2, 1.5])).toThrow(RangeError);
    expect(() => holmAdjust([Number.NaN])).toThrow(RangeError);
  });
});
