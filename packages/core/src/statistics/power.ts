import { assertInteger, assertRate } from './_validate.ts';
import { normalCdf, normalQuantile } from './normal.ts';
import { smallestSufficient } from './_search.ts';

/** Common inputs of the sample-size procedures. */
export interface SampleSizeOptions {
  /** Pass rate of the baseline, in [0, 1]. */
  baselineRate: number;
  /** The difference to detect, candidate − baseline (non-zero; baselineRate + difference must stay in [0, 1]). */
  difference: number;
  /** Two-sided significance level in (0, 1); default 0.05. */
  alpha?: number;
  /** Power in (0, 1); default 0.8. */
  power?: number;
}

/**
 * Cases per arm for comparing two independent pass rates with a two-sided test at level α:
 * the formula without continuity correction from Fleiss, Levin & Paik (2003, "Statistical Methods
 * for Rates and Proportions", 3rd ed., ch. 4), pooled variance under H₀:
 *   n = [z_{1−α/2}·√(2p̄(1−p̄)) + z_{power}·√(p₁(1−p₁) + p₂(1−p₂))]² / δ²,  p̄ = (p₁ + p₂)/2,
 * rounded up. It is the n that R's `power.prop.test` solves for (before R's rounding).
 * @example sampleSizeTwoProportions({ baselineRate: 0.5, difference: 0.25, power: 0.9 }) // 77
 */
export function sampleSizeTwoProportions(options: SampleSizeOptions): number {
  const { baselineRate, difference, alpha = 0.05, power = 0.8 } = options;
  checkDesign(baselineRate, difference, alpha, power);
  return roundUp(unpairedCases(baselineRate, difference, quantiles(alpha, power)));
}

/** Power of the two-sided pooled z-test with n cases per arm (the inverse of `sampleSizeTwoProportions`). */
export function powerTwoProportions(options: { n: number; baselineRate: number; difference: number; alpha?: number }): number {
  const { n, baselineRate, difference, alpha = 0.05 } = options;
  checkDesign(baselineRate, difference, alpha, 0.5);
  assertInteger('powerTwoProportions: n', n, 1);
  const p1 = baselineRate;
  const p2 = baselineRate + difference;
  const pooled = (p1 + p2) / 2;
  const zAlpha = normalQuantile(1 - alpha / 2);
  return normalCdf((Math.sqrt(n) * Math.abs(difference) - zAlpha * Math.sqrt(2 * pooled * (1 - pooled))) / Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2)));
}

/** Result of `sampleSizePaired`. */
export interface PairedSampleSize {
  /** Cases (pairs) needed, rounded up. */
  cases: number;
  /** The share of discordant pairs ψ = p₁₀ + p₀₁ the size rests on. */
  discordance: number;
  /** True when ψ was not given and was derived by assuming the two outcomes independent. */
  assumed: boolean;
}

/**
 * Cases for comparing two pass rates on the same cases with McNemar's test: Connor (1987), "Sample
 * size for testing differences in proportions for the paired-sample design", Biometrics 43:207–211,
 *   n = [z_{1−α/2}·√ψ + z_{power}·√(ψ − δ²)]² / δ²,
 * with ψ the share of discordant pairs and δ = p₀₁ − p₁₀ the difference, rounded up.
 * Without `discordance`, ψ = p₁(1 − p₂) + p₂(1 − p₁) (the two outcomes independent, usually
 * pessimistic: two prompts tend to pass and fail the same cases) and `assumed` is true.
 * Throws RangeError when the given discordance cannot hold the difference (ψ < |δ|, or the
 * implied p₁₀ or p₀₁ exceeds the baseline's pass or fail rate).
 * @example sampleSizePaired({ baselineRate: 0.7, difference: 0.1, discordance: 0.2 }).cases // 155
 */
export function sampleSizePaired(options: SampleSizeOptions & { discordance?: number }): PairedSampleSize {
  const { baselineRate, difference, alpha = 0.05, power = 0.8 } = options;
  checkDesign(baselineRate, difference, alpha, power);
  const candidateRate = baselineRate + difference;
  const assumed = options.discordance === undefined;
  const discordance = options.discordance ?? baselineRate * (1 - candidateRate) + candidateRate * (1 - baselineRate);
  assertRate('sampleSizePaired: discordance', discordance);
  const candidateOnly = (discordance + difference) / 2;
  const baselineOnly = (discordance - difference) / 2;
  const slack = 1e-12;
  if (baselineOnly < -slack || candidateOnly < -slack || baselineOnly > baselineRate + slack || candidateOnly > 1 - baselineRate + slack) {
    throw new RangeError(
      `sampleSizePaired: a discordance of ${discordance} cannot hold a difference of ${difference} from a baseline of ${baselineRate} (need |difference| ≤ discordance, p10 ≤ baselineRate, p01 ≤ 1 − baselineRate)`,
    );
  }
  return { cases: roundUp(connorCases(discordance, difference, quantiles(alpha, power))), discordance, assumed };
}

/**
 * Cases needed when each case is run `repeats` times and repeats of a case correlate with
 * intra-class correlation `icc`: ⌈effectiveCases·(1 + (k − 1)·icc)/k⌉ (the design effect of
 * `clusteredProportionInterval` spread over k runs per case).
 * @example casesWithRepeats(400, 5, 0.5) // 240
 */
export function casesWithRepeats(effectiveCases: number, repeats: number, icc: number): number {
  if (!(effectiveCases >= 0) || !Number.isFinite(effectiveCases)) throw new RangeError(`casesWithRepeats: effectiveCases must be a finite number ≥ 0, got ${effectiveCases}`);
  assertInteger('casesWithRepeats: repeats', repeats, 1);
  assertRate('casesWithRepeats: icc', icc);
  return roundUp((effectiveCases * (1 + (repeats - 1) * icc)) / repeats);
}

/** Inputs of `minimumDetectableDifference`. */
export interface MinimumDetectableDifferenceOptions {
  /** Cases per arm (unpaired) or pairs (paired). */
  n: number;
  baselineRate: number;
  /** Two-sided significance level; default 0.05. */
  alpha?: number;
  /** Default 0.8. */
  power?: number;
  /** A paired design with the share of discordant pairs seen (or expected); unpaired when absent. */
  paired?: { discordance: number };
  /**
   * Which differences to consider: 'increase' (candidate better), 'decrease', or 'either'
   * (default: the larger of the two, so a difference of that size is detectable whichever way it goes).
   */
  direction?: 'either' | 'increase' | 'decrease';
}

/**
 * The smallest difference |candidate − baseline| that n cases detect with the given power, found
 * by inverting the sample-size formulas above (Fleiss for unpaired, Connor for paired) with a grid
 * scan and bisection on the unrounded sample size. The result is capped so that baselineRate ± d
 * stays within [0, 1]: a direction in which even the largest possible difference lacks the power
 * contributes that largest possible difference, and a direction with no room contributes 0.
 *
 * Paired designs: a difference d needs at least d discordant pairs, so the discordance used is
 * max(observed, d). This keeps the answer finite when the observed discordance is 0 (two prompts
 * that agreed on every case): d then solves [z_{1−α/2} + z_{power}·√(1 − d)]²/d = n, about
 * (z_{1−α/2} + z_{power})²/n ≈ 7.85/n at the defaults.
 * @example minimumDetectableDifference({ n: 50, baselineRate: 0.5, power: 0.9 }) // ≈ 0.3026
 */
export function minimumDetectableDifference(options: MinimumDetectableDifferenceOptions): number {
  const { n, baselineRate, alpha = 0.05, power = 0.8, paired, direction = 'either' } = options;
  assertInteger('minimumDetectableDifference: n', n, 1);
  assertRate('minimumDetectableDifference: baselineRate', baselineRate);
  checkLevels(alpha, power);
  if (paired) assertRate('minimumDetectableDifference: paired.discordance', paired.discordance);
  // The quantiles once, not at every step of the search (it runs for every row of a comparison).
  const z = quantiles(alpha, power);
  const requiredCases = (difference: number): number =>
    paired ? connorCases(Math.max(paired.discordance, Math.abs(difference)), difference, z) : unpairedCases(baselineRate, difference, z);
  const search = (sign: 1 | -1): number => {
    const room = sign > 0 ? 1 - baselineRate : baselineRate;
    if (room <= 0) return 0;
    return smallestSufficient((d) => requiredCases(sign * d) <= n, room) ?? room;
  };
  if (direction === 'increase') return search(1);
  if (direction === 'decrease') return search(-1);
  return Math.max(search(1), search(-1));
}

/** z_{1−α/2} and z_{power}. */
interface Quantiles {
  alpha: number;
  power: number;
}

function quantiles(alpha: number, power: number): Quantiles {
  return { alpha: normalQuantile(1 - alpha / 2), power: normalQuantile(power) };
}

function unpairedCases(baselineRate: number, difference: number, z: Quantiles): number {
  const p1 = baselineRate;
  // Clamped: the search in minimumDetectableDifference steps up to 1 − p₁, which can round past 1.
  const p2 = Math.min(1, Math.max(0, baselineRate + difference));
  const pooled = (p1 + p2) / 2;
  const numerator = z.alpha * Math.sqrt(2 * pooled * (1 - pooled)) + z.power * Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2));
  return (numerator * numerator) / (difference * difference);
}

function connorCases(discordance: number, difference: number, z: Quantiles): number {
  const numerator = z.alpha * Math.sqrt(discordance) + z.power * Math.sqrt(Math.max(0, discordance - difference * difference));
  return (numerator * numerator) / (difference * difference);
}

/** ⌈x⌉, forgiving the rounding error of floating point (28.000000000000004 → 28). */
function roundUp(x: number): number {
  const nearest = Math.round(x);
  return Math.abs(x - nearest) <= 1e-9 * Math.max(1, x) ? nearest : Math.ceil(x);
}

function checkLevels(alpha: number, power: number): void {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1), got ${alpha}`);
  if (!(power > 0 && power < 1)) throw new RangeError(`power must be in (0, 1), got ${power}`);
}

function checkDesign(baselineRate: number, difference: number, alpha: number, power: number): void {
  assertRate('baselineRate', baselineRate);
  if (!Number.isFinite(difference) || difference === 0) throw new RangeError(`difference must be a non-zero number, got ${difference}`);
  assertRate('baselineRate + difference', baselineRate + difference);
  checkLevels(alpha, power);
}
