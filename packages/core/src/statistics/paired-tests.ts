import { assertConfidence, assertFinite, assertInteger } from './_validate.ts';
import { binomialCdf } from './_binomial.ts';
import { allEqual, defaultBootstrapSeed, percentileInterval, resampleMeans, shiftedNullPValue } from './_resample.ts';
import type { BootstrapOptions } from './bootstrap.ts';
import { normalCdf } from './normal.ts';

/** Exact McNemar test result. */
export interface McNemarResult {
  /** Two-sided exact p-value; 1 when there are no discordant pairs. */
  pValue: number;
  /** baselineOnly + candidateOnly. */
  discordant: number;
}

/**
 * Exact two-sided McNemar test: under H₀ each discordant pair is equally likely to favour either
 * side, so the smaller count is Binomial(b + c, ½) and p = min(1, 2·P(X ≤ min(b, c))) — the same
 * as R's `binom.test(b, b + c)` and `exact2x2::mcnemar.exact`.
 *
 * The test is exact (no approximation to the null distribution); its p-value is computed in floating
 * point to a relative error of about 2·10⁻¹⁰ (measured against exact BigInt sums for n up to
 * 20,000), not exactly: the tail is summed term by term from its largest term, and that term's
 * logarithm comes from jStat.gammaln, off by about 10⁻¹⁰ at n in the thousands. The error is
 * relative, so it holds for the smallest p-values too (jstat's binomial CDF rounds to 1e-10 absolute).
 * @example mcnemarExact(1, 9).pValue // 22/1024 ≈ 0.0215
 */
export function mcnemarExact(baselineOnly: number, candidateOnly: number): McNemarResult {
  assertInteger('mcnemarExact: baselineOnly', baselineOnly);
  assertInteger('mcnemarExact: candidateOnly', candidateOnly);
  const discordant = baselineOnly + candidateOnly;
  if (discordant === 0) return { pValue: 1, discordant };
  const lowerTail = binomialCdf(Math.min(baselineOnly, candidateOnly), discordant, 0.5);
  return { pValue: Math.min(1, 2 * lowerTail), discordant };
}

/** Wilcoxon signed-rank test result. */
export interface WilcoxonResult {
  /** V: the sum of the ranks of the positive differences (R's `V`). */
  statistic: number;
  /** Two-sided p-value; 1 when there are no non-zero differences. */
  pValue: number;
  /** 'exact' when nonZero ≤ 50 and no tied |differences|, else 'normal'. */
  method: 'exact' | 'normal';
  /** Differences left after dropping zeros. */
  nonZero: number;
}

/**
 * Two-sided Wilcoxon signed-rank test of paired differences. It matches R's
 * `wilcox.test(d, correct = TRUE)` (equivalently `wilcox.test(x, y, paired = TRUE)`) except in
 * two cases where R's default leaves the exact test and this one keeps it:
 * - zero differences are dropped (Wilcoxon's method, not Pratt's), as R does; but R then switches
 *   to the normal approximation ("cannot compute exact p-value with zeroes"), while here the test
 *   stays exact on the non-zero differences when they have no ties. That is valid: under H₀, given
 *   which differences are zero and the |differences|, the signs of the non-zero ones are
 *   independent fair coins, so V has exactly the signed-rank distribution of nonZero ranks (the
 *   conditional exact test, as `coin::wilcoxsign_test(distribution = "exact", zero.method = "Wilcoxon")`
 *   computes it in R);
 * - at exactly 50 non-zero differences R's default is the normal approximation (it is exact for
 *   n < 50), here still the exact distribution.
 *
 * Otherwise:
 * - tied |differences| get average ranks;
 * - with nonZero ≤ 50 and no ties, the exact null distribution of V by dynamic programming over
 *   the number of rank subsets reaching each sum, p = min(1, 2·min(P(V ≤ v), P(V ≥ v)));
 * - otherwise the normal approximation with the tie correction Σ(t³ − t)/48 to the variance and
 *   a continuity correction of ½ towards the mean, as R.
 * @example wilcoxonSignedRank([0.952, -0.147, 1.022, 0.43, 0.62, 0.59, 0.49, -0.08, 0.01]) // V = 40, p = 0.0391, exact
 */
export function wilcoxonSignedRank(differences: ArrayLike<number>): WilcoxonResult {
  assertFinite('wilcoxonSignedRank: differences', differences);
  const nonZeroValues: number[] = [];
  for (let i = 0; i < differences.length; i++) if (differences[i] !== 0) nonZeroValues.push(differences[i]);
  const n = nonZeroValues.length;
  if (n === 0) return { statistic: 0, pValue: 1, method: 'exact', nonZero: 0 };

  const order = nonZeroValues.map((value) => ({ magnitude: Math.abs(value), positive: value > 0 }));
  order.sort((a, b) => a.magnitude - b.magnitude);
  let statistic = 0;
  let tieCorrection = 0;
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && order[end].magnitude === order[start].magnitude) end++;
    const averageRank = (start + 1 + end) / 2;
    const tied = end - start;
    tieCorrection += tied * tied * tied - tied;
    for (let i = start; i < end; i++) if (order[i].positive) statistic += averageRank;
    start = end;
  }

  const mean = (n * (n + 1)) / 4;
  if (n <= 50 && tieCorrection === 0) {
    const counts = signedRankCounts(n);
    const total = 2 ** n;
    let atMost = 0;
    for (let v = 0; v <= statistic; v++) atMost += counts[v];
    let atLeast = 0;
    for (let v = statistic; v < counts.length; v++) atLeast += counts[v];
    const pValue = Math.min(1, (2 * Math.min(atMost, atLeast)) / total);
    return { statistic, pValue, method: 'exact', nonZero: n };
  }

  const sigma = Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24 - tieCorrection / 48);
  const centered = statistic - mean;
  const z = (centered - Math.sign(centered) * 0.5) / sigma;
  return { statistic, pValue: Math.min(1, 2 * normalCdf(-Math.abs(z))), method: 'normal', nonZero: n };
}

/**
 * counts[v] = the number of subsets of {1, …, n} whose sum is v, i.e. 2ⁿ·P(V = v) under H₀.
 * Exact in doubles for n ≤ 50 (every count is below 2⁵⁰ < 2⁵³).
 */
function signedRankCounts(n: number): Float64Array {
  const maximum = (n * (n + 1)) / 2;
  const counts = new Float64Array(maximum + 1);
  counts[0] = 1;
  let reach = 0;
  for (let rank = 1; rank <= n; rank++) {
    reach += rank;
    for (let v = reach; v >= rank; v--) counts[v] += counts[v - rank];
  }
  return counts;
}

/** Paired bootstrap comparison of two score vectors over the same cases. */
export interface PairedBootstrapResult {
  /** mean(candidate − baseline). */
  difference: number;
  /** Percentile bootstrap interval for the mean difference. */
  interval: [number, number];
  /** Two-sided bootstrap p-value by the shifted-null method (see `pairedBootstrapMeanDifference`). */
  pValue: number;
}

/**
 * Paired bootstrap of the mean difference candidate − baseline. Cases are resampled (both scores
 * of a case travel together), so the correlation between the two arms is kept.
 *
 * - interval: percentile interval of the resampled mean differences (as `bootstrapMeanInterval`);
 * - pValue: the shifted-null bootstrap test (Efron & Tibshirani 1993, §16.4, Algorithm 16.2 on
 *   translated data): the differences are shifted to mean 0 so H₀ holds, and
 *   p = (1 + #{|mean*_shifted| ≥ |observed|}) / (resamples + 1). The shifted resample means are
 *   the ordinary ones minus the observed mean, so one set of resamples serves both.
 *   The smallest reachable p-value is 1 / (resamples + 1).
 *
 * Throws RangeError when the arrays differ in length; null when they are empty.
 * When every difference is equal to d the interval is [d, d] and p is 1 for d = 0, else 1/(resamples + 1).
 */
export function pairedBootstrapMeanDifference(
  baseline: ArrayLike<number>,
  candidate: ArrayLike<number>,
  options: BootstrapOptions = {},
): PairedBootstrapResult | null {
  const { confidence = 0.95, resamples = 2000, seed = defaultBootstrapSeed } = options;
  assertConfidence(confidence);
  assertInteger('pairedBootstrapMeanDifference: resamples', resamples, 1);
  assertFinite('pairedBootstrapMeanDifference: baseline', baseline);
  assertFinite('pairedBootstrapMeanDifference: candidate', candidate);
  if (baseline.length !== candidate.length) {
    throw new RangeError(`pairedBootstrapMeanDifference: baseline has ${baseline.length} values, candidate ${candidate.length}; pairs need equal lengths`);
  }
  const n = baseline.length;
  if (n === 0) return null;
  const differences = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    differences[i] = candidate[i] - baseline[i];
    sum += differences[i];
  }
  const constant = allEqual(differences);
  if (constant !== null) return { difference: constant, interval: [constant, constant], pValue: constant === 0 ? 1 : 1 / (resamples + 1) };

  const difference = sum / n;
  const means = resampleMeans(differences, resamples, seed);
  return { difference, interval: percentileInterval(means, confidence), pValue: shiftedNullPValue(means, difference) };
}
