import jStat from 'jstat';
import { assertConfidence } from './_validate.ts';

/**
 * The z for a two-sided interval at `confidence`, Φ⁻¹((1 + confidence) / 2).
 * @example zForConfidence(0.95) // ≈ 1.959963984540054 (jstat lands within 1 ulp)
 */
export function zForConfidence(confidence: number): number {
  assertConfidence(confidence);
  return normalQuantile((1 + confidence) / 2);
}

/**
 * Standard normal CDF Φ(x). jstat computes it as erfc/2 with an absolute (not relative) error near
 * 1e-16, so Φ(x) for x below about −8.3 reads as 0: two-sided p-values under ~1e-16 come out as 0.
 */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) throw new RangeError('normalCdf: x is NaN');
  if (x === Infinity) return 1;
  if (x === -Infinity) return 0;
  return Math.min(1, Math.max(0, jStat.normal.cdf(x, 0, 1)));
}

/** Standard normal quantile Φ⁻¹(p); −Infinity at p = 0 and Infinity at p = 1. */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`normalQuantile: p must be in [0, 1], got ${p}`);
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  return jStat.normal.inv(p, 0, 1);
}
