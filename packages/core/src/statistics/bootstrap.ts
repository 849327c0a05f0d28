import { allEqual, defaultBootstrapSeed, percentileInterval, resampleMeans } from './_resample.ts';
import { assertConfidence, assertFinite, assertInteger } from './_validate.ts';

/** Options shared by the bootstrap procedures. */
export interface BootstrapOptions {
  /** Two-sided confidence level in (0, 1); default 0.95. */
  confidence?: number;
  /** Number of bootstrap resamples; default 2000. */
  resamples?: number;
  /** Seed for the resampling generator (see `seededRandom`); default a fixed constant, so results are reproducible. */
  seed?: number;
}

const defaultResamples = 2000;

/**
 * Percentile bootstrap interval for the mean (Efron & Tibshirani 1993, §13.3): resample the
 * values with replacement, take the mean of each resample, and read the α/2 and 1 − α/2 quantiles
 * of those means (linear interpolation between order statistics, R's `quantile(type = 7)`).
 * Seeded, so the same input gives the same interval. Null for no values; exactly [v, v] when all
 * values equal v.
 *
 * Cost is one pass of n draws per resample and a single Float64Array of `resamples` means:
 * about 0.3 s for n = 20,000 × 2000 resamples on one core, so no adaptive reduction is needed.
 * @example bootstrapMeanInterval([0.2, 0.9, 0.4, 0.7], { seed: 1 }) // ≈ [0.3, 0.8]
 */
export function bootstrapMeanInterval(values: ArrayLike<number>, options: BootstrapOptions = {}): [number, number] | null {
  const { confidence = 0.95, resamples = defaultResamples, seed = defaultBootstrapSeed } = options;
  assertConfidence(confidence);
  assertInteger('bootstrapMeanInterval: resamples', resamples, 1);
  assertFinite('bootstrapMeanInterval: values', values);
  if (values.length === 0) return null;
  const data = Float64Array.from(values);
  const constant = allEqual(data);
  if (constant !== null) return [constant, constant];
  const means = resampleMeans(data, resamples, seed);
  return percentileInterval(means, confidence);
}
