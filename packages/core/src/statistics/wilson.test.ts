import { describe, expect, it } from 'vitest';
import { wilsonInterval } from './wilson.ts';

describe('wilsonInterval', () => {
  it('matches Newcombe (1998) Table I, method 3', () => {
    // Newcombe, "Two-sided confidence intervals for the single proportion", Stat Med 17:857–872.
    // 81/263 → 0.2553–0.3662; 15/148 → 0.0624–0.1605; 0/20 → 0–0.1611; 1/29 → 0.0061–0.1718.
    const check = (x: number, n: number, low: number, high: number) => {
      const [l, h] = wilsonInterval(x, n)!;
      expect(l).toBeCloseTo(low, 4);
      expect(h).toBeCloseTo(high, 4);
    };
    check(81, 263, 0.2553, 0.3662);
    check(15, 148, 0.0624, 0.1605);
    check(0, 20, 0, 0.1611);
    check(1, 29, 0.0061, 0.1718);
  });

  it('returns null for n = 0 and stays in [0, 1]', () => {
    expect(wilsonInterval(0, 0)).toBeNull();
    const [low, high] = wilsonInterval(10, 10)!;
    expect(high).toBe(1);
    expect(low).toBeGreaterThan(0.65);
  });
});
