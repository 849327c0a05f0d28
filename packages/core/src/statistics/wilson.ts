import { assertRate } from './_validate.ts';
import { zForConfidence } from './normal.ts';

/** z for a two-sided 95% interval, Φ⁻¹(0.975) ≈ 1.959963984540054 — computed the same way as for other levels, so a 0.95 from anywhere gives identical intervals. */
const z95 = zForConfidence(0.95);

/**
 * Wilson score interval for a binomial proportion (Wilson 1927). Unlike the normal
 * approximation it stays inside [0, 1] and behaves at 0/n and n/n.
 * Returns null for n = 0: there is no rate to bound. For another confidence level pass
 * `zForConfidence(confidence)` as `z`.
 * @example wilsonInterval(81, 263) // [0.2553, 0.3662] (Newcombe 1998, Table I)
 */
export function wilsonInterval(successes: number, n: number, z = z95): [number, number] | null {
  if (!(n >= 0) || !Number.isFinite(n)) throw new RangeError(`wilsonInterval: n must be a finite number ≥ 0, got ${n}`);
  if (!(successes >= 0 && successes <= n)) throw new RangeError(`wilsonInterval: successes must be in [0, n], got ${successes} of ${n}`);
  if (n === 0) return null;
  return wilsonIntervalFromRate(successes / n, n, z);
}

/**
 * The Wilson interval for an observed rate on a (possibly fractional) sample size, e.g. an
 * effective sample size n / design effect. Null for n = 0.
 */
export function wilsonIntervalFromRate(rate: number, n: number, z = z95): [number, number] | null {
  assertRate('wilsonIntervalFromRate: rate', rate);
  if (!(n >= 0) || !Number.isFinite(n)) throw new RangeError(`wilsonIntervalFromRate: n must be a finite number ≥ 0, got ${n}`);
  if (!(z > 0) || !Number.isFinite(z)) throw new RangeError(`wilson interval: z must be a finite number > 0, got ${z}`);
  if (n === 0) return null;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const center = (rate + z2 / (2 * n)) / denominator;
  const half = (z * Math.sqrt((rate * (1 - rate)) / n + z2 / (4 * n * n))) / denominator;
  // Exact ends at 0/n and n/n (the formula lands a rounding error away from them).
  return [rate === 0 ? 0 : Math.max(0, center - half), rate === 1 ? 1 : Math.min(1, center + half)];
}
