// How far a pass/fail judge can be trusted, measured against human labels, and a pass rate
// corrected for the judge's measured error (Rogan & Gladen 1978) with an interval that carries the
// uncertainty of that measurement (Lang & Reiczigel 2014).
import { assertConfidence, assertInteger, assertRate } from './_validate.ts';
import { cohensKappa, type KappaEstimate } from './agreement.ts';
import { zForConfidence } from './normal.ts';
import { wilsonInterval } from './wilson.ts';

/** A rate with its sample size and interval (Wilson). `estimate` and `ci95` are null for n = 0. */
export interface RateEstimate {
  n: number;
  estimate: number | null;
  ci95: [number, number] | null;
}

export interface BinaryCalibration {
  n: number;
  /** "Positive" is a human pass: sensitivity is how often the judge passes what humans pass. */
  counts: { truePositives: number; falseNegatives: number; falsePositives: number; trueNegatives: number };
  /** Human passes (the denominator of sensitivity). */
  positives: number;
  /** Human fails (the denominator of specificity). */
  negatives: number;
  accuracy: RateEstimate;
  sensitivity: RateEstimate;
  specificity: RateEstimate;
  kappa: KappaEstimate;
}

/**
 * A judge's verdicts against human labels: the confusion counts, accuracy, sensitivity (judge
 * passes among human passes), specificity (judge fails among human fails), each with a Wilson
 * interval, and Cohen's κ with its interval.
 * @example binaryCalibration([{ human: true, judge: true }, { human: false, judge: true }]).specificity.estimate // 0
 */
export function binaryCalibration(pairs: readonly { human: boolean; judge: boolean }[], options: { confidence?: number } = {}): BinaryCalibration {
  const confidence = options.confidence ?? 0.95;
  assertConfidence(confidence);
  const counts = { truePositives: 0, falseNegatives: 0, falsePositives: 0, trueNegatives: 0 };
  for (const { human, judge } of pairs) {
    if (human) counts[judge ? 'truePositives' : 'falseNegatives']++;
    else counts[judge ? 'falsePositives' : 'trueNegatives']++;
  }
  const z = zForConfidence(confidence);
  const rate = (successes: number, n: number): RateEstimate => ({ n, estimate: n === 0 ? null : successes / n, ci95: wilsonInterval(successes, n, z) });
  const positives = counts.truePositives + counts.falseNegatives;
  const negatives = counts.falsePositives + counts.trueNegatives;
  return {
    n: pairs.length,
    counts,
    positives,
    negatives,
    accuracy: rate(counts.truePositives + counts.trueNegatives, pairs.length),
    sensitivity: rate(counts.truePositives, positives),
    specificity: rate(counts.trueNegatives, negatives),
    kappa: cohensKappa(
      {
        counts: [
          [counts.truePositives, counts.falseNegatives],
          [counts.falsePositives, counts.trueNegatives],
        ],
      },
      { confidence },
    ),
  };
}

export interface RoganGladenInput {
  /** Items the judge passed. */
  observedPasses: number;
  /** Items judged. */
  n: number;
  sensitivity: number;
  specificity: number;
  /** Human-pass labels sensitivity was measured on; 0 takes sensitivity as exact (no uncertainty added). */
  positives: number;
  /** Human-fail labels specificity was measured on; 0 takes specificity as exact. */
  negatives: number;
  /** Default 0.95. */
  confidence?: number;
  /**
   * When the n items are repeats of fewer cases, the design effect of that clustering (see
   * `clusteredProportionInterval`): the observed rate then carries the information of n / designEffect
   * items. Default 1 (independent items); must be ≥ 1.
   */
  designEffect?: number;
}

export interface RoganGladenResult {
  /** The corrected pass rate, clamped to [0, 1]; null when n = 0 or the judge is no better than chance. */
  estimate: number | null;
  interval: [number, number] | null;
}

/**
 * The pass rate a judge would have reported without its errors: the Rogan–Gladen estimator
 * (Rogan & Gladen 1978), p = (p_obs + specificity − 1) / (sensitivity + specificity − 1), clamped to
 * [0, 1].
 *
 * The interval is the adjusted Wald interval of Lang & Reiczigel (2014, Prev. Vet. Med. 113:13–22),
 * a delta-method interval whose variance adds the binomial variances of sensitivity and specificity
 * from their calibration counts to that of the observed rate, after adding z²/2 passes and fails to
 * the observed rate and one of each to sensitivity and specificity, and with their shift of the
 * centre; it holds its nominal coverage far better than the plain delta method at small calibration
 * sets. It is widened, if need be, to contain the point estimate.
 *
 * With repeats, `designEffect` shrinks the observed rate's sample size to n / designEffect.
 *
 * Both are null (never NaN) when n = 0, and when sensitivity + specificity ≤ 1: such a judge is no
 * better than a coin, its verdicts carry no information about the true rate, and no correction
 * exists. The interval alone is null when the adjusted sensitivity + specificity is ≤ 1.
 * @example roganGladenInterval({ observedPasses: 80, n: 100, sensitivity: 0.9, specificity: 0.8, positives: 100, negatives: 100 })
 */
export function roganGladenInterval(input: RoganGladenInput): RoganGladenResult {
  const { observedPasses, n, sensitivity, specificity, positives, negatives } = input;
  const confidence = input.confidence ?? 0.95;
  assertInteger('roganGladenInterval: n', n);
  assertInteger('roganGladenInterval: observedPasses', observedPasses);
  if (observedPasses > n) throw new RangeError(`roganGladenInterval: observedPasses (${observedPasses}) exceeds n (${n})`);
  assertRate('roganGladenInterval: sensitivity', sensitivity);
  assertRate('roganGladenInterval: specificity', specificity);
  assertInteger('roganGladenInterval: positives', positives);
  assertInteger('roganGladenInterval: negatives', negatives);
  assertConfidence(confidence);
  const designEffect = input.designEffect ?? 1;
  if (!(designEffect >= 1 && Number.isFinite(designEffect))) throw new RangeError(`roganGladenInterval: designEffect must be a finite number ≥ 1, got ${designEffect}`);

  const youden = sensitivity + specificity - 1;
  if (n === 0 || youden <= 0) return { estimate: null, interval: null };
  const estimate = clamp((observedPasses / n + specificity - 1) / youden);

  // Lang & Reiczigel (2014), section 2.3: adjusted proportions, delta-method variance, shifted centre.
  const z = zForConfidence(confidence);
  const z2 = z * z;
  // Repeats: the observed rate on the effective sample size n / designEffect (Kish).
  const observedN = n / designEffect + z2;
  const observed = (observedPasses / designEffect + z2 / 2) / observedN;
  const [sens, sensVariance] = adjusted(sensitivity, positives);
  const [spec, specVariance] = adjusted(specificity, negatives);
  const adjustedYouden = sens + spec - 1;
  if (adjustedYouden <= 0) return { estimate, interval: null };
  const centre = (observed + spec - 1) / adjustedYouden;
  const standardError = Math.sqrt((observed * (1 - observed)) / observedN + sensVariance * centre ** 2 + specVariance * (1 - centre) ** 2) / adjustedYouden;
  const shift = 2 * z2 * (centre * sensVariance - (1 - centre) * specVariance);
  const lower = clamp(centre + shift - z * standardError);
  const upper = clamp(centre + shift + z * standardError);
  return { estimate, interval: [Math.min(lower, estimate), Math.max(upper, estimate)] };
}

/** A rate measured on `n` labels with one success and one failure added, and its binomial variance; exact when n = 0. */
function adjusted(rate: number, n: number): [number, number] {
  if (n === 0) return [rate, 0];
  const successes = Math.round(rate * n);
  const value = (successes + 1) / (n + 2);
  return [value, (value * (1 - value)) / (n + 2)];
}

function clamp(value: number): number {
  return Math.min(1, Math.max(0, value));
}
