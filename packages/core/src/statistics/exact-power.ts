// Power of the exact tests `assay compare` runs, and sample sizes that reach a power with them.
// The normal-approximation formulas in power.ts overstate the power of a discrete test: at their
// sizes exact McNemar and Fisher reach about 75–78% instead of 80% (issue 10).
import { binomialCdf, binomialMass } from './_binomial.ts';
import { smallestSufficient } from './_search.ts';
import { assertInteger, assertRate } from './_validate.ts';
import { mcnemarExact } from './paired-tests.ts';
import { powerTwoProportions, sampleSizePaired, sampleSizeTwoProportions, type SampleSizeOptions } from './power.ts';

/** Cases per arm up to which `unpairedProportionTest` (method 'auto') runs Fisher's exact test. */
const fisherLimit = 2000;

/** Probabilities below this share of a distribution's largest one are left out of the sums (their total is far below 10⁻¹²). */
const negligible = 1e-18;

/** Where the search for a size gives up (the power of a non-zero difference reaches any target long before). */
const maximumCases = 1e9;

/** The test a sample size is for; the names of `unpairedProportionTest` and of the comparison rows. */
export type SizedTest = 'fisher-exact' | 'z-pooled' | 'mcnemar-exact';

/** A sample size for the test `assay compare` will run, with what the normal approximation would have given. */
export interface ExactSampleSize {
  /** Cases (per arm for an unpaired design, pairs for a paired one) at which the test reaches the power. */
  cases: number;
  test: SizedTest;
  /** The power of that test at `cases`. */
  power: number;
  /** The normal-approximation size (`sampleSizeTwoProportions`, `sampleSizePaired`) and that test's power at it. */
  normalApproximation: { cases: number; power: number };
}

/**
 * Power of the two-sided test `unpairedProportionTest` runs (method 'auto') with n cases per
 * arm: Fisher's exact test for n ≤ 2000, computed exactly by summing the probability of every
 * table it rejects; above that the pooled z-test, by its normal approximation (`powerTwoProportions`).
 * A table counts as rejected when its p-value is below α, as `assay compare` decides.
 * With difference 0 it is the test's size (its false-positive rate).
 * @example exactPowerTwoProportions({ n: 93, baselineRate: 0.5, difference: 0.2 }) // ≈ 0.751 at the normal approximation's n for 80%
 */
export function exactPowerTwoProportions(options: { n: number; baselineRate: number; difference: number; alpha?: number }): number {
  const { n, baselineRate, difference, alpha = 0.05 } = options;
  assertInteger('exactPowerTwoProportions: n', n, 1);
  checkPowerDesign('exactPowerTwoProportions', baselineRate, difference, alpha);
  if (n > fisherLimit) return difference === 0 ? alpha : powerTwoProportions({ n, baselineRate, difference, alpha });
  return fisherPower(n, baselineRate, baselineRate + difference, alpha);
}

/**
 * Power of the exact McNemar test (`mcnemarExact`) over n pairs, computed exactly: the number of
 * discordant pairs D is Binomial(n, ψ), and given D = d the candidate-only pairs are
 * Binomial(d, (ψ + δ)/(2ψ)); the test rejects when the smaller of the two discordant counts is at
 * most the largest k with p < α, so the power is Σ_d P(D = d)·P(reject | d), the sums over the
 * d where P(D = d) is not negligible.
 * Without `discordance`, ψ = p₁(1 − p₂) + p₂(1 − p₁) (outcomes independent), as in `sampleSizePaired`.
 * @example exactPowerPaired({ n: 155, baselineRate: 0.7, difference: 0.1, discordance: 0.2 }) // ≈ 0.762 at Connor's n for 80%
 */
export function exactPowerPaired(options: { n: number; baselineRate: number; difference: number; discordance?: number; alpha?: number }): number {
  const { n, baselineRate, difference, alpha = 0.05 } = options;
  assertInteger('exactPowerPaired: n', n, 1);
  checkPowerDesign('exactPowerPaired', baselineRate, difference, alpha);
  const discordance = options.discordance ?? independentDiscordance(baselineRate, difference);
  assertRate('exactPowerPaired: discordance', discordance);
  if (Math.abs(difference) > discordance + 1e-12) {
    throw new RangeError(`exactPowerPaired: a difference of ${difference} needs at least that share of discordant pairs, got ${discordance}`);
  }
  return mcnemarPower(n, discordance, difference, alpha);
}

/**
 * Cases per arm for two independent pass rates, sized for the test `assay compare` runs on them
 * (Fisher's exact test up to 2000 cases per arm, the pooled z-test above): the search starts at
 * the normal-approximation size (`sampleSizeTwoProportions`) and moves until the exact power
 * crosses the target. The exact power of a discrete test is saw-toothed in n, so the size is where
 * it crosses (found by doubling steps, then bisection), and a few cases more can have a little less.
 * @example sampleSizeTwoProportionsExact({ baselineRate: 0.5, difference: 0.2 }).cases // 102 (the formula: 93)
 */
export function sampleSizeTwoProportionsExact(options: SampleSizeOptions): ExactSampleSize {
  const { baselineRate, difference, alpha = 0.05, power = 0.8 } = options;
  const normal = sampleSizeTwoProportions(options);
  const powerAt = (n: number) => exactPowerTwoProportions({ n, baselineRate, difference, alpha });
  const found = smallestSufficientN(powerAt, normal, power);
  return {
    cases: found.n,
    test: found.n > fisherLimit ? 'z-pooled' : 'fisher-exact',
    power: found.power,
    normalApproximation: { cases: normal, power: found.startPower },
  };
}

/**
 * Pairs for two pass rates on the same cases, sized for the exact McNemar test `assay compare`
 * runs: the search starts at Connor's normal-approximation size (`sampleSizePaired`) and moves
 * until the exact power (`exactPowerPaired`) crosses the target, as in `sampleSizeTwoProportionsExact`.
 * @example sampleSizePairedExact({ baselineRate: 0.7, difference: 0.1, discordance: 0.2 }).cases // 168 (Connor: 155)
 */
export function sampleSizePairedExact(options: SampleSizeOptions & { discordance?: number }): ExactSampleSize & { discordance: number; assumed: boolean } {
  const { difference, alpha = 0.05, power = 0.8 } = options;
  const normal = sampleSizePaired(options);
  const powerAt = (n: number) => mcnemarPower(n, normal.discordance, difference, alpha);
  const found = smallestSufficientN(powerAt, normal.cases, power);
  return {
    cases: found.n,
    test: 'mcnemar-exact',
    power: found.power,
    normalApproximation: { cases: normal.cases, power: found.startPower },
    discordance: normal.discordance,
    assumed: normal.assumed,
  };
}

/**
 * The smallest difference |candidate − baseline| that the exact McNemar test (`mcnemarExact`, as
 * `assay compare` runs it) detects with the given power over n pairs, by its exact power
 * (`exactPowerPaired`), not Connor's normal approximation — which promises a power the discrete
 * test does not have on few pairs (at n = 4 it claims ±99.9 points; no split of 4 pairs reaches
 * p < 0.05). The discordance used for a difference d is max(observed, d), as in
 * `minimumDetectableDifference`. Each direction with room (baselineRate ± d within [0, 1]) is
 * searched; the result is the smallest d that reaches the power in a direction with room for it, and
 * null when none does (too few pairs for the test to detect anything at that power).
 * @example minimumDetectablePairedDifferenceExact({ n: 4, baselineRate: 0, discordance: 1 }) // null
 */
export function minimumDetectablePairedDifferenceExact(options: { n: number; baselineRate: number; discordance: number; alpha?: number; power?: number }): number | null {
  const { n, baselineRate, discordance, alpha = 0.05, power = 0.8 } = options;
  assertInteger('minimumDetectablePairedDifferenceExact: n', n, 1);
  assertRate('minimumDetectablePairedDifferenceExact: baselineRate', baselineRate);
  assertRate('minimumDetectablePairedDifferenceExact: discordance', discordance);
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`minimumDetectablePairedDifferenceExact: alpha must be in (0, 1), got ${alpha}`);
  if (!(power > 0 && power < 1)) throw new RangeError(`minimumDetectablePairedDifferenceExact: power must be in (0, 1), got ${power}`);
  // Even n discordant pairs all one way cannot reach p < α: nothing is detectable at any power.
  if (!(mcnemarExact(0, n).pValue < alpha)) return null;
  // The exact power depends on |d| only, so the directions differ in their room alone.
  const room = Math.max(baselineRate, 1 - baselineRate);
  return smallestSufficient((d) => mcnemarPower(n, Math.max(discordance, d), d, alpha) >= power, room, 64);
}

/**
 * An n with powerAt(n) ≥ target and powerAt(n − 1) < target (or n = 1), searched from `start`:
 * doubling steps until the target is bracketed, then bisection. Power grows with n apart from
 * the saw teeth of a discrete test, so this is the crossing nearest the start.
 */
function smallestSufficientN(powerAt: (n: number) => number, start: number, target: number): { n: number; power: number; startPower: number } {
  const cache = new Map<number, number>();
  const at = (n: number) => {
    let value = cache.get(n);
    if (value === undefined) {
      value = powerAt(n);
      // A guard, not an expected path: a NaN would keep the search below from ever stopping.
      if (!Number.isFinite(value)) throw new RangeError(`exact power at n = ${n} is not a number`);
      cache.set(n, value);
    }
    return value;
  };
  const startPower = at(start);
  let low: number;
  let high: number;
  if (startPower >= target) {
    high = start;
    low = start;
    for (let step = 1; ; step *= 2) {
      low = Math.max(0, high - step);
      if (low === 0 || at(low) < target) break;
      high = low;
    }
    if (low === 0) {
      if (at(1) >= target) return { n: 1, power: at(1), startPower };
      low = 1;
    }
  } else {
    low = start;
    for (let step = Math.max(1, Math.ceil(start / 64)); ; step *= 2) {
      high = low + step;
      if (high > maximumCases) throw new RangeError(`no sample size up to ${maximumCases} reaches a power of ${target}`);
      if (at(high) >= target) break;
      low = high;
    }
  }
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (at(middle) >= target) high = middle;
    else low = middle;
  }
  return { n: high, power: at(high), startPower };
}

/**
 * Exact power of Fisher's two-sided test (as `unpairedProportionTest` computes it) with n per arm
 * and true rates p₁ (baseline), p₂ (candidate): Σ over the tables it rejects of Binomial(n, p₁)·Binomial(n, p₂).
 * Conditional on the passes t, the rejected baseline counts are the least likely ones under the
 * hypergeometric null whose p-value Σ_{P(y) ≤ P(x)(1 + 10⁻⁷)} P(y) stays below α: two tails.
 */
function fisherPower(n: number, p1: number, p2: number, alpha: number): number {
  const baseline = binomialMass(n, p1, negligible);
  const candidate = binomialMass(n, p2, negligible);
  const baselineHigh = baseline.low + baseline.mass.length - 1;
  const candidateHigh = candidate.low + candidate.mass.length - 1;
  let power = 0;
  for (let passes = baseline.low + candidate.low; passes <= baselineHigh + candidateHigh; passes++) {
    const rejected = fisherRejects(n, passes, alpha);
    const from = Math.max(baseline.low, passes - candidateHigh);
    const to = Math.min(baselineHigh, passes - candidate.low);
    for (let x = from; x <= to; x++) {
      if (rejected(x)) power += baseline.mass[x - baseline.low] * candidate.mass[passes - x - candidate.low];
    }
  }
  return Math.min(1, power);
}

/**
 * Which baseline counts x Fisher's two-sided test rejects (p < α) among tables with n cases per
 * arm and `passes` passes in all. The hypergeometric weights are built outward from the mode by
 * the ratio P(x + 1)/P(x), down to a negligible share of the peak (anything smaller is rejected at
 * any α above ~10⁻¹⁴); sorted by weight (merging the two monotone sides), the rejected tables are a
 * prefix of that order, the tails below a weight.
 */
function fisherRejects(n: number, passes: number, alpha: number): (x: number) => boolean {
  const total = 2 * n;
  const first = Math.max(0, passes - n);
  const last = Math.min(n, passes);
  if (first === last) return () => false;
  const ratio = (x: number) => ((passes - x) * (n - x)) / ((x + 1) * (total - passes - n + x + 1));
  const mode = Math.min(last, Math.max(first, Math.floor(((passes + 1) * (n + 1)) / (total + 2))));
  let low = mode;
  let high = mode;
  const weights: number[] = [1];
  const left: number[] = [];
  for (let weight = 1; low > first; ) {
    weight /= ratio(low - 1);
    if (weight < negligible) break;
    left.push(weight);
    low--;
  }
  for (let weight = 1; high < last; ) {
    weight *= ratio(high);
    if (weight < negligible) break;
    weights.push(weight);
    high++;
  }
  // weights[i] is x = mode + i; left[i] is x = mode − 1 − i. Merge both sides in ascending weight.
  let sum = 0;
  for (const weight of weights) sum += weight;
  for (const weight of left) sum += weight;
  const order: number[] = [];
  const orderWeights: number[] = [];
  let leftIndex = left.length - 1;
  let rightIndex = weights.length - 1;
  while (leftIndex >= 0 || rightIndex >= 0) {
    if (rightIndex < 0 || (leftIndex >= 0 && left[leftIndex] <= weights[rightIndex])) {
      order.push(mode - 1 - leftIndex);
      orderWeights.push(left[leftIndex--]);
    } else {
      order.push(mode + rightIndex);
      orderWeights.push(weights[rightIndex--]);
    }
  }
  // p(x) = Σ of the weights ≤ w(x)·(1 + 10⁻⁷) (R's tolerance, as in unpairedProportionTest), over the sum.
  let rejectedCount = 0;
  let cumulative = 0;
  let through = 0;
  for (let i = 0; i < order.length; i++) {
    const bound = orderWeights[i] * (1 + 1e-7);
    while (through < order.length && orderWeights[through] <= bound) cumulative += orderWeights[through++];
    if (cumulative / sum >= alpha) break;
    rejectedCount = i + 1;
  }
  let lowBelow = low;
  let highAbove = high;
  for (let i = 0; i < rejectedCount; i++) {
    const x = order[i];
    if (x < mode) lowBelow = Math.max(lowBelow, x + 1);
    else highAbove = Math.min(highAbove, x - 1);
  }
  // Rejected: x < lowBelow or x > highAbove (the order's prefix is the two tails, whatever the truncation left out included).
  return (x) => x < lowBelow || x > highAbove;
}

/** Exact power of `mcnemarExact` at level α over n pairs with discordance ψ and difference δ = p₀₁ − p₁₀. */
function mcnemarPower(n: number, discordance: number, difference: number, alpha: number): number {
  if (discordance === 0) return 0;
  const candidateShare = Math.min(1, Math.max(0, (discordance + difference) / (2 * discordance)));
  const discordant = binomialMass(n, discordance, negligible);
  let power = 0;
  let critical = -1;
  for (let index = 0; index < discordant.mass.length; index++) {
    const d = discordant.low + index;
    critical = index === 0 ? largestRejected(d, alpha) : advanceRejected(critical, d, alpha);
    if (critical < 0) continue;
    // Rejected: candidate-only C ≤ k, or baseline-only d − C ≤ k (disjoint: k < d/2).
    const lower = binomialCdf(critical, d, candidateShare);
    const upper = binomialCdf(critical, d, 1 - candidateShare);
    power += discordant.mass[index] * (lower + upper);
  }
  return Math.min(1, power);
}

/** The largest k with mcnemarExact(k, d − k).pValue < α, or −1 when no split of d discordant pairs is significant. */
function largestRejected(d: number, alpha: number): number {
  if (d === 0 || !(mcnemarExact(0, d).pValue < alpha)) return -1;
  let low = 0;
  let high = Math.floor(d / 2);
  while (high > low) {
    const middle = Math.ceil((low + high) / 2);
    if (mcnemarExact(middle, d - middle).pValue < alpha) low = middle;
    else high = middle - 1;
  }
  return low;
}

/** largestRejected(d) from largestRejected(d − 1): it never decreases as d grows and rises by at most one. */
function advanceRejected(previous: number, d: number, alpha: number): number {
  if (previous < 0) return largestRejected(d, alpha);
  const next = previous + 1;
  return next <= d / 2 && mcnemarExact(next, d - next).pValue < alpha ? next : previous;
}

function independentDiscordance(baselineRate: number, difference: number): number {
  const candidateRate = baselineRate + difference;
  return baselineRate * (1 - candidateRate) + candidateRate * (1 - baselineRate);
}

function checkPowerDesign(name: string, baselineRate: number, difference: number, alpha: number): void {
  assertRate(`${name}: baselineRate`, baselineRate);
  if (!Number.isFinite(difference)) throw new RangeError(`${name}: difference must be a finite number, got ${difference}`);
  assertRate(`${name}: baselineRate + difference`, baselineRate + difference);
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`${name}: alpha must be in (0, 1), got ${alpha}`);
}
