import { describe, expect, it } from 'vitest';
import { zForConfidence } from './normal.ts';
import { wilsonInterval, wilsonIntervalFromRate } from './wilson.ts';

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

  it('is the set of p the score test does not reject (independent computation)', () => {
    // The Wilson interval inverts the score test |p̂ − p| ≤ z·√(p(1 − p)/n): at each end the test is on its boundary.
    for (const [x, n, confidence] of [[7, 40, 0.95], [33, 35, 0.9], [500, 1000, 0.99]] as const) {
      const z = zForConfidence(confidence);
      const [low, high] = wilsonInterval(x, n, z)!;
      for (const end of [low, high]) expect(Math.abs(x / n - end)).toBeCloseTo(z * Math.sqrt((end * (1 - end)) / n), 12);
    }
  });

  it('returns null for n = 0 and stays in [0, 1]', () => {
    expect(wilsonInterval(0, 0)).toBeNull();
    const [low, high] = wilsonInterval(10, 10)!;
    expect(high).toBe(1);
    expect(low).toBeGreaterThan(0.65);
  });

  it('throws RangeError for impossible counts', () => {
    expect(() => wilsonInterval(5, 4)).toThrow(RangeError);
    expect(() => wilsonInterval(-1, 4)).toThrow(RangeError);
    expect(() => wilsonInterval(1, Number.NaN)).toThrow(RangeError);
    expect(() => wilsonInterval(1, 4, 0)).toThrow(RangeError);
  });

  it('takes fractional sample sizes through wilsonIntervalFromRate', () => {
    expect(wilsonIntervalFromRate(0.25, 40)).toEqual(wilsonInterval(10, 40));
    expect(wilsonIntervalFromRate(0.5, 0)).toBeNull();
    expect(() => wilsonIntervalFromRate(1.2, 10)).toThrow(RangeError);
  });
});
