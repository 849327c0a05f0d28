import { assertConfidence, assertInteger } from './_validate.ts';
import { normalCdf, zForConfidence } from './normal.ts';
import { wilsonInterval } from './wilson.ts';

/** A paired 2×2 table: the same cases scored by baseline and candidate. */
export interface PairedTable {
  bothPass: number;
  baselineOnly: number;
  candidateOnly: number;
  neither: number;
}

/**
 * Interval for the difference candidate − baseline of two pass rates measured on the same cases:
 * Newcombe (1998) method 10, "Improved confidence intervals for the difference between binomial
 * proportions based on paired data", Stat Med 17:2635–2650. The hybrid score interval combines the
 * Wilson intervals (l₁, u₁) of the candidate rate p₁ and (l₂, u₂) of the baseline rate p₂:
 *   L = θ − √((p₁ − l₁)² − 2φ̂(p₁ − l₁)(u₂ − p₂) + (u₂ − p₂)²)
 *   U = θ + √((p₂ − l₂)² − 2φ̂(p₂ − l₂)(u₁ − p₁) + (u₁ − p₁)²)
 * with Newcombe's corrected φ̂ = C/√(efgh) over the margins e, f, g, h, where C = ad − bc − n/2
 * if ad − bc > n/2, 0 if 0 ≤ ad − bc ≤ n/2, and ad − bc if negative; φ̂ = 0 when a margin is 0.
 * Null when the table is empty.
 * @example pairedProportionDifferenceInterval({ bothPass: 59, candidateOnly: 6, baselineOnly: 16, neither: 80 }) // [−0.1186, −0.0046]
 */
export function pairedProportionDifferenceInterval(table: PairedTable, confidence = 0.95): [number, number] | null {
  assertConfidence(confidence);
  const { bothPass: a, candidateOnly: b, baselineOnly: c, neither: d } = table;
  assertInteger('pairedProportionDifferenceInterval: bothPass', a);
  assertInteger('pairedProportionDifferenceInterval: candidateOnly', b);
  assertInteger('pairedProportionDifferenceInterval: baselineOnly', c);
  assertInteger('pairedProportionDifferenceInterval: neither', d);
  const n = a + b + c + d;
  if (n === 0) return null;
  const z = zForConfidence(confidence);
  const candidatePass = a + b;
  const baselinePass = a + c;
  const p1 = candidatePass / n;
  const p2 = baselinePass / n;
  const [l1, u1] = wilsonInterval(candidatePass, n, z)!;
  const [l2, u2] = wilsonInterval(baselinePass, n, z)!;

  let phi = 0;
  const marginProduct = candidatePass * (c + d) * baselinePass * (b + d);
  if (marginProduct > 0) {
    const cross = a * d - b * c;
    const corrected = cross > n / 2 ? cross - n / 2 : cross >= 0 ? 0 : cross;
    phi = corrected / Math.sqrt(marginProduct);
  }
  const theta = (b - c) / n;
  const lowerSquared = (p1 - l1) ** 2 - 2 * phi * (p1 - l1) * (u2 - p2) + (u2 - p2) ** 2;
  const upperSquared = (p2 - l2) ** 2 - 2 * phi * (p2 - l2) * (u1 - p1) + (u1 - p1) ** 2;
  return [Math.max(-1, theta - Math.sqrt(Math.max(0, lowerSquared))), Math.min(1, theta + Math.sqrt(Math.max(0, upperSquared)))];
}

/**
 * Interval for the difference candidate − baseline of two independent pass rates: Newcombe (1998)
 * method 10, "Interval estimation for the difference between independent proportions: comparison
 * of eleven methods", Stat Med 17:873–890 — the hybrid score interval
 *   L = θ − √((p₁ − l₁)² + (u₂ − p₂)²),  U = θ + √((u₁ − p₁)² + (p₂ − l₂)²)
 * from the Wilson intervals of the candidate rate p₁ and the baseline rate p₂.
 * Null when either sample is empty.
 * @example unpairedProportionDifferenceInterval(48, 80, 56, 70) // [0.0524, 0.3339]
 */
export function unpairedProportionDifferenceInterval(
  xBaseline: number,
  nBaseline: number,
  xCandidate: number,
  nCandidate: number,
  confidence = 0.95,
): [number, number] | null {
  assertConfidence(confidence);
  assertCounts('unpairedProportionDifferenceInterval', xBaseline, nBaseline, xCandidate, nCandidate);
  if (nBaseline === 0 || nCandidate === 0) return null;
  const z = zForConfidence(confidence);
  const p1 = xCandidate / nCandidate;
  const p2 = xBaseline / nBaseline;
  const [l1, u1] = wilsonInterval(xCandidate, nCandidate, z)!;
  const [l2, u2] = wilsonInterval(xBaseline, nBaseline, z)!;
  const theta = p1 - p2;
  return [Math.max(-1, theta - Math.hypot(p1 - l1, u2 - p2)), Math.min(1, theta + Math.hypot(u1 - p1, p2 - l2))];
}

/** Which test `unpairedProportionTest` runs; 'auto' is Fisher's exact test when both n ≤ 2000, else the pooled z-test. */
export type UnpairedTestMethod = 'auto' | 'fisher-exact' | 'z-pooled';

/** Two-sided test of equal pass rates in two independent samples. */
export interface UnpairedTestResult {
  pValue: number;
  method: 'fisher-exact' | 'z-pooled';
}

/**
 * Two-sided test that two independent pass rates are equal.
 * - 'fisher-exact' (default when both n ≤ 2000): Fisher's exact test conditional on the margins,
 *   p = Σ P(table) over the tables no more likely than the observed one (R's `fisher.test`, with
 *   the same relative tolerance 1 + 10⁻⁷ for ties in probability);
 * - 'z-pooled' (default above 2000): z = (p₁ − p₂)/√(p̄(1 − p̄)(1/n₁ + 1/n₂)) with the pooled
 *   rate p̄, p = 2Φ(−|z|) — the same as R's `prop.test(correct = FALSE)` and Pearson's χ².
 * pValue is 1 when either sample is empty or when every case passed or every case failed.
 * @example unpairedProportionTest(1, 4, 3, 4).pValue // 34/70 ≈ 0.4857 (Fisher's tea-tasting table)
 */
export function unpairedProportionTest(
  xBaseline: number,
  nBaseline: number,
  xCandidate: number,
  nCandidate: number,
  options: { method?: UnpairedTestMethod } = {},
): UnpairedTestResult {
  assertCounts('unpairedProportionTest', xBaseline, nBaseline, xCandidate, nCandidate);
  const requested = options.method ?? 'auto';
  const method = requested === 'auto' ? (nBaseline <= 2000 && nCandidate <= 2000 ? 'fisher-exact' : 'z-pooled') : requested;
  const passes = xBaseline + xCandidate;
  const total = nBaseline + nCandidate;
  if (nBaseline === 0 || nCandidate === 0 || passes === 0 || passes === total) return { pValue: 1, method };
  if (method === 'fisher-exact') return { pValue: fisherExactTwoSided(xBaseline, nBaseline, passes, total), method };
  const pooled = passes / total;
  const z = (xCandidate / nCandidate - xBaseline / nBaseline) / Math.sqrt(pooled * (1 - pooled) * (1 / nBaseline + 1 / nCandidate));
  return { pValue: Math.min(1, 2 * normalCdf(-Math.abs(z))), method };
}

/**
 * Fisher's exact two-sided p-value for x passes in the first sample of size n1, with `passes`
 * passes among `total` cases. The hypergeometric probabilities are built by the ratio
 * P(x + 1)/P(x) = (passes − x)(n1 − x) / ((x + 1)(total − passes − n1 + x + 1)) relative to the mode
 * and normalised at the end, so nothing overflows; p-values under ~1e-300 come out as 0.
 */
function fisherExactTwoSided(x: number, n1: number, passes: number, total: number): number {
  const low = Math.max(0, passes - (total - n1));
  const high = Math.min(n1, passes);
  const logWeights = new Float64Array(high - low + 1);
  for (let value = low; value < high; value++) {
    const ratio = ((passes - value) * (n1 - value)) / ((value + 1) * (total - passes - n1 + value + 1));
    logWeights[value - low + 1] = logWeights[value - low] + Math.log(ratio);
  }
  let peak = -Infinity;
  for (const logWeight of logWeights) peak = Math.max(peak, logWeight);
  const observed = logWeights[x - low] - peak;
  // R's fisher.test: tables with d ≤ d_observed · (1 + 1e-7) count as at least as extreme.
  const threshold = observed + Math.log1p(1e-7);
  let sum = 0;
  let extreme = 0;
  for (const logWeight of logWeights) {
    const weight = Math.exp(logWeight - peak);
    sum += weight;
    if (logWeight - peak <= threshold) extreme += weight;
  }
  return Math.min(1, extreme / sum);
}

function assertCounts(name: string, xBaseline: number, nBaseline: number, xCandidate: number, nCandidate: number): void {
  assertInteger(`${name}: nBaseline`, nBaseline);
  assertInteger(`${name}: nCandidate`, nCandidate);
  assertInteger(`${name}: xBaseline`, xBaseline);
  assertInteger(`${name}: xCandidate`, xCandidate);
  if (xBaseline > nBaseline) throw new RangeError(`${name}: xBaseline (${xBaseline}) exceeds nBaseline (${nBaseline})`);
  if (xCandidate > nCandidate) throw new RangeError(`${name}: xCandidate (${xCandidate}) exceeds nCandidate (${nCandidate})`);
}
