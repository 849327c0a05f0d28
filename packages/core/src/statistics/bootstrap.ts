import { allEqual, defaultBootstrapSeed, percentileInterval, resampleMeans, resampleRatios, shiftedNullPValue } from './_resample.ts';
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

/** One cluster of values (a case and its repeats): their sum and how many there are. */
export interface ClusterTotal {
  sum: number;
  count: number;
}

/** The clusters with values, as typed arrays; null when there are none. */
interface ClusterArrays {
  sums: Float64Array;
  counts: Float64Array;
  /** Σ sums / Σ counts. */
  pooled: number;
  /** The common cluster mean when every cluster has the same mean, else null. */
  constant: number | null;
}

function clusterArrays(name: string, clusters: readonly ClusterTotal[]): ClusterArrays | null {
  const sums: number[] = [];
  const counts: number[] = [];
  let sum = 0;
  let count = 0;
  for (const [index, cluster] of clusters.entries()) {
    assertInteger(`${name}[${index}].count`, cluster.count);
    if (!Number.isFinite(cluster.sum)) throw new RangeError(`${name}[${index}].sum is not a finite number: ${cluster.sum}`);
    if (cluster.count === 0) continue;
    sums.push(cluster.sum);
    counts.push(cluster.count);
    sum += cluster.sum;
    count += cluster.count;
  }
  if (count === 0) return null;
  return { sums: Float64Array.from(sums), counts: Float64Array.from(counts), pooled: sum / count, constant: allEqual(sums.map((value, index) => value / counts[index])) };
}

/**
 * Percentile bootstrap interval for a pooled mean Σ sums / Σ counts when values come in clusters
 * (the repeats of one case): whole clusters are resampled with replacement, so the correlation
 * inside a cluster is kept (the cluster bootstrap; Davison & Hinkley 1997, §3.8; Field & Welsh
 * 2007, "Bootstrapping clustered data", JRSS B 69:369–390). Resampling the values one by one would
 * treat k repeats of a case as k independent cases and give too narrow an interval.
 *
 * With every count 1 it is `bootstrapMeanInterval` (the same seed draws the same resamples).
 * Clusters with count 0 are left out; null when no value is left; [v, v] when every cluster's mean is v.
 * @example clusterBootstrapMeanInterval([{ sum: 2.7, count: 3 }, { sum: 0.4, count: 3 }, { sum: 1.5, count: 2 }]) // ≈ [0.13, 0.9]
 */
export function clusterBootstrapMeanInterval(clusters: readonly ClusterTotal[], options: BootstrapOptions = {}): [number, number] | null {
  const { confidence = 0.95, resamples = defaultResamples, seed = defaultBootstrapSeed } = options;
  assertConfidence(confidence);
  assertInteger('clusterBootstrapMeanInterval: resamples', resamples, 1);
  const data = clusterArrays('clusterBootstrapMeanInterval: clusters', clusters);
  if (data === null) return null;
  if (data.constant !== null) return [data.constant, data.constant];
  return percentileInterval(resampleRatios(data.sums, data.counts, resamples, seed).sort(), confidence);
}

/** Bootstrap comparison of two independent samples of clusters. */
export interface UnpairedBootstrapResult {
  /** Pooled mean of the candidate minus pooled mean of the baseline. */
  difference: number;
  /** Percentile bootstrap interval for the difference. */
  interval: [number, number];
  /** Two-sided bootstrap p-value by the shifted-null method (see `pairedBootstrapMeanDifference`). */
  pValue: number;
}

/**
 * Bootstrap of the difference of two pooled means (candidate − baseline, each Σ sums / Σ counts)
 * from independent samples of clusters — two runs over different cases, each case run k times.
 * Each sample's clusters are resampled with replacement on their own (a stratified cluster
 * bootstrap: the arms keep their sizes and each case keeps its repeats together), and the
 * difference is taken replicate by replicate.
 *
 * - interval: the percentile interval of the resampled differences;
 * - pValue: the shifted-null test as in `pairedBootstrapMeanDifference`,
 *   p = (1 + #{|d* − d̂| ≥ |d̂|}) / (resamples + 1).
 *
 * Like every percentile bootstrap it is a large-sample method: with m clusters its variance
 * estimate is short by a factor of about (m − 1)/m per arm, so it can be a little liberal. In seeded
 * simulations under H₀ (intra-case correlation 1/3) it rejected 4.7–5.8% at α = 0.05 with 40 cases
 * × 5 repeats a run, and up to 7% with 10 cases.
 * The baseline is resampled with `seed`, the candidate with a seed derived from it.
 * Null when either sample has no values. When each sample's clusters all share one mean the
 * interval is [d, d] and p is 1 for d = 0, else 1/(resamples + 1).
 */
export function unpairedClusterBootstrapDifference(
  baseline: readonly ClusterTotal[],
  candidate: readonly ClusterTotal[],
  options: BootstrapOptions = {},
): UnpairedBootstrapResult | null {
  const { confidence = 0.95, resamples = defaultResamples, seed = defaultBootstrapSeed } = options;
  assertConfidence(confidence);
  assertInteger('unpairedClusterBootstrapDifference: resamples', resamples, 1);
  const before = clusterArrays('unpairedClusterBootstrapDifference: baseline', baseline);
  const after = clusterArrays('unpairedClusterBootstrapDifference: candidate', candidate);
  if (before === null || after === null) return null;
  const difference = after.pooled - before.pooled;
  if (before.constant !== null && after.constant !== null) {
    return { difference, interval: [difference, difference], pValue: difference === 0 ? 1 : 1 / (resamples + 1) };
  }
  const differences = resampleRatios(after.sums, after.counts, resamples, candidateSeed(seed));
  const baselineReplicates = resampleRatios(before.sums, before.counts, resamples, seed);
  for (let b = 0; b < resamples; b++) differences[b] -= baselineReplicates[b];
  differences.sort();
  return { difference, interval: percentileInterval(differences, confidence), pValue: shiftedNullPValue(differences, difference) };
}

/**
 * The candidate's seed. mulberry32 walks one cycle of 2³² states and each seed starts it at a
 * different place, so the two arms use two stretches of it that overlap only when they lie within
 * (resamples × cases) draws of each other: for the default seed they start 3.2·10⁸ draws apart,
 * and for a seed taken at random the chance is about 2·10⁻⁴ at 2,000 resamples of 200 cases.
 */
function candidateSeed(seed: number): number {
  return (seed ^ 0x9e3779b9) >>> 0;
}
