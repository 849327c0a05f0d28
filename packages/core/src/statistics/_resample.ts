// Resampling helpers shared by bootstrap.ts and paired-tests.ts (internal: not exported from the barrel).

/** The seed used when none is given: any fixed value keeps reports reproducible. */
export const defaultBootstrapSeed = 0x5eed_a55a;

/** Returns the common value when every element is equal, else null. */
export function allEqual(data: ArrayLike<number>): number | null {
  const first = data[0];
  for (let i = 1; i < data.length; i++) if (data[i] !== first) return null;
  return first;
}

/**
 * The means of `resamples` bootstrap resamples of `data` (drawn with replacement), sorted
 * ascending.
 */
export function resampleMeans(data: Float64Array, resamples: number, seed: number): Float64Array {
  return resampleRatios(data, null, resamples, seed).sort();
}

/**
 * `resamples` bootstrap replicates, in the order drawn, of Σ sums / Σ counts over n indices drawn
 * with replacement: the pooled mean of a cluster bootstrap, where cluster i holds counts[i] values
 * adding up to sums[i]. With `counts` null every cluster holds one value (the plain mean). The
 * generator is mulberry32 (the same as `seededRandom`), inlined because this loop runs
 * n × resamples times; the draws do not depend on `counts`, so the same seed resamples the same
 * clusters either way.
 */
export function resampleRatios(sums: Float64Array, counts: Float64Array | null, resamples: number, seed: number): Float64Array {
  const n = sums.length;
  const replicates = new Float64Array(resamples);
  const scale = n / 4294967296;
  let state = seed >>> 0;
  for (let b = 0; b < resamples; b++) {
    let sum = 0;
    let count = 0;
    for (let i = 0; i < n; i++) {
      state = (state + 0x6d2b79f5) | 0;
      let t = Math.imul(state ^ (state >>> 15), 1 | state);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      const index = (((t ^ (t >>> 14)) >>> 0) * scale) | 0;
      sum += sums[index];
      if (counts) count += counts[index];
    }
    replicates[b] = sum / (counts ? count : n);
  }
  return replicates;
}

/**
 * The two-sided shifted-null bootstrap p-value (Efron & Tibshirani 1993, §16.4, Algorithm 16.2 on
 * translated data): the replicates minus the observed statistic stand for its null distribution,
 * so p = (1 + #{|replicate − observed| ≥ |observed|}) / (resamples + 1). The smallest reachable
 * p-value is 1 / (resamples + 1).
 */
export function shiftedNullPValue(replicates: Float64Array, observed: number): number {
  let extreme = 0;
  for (const replicate of replicates) if (Math.abs(replicate - observed) >= Math.abs(observed)) extreme++;
  return Math.min(1, (1 + extreme) / (replicates.length + 1));
}

/** Quantile of sorted values with linear interpolation between order statistics (R's type 7). */
export function sortedQuantile(sorted: Float64Array, probability: number): number {
  const position = (sorted.length - 1) * probability;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
}

/** The equal-tailed percentile interval of sorted bootstrap replicates. */
export function percentileInterval(sorted: Float64Array, confidence: number): [number, number] {
  const alpha = 1 - confidence;
  return [sortedQuantile(sorted, alpha / 2), sortedQuantile(sorted, 1 - alpha / 2)];
}
