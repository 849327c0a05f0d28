import { describe, expect, it } from 'vitest';
import { resampleMeans, sortedQuantile } from './_resample.ts';
import { bootstrapMeanInterval, clusterBootstrapMeanInterval, unpairedClusterBootstrapDifference, type ClusterTotal } from './bootstrap.ts';
import { hashSeed, seededRandom } from './random.ts';

describe('bootstrapMeanInterval', () => {
  it('is close to the normal-theory interval mean ± 1.96·s/√n for a large sample', () => {
    // Independent computation: for n = 2000 the bootstrap distribution of the mean is close to
    // normal with sd √((n−1)/n)·s/√n (the plug-in variance), so the percentile interval should match within a few %.
    const random = seededRandom(11);
    const values = Array.from({ length: 2000 }, () => random() ** 2);
    const n = values.length;
    const mean = values.reduce((a, b) => a + b, 0) / n;
    const plugInSd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / n);
    const half = (1.959963984540054 * plugInSd) / Math.sqrt(n);
    const [low, high] = bootstrapMeanInterval(values, { seed: 3 })!;
    expect(low).toBeCloseTo(mean - half, 2);
    expect(high).toBeCloseTo(mean + half, 2);
    expect(Math.abs(high - low - 2 * half) / (2 * half)).toBeLessThan(0.06);
  });

  it('is reproducible for a seed and differs between seeds', () => {
    const values = [0.1, 0.4, 0.35, 0.8, 0.9, 0.2, 0.55];
    expect(bootstrapMeanInterval(values, { seed: 5 })).toEqual(bootstrapMeanInterval(values, { seed: 5 }));
    expect(bootstrapMeanInterval(values)).toEqual(bootstrapMeanInterval(values));
    expect(bootstrapMeanInterval(values, { seed: 5 })).not.toEqual(bootstrapMeanInterval(values, { seed: 6 }));
  });

  it('handles n = 0, constant values and bad options', () => {
    expect(bootstrapMeanInterval([])).toBeNull();
    expect(bootstrapMeanInterval([0.1, 0.1, 0.1])).toEqual([0.1, 0.1]);
    expect(bootstrapMeanInterval(new Float64Array([7]))).toEqual([7, 7]);
    expect(() => bootstrapMeanInterval([1, 2], { confidence: 1 })).toThrow(RangeError);
    expect(() => bootstrapMeanInterval([1, 2], { resamples: 0 })).toThrow(RangeError);
    expect(() => bootstrapMeanInterval([1, Number.NaN])).toThrow(RangeError);
  });

  it('narrows with lower confidence and stays inside the range of the data', () => {
    const values = [0, 0, 1, 1, 1, 0, 1, 1, 1, 1];
    const [low95, high95] = bootstrapMeanInterval(values)!;
    const [low80, high80] = bootstrapMeanInterval(values, { confidence: 0.8 })!;
    expect(low80).toBeGreaterThanOrEqual(low95);
    expect(high80).toBeLessThanOrEqual(high95);
    expect(low95).toBeGreaterThanOrEqual(0);
    expect(high95).toBeLessThanOrEqual(1);
  });

  it('runs n = 20,000 × 2000 resamples quickly', () => {
    const random = seededRandom(1);
    const values = Float64Array.from({ length: 20_000 }, () => random());
    const started = performance.now();
    const interval = bootstrapMeanInterval(values);
    const elapsed = performance.now() - started;
    console.log(`bootstrapMeanInterval: n = 20,000 × 2000 resamples in ${elapsed.toFixed(0)} ms`);
    expect(interval).not.toBeNull();
    // Typically 0.2–0.3 s; the bound leaves room for a loaded CI machine.
    expect(elapsed).toBeLessThan(2000);
  });
});

describe('resampling helpers', () => {
  it('quantiles interpolate like R quantile(type = 7)', () => {
    // R: quantile(c(1, 2, 4, 8), c(0.25, 0.5, 0.9), type = 7) → 1.75, 3, 6.8 (by hand: h = 3p, linear between order statistics).
    const sorted = new Float64Array([1, 2, 4, 8]);
    expect(sortedQuantile(sorted, 0.25)).toBeCloseTo(1.75, 12);
    expect(sortedQuantile(sorted, 0.5)).toBeCloseTo(3, 12);
    expect(sortedQuantile(sorted, 0.9)).toBeCloseTo(6.8, 12);
  });

  it('resamples with replacement (mean of resample means ≈ sample mean)', () => {
    const data = new Float64Array([0, 1, 2, 3, 10]);
    const means = resampleMeans(data, 20_000, 9);
    const average = means.reduce((a, b) => a + b, 0) / means.length;
    expect(average).toBeCloseTo(3.2, 1);
    expect(means.every((mean, i) => i === 0 || mean >= means[i - 1])).toBe(true);
  });
});

/** `cases` clusters of `repeats` 0/1 values, each case passing with its own q ~ U(0, 1) (intra-case correlation 1/3, mean 1/2). */
function clusteredPasses(random: () => number, cases: number, repeats: number): ClusterTotal[] {
  return Array.from({ length: cases }, () => {
    const q = random();
    let sum = 0;
    for (let repeat = 0; repeat < repeats; repeat++) if (random() < q) sum++;
    return { sum, count: repeats };
  });
}

describe('clusterBootstrapMeanInterval', () => {
  it('is bootstrapMeanInterval when every cluster holds one value (the same draws)', () => {
    const random = seededRandom(3);
    const values = Array.from({ length: 57 }, () => random());
    expect(clusterBootstrapMeanInterval(values.map((sum) => ({ sum, count: 1 })), { seed: 4 })).toEqual(bootstrapMeanInterval(values, { seed: 4 }));
  });

  it('resamples whole clusters: k identical repeats of a case give the interval of one value per case', () => {
    // Each case's 5 repeats agree, so they carry no more than the case itself.
    const random = seededRandom(8);
    const means = Array.from({ length: 40 }, () => (random() < 0.6 ? 1 : 0));
    const clustered = clusterBootstrapMeanInterval(means.map((mean) => ({ sum: 5 * mean, count: 5 })), { seed: 2 });
    expect(clustered).toEqual(bootstrapMeanInterval(means, { seed: 2 }));
  });

  it('covers the true mean about 95% of the time with correlated repeats (500 seeded runs of 40 cases × 5)', () => {
    const random = seededRandom(hashSeed('coverage:cluster-bootstrap'));
    let covered = 0;
    let coveredAsIndependent = 0;
    const runs = 500;
    for (let run = 0; run < runs; run++) {
      const clusters = clusteredPasses(random, 40, 5);
      const [low, high] = clusterBootstrapMeanInterval(clusters, { seed: run })!;
      if (low <= 0.5 && 0.5 <= high) covered++;
      // The bootstrap over the 200 tries as if independent, for contrast.
      const tries = clusters.flatMap(({ sum, count }) => Array.from({ length: count }, (_, i) => (i < sum ? 1 : 0)));
      const [naiveLow, naiveHigh] = bootstrapMeanInterval(tries, { seed: run })!;
      if (naiveLow <= 0.5 && 0.5 <= naiveHigh) coveredAsIndependent++;
    }
    console.log(`cluster bootstrap covers 1/2 in ${((covered / runs) * 100).toFixed(1)}% of ${runs} runs; over tries as if independent ${((coveredAsIndependent / runs) * 100).toFixed(1)}%`);
    expect(covered / runs).toBeGreaterThanOrEqual(0.92);
    expect(covered / runs).toBeLessThanOrEqual(0.97);
    expect(coveredAsIndependent / runs).toBeLessThan(0.85);
  });

  it('handles no values, constant means and bad input', () => {
    expect(clusterBootstrapMeanInterval([])).toBeNull();
    expect(clusterBootstrapMeanInterval([{ sum: 0, count: 0 }])).toBeNull();
    expect(clusterBootstrapMeanInterval([{ sum: 1, count: 2 }, { sum: 2, count: 4 }, { sum: 0, count: 0 }])).toEqual([0.5, 0.5]);
    expect(() => clusterBootstrapMeanInterval([{ sum: 1, count: 1.5 }])).toThrow(RangeError);
    expect(() => clusterBootstrapMeanInterval([{ sum: Number.NaN, count: 1 }])).toThrow(RangeError);
    expect(() => clusterBootstrapMeanInterval([{ sum: 1, count: 1 }], { resamples: 0 })).toThrow(RangeError);
  });
});

describe('unpairedClusterBootstrapDifference', () => {
  it('is close to the normal-theory interval for two large samples of single values', () => {
    // Independent computation: d ± 1.96·√(s₁²/n₁ + s₂²/n₂) with plug-in variances.
    const random = seededRandom(17);
    const baseline = Array.from({ length: 1500 }, () => random());
    const candidate = Array.from({ length: 1200 }, () => random() ** 0.8);
    const moments = (values: number[]) => {
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      return { mean, variance: values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length };
    };
    const [a, b] = [moments(baseline), moments(candidate)];
    const half = 1.959963984540054 * Math.sqrt(a.variance / baseline.length + b.variance / candidate.length);
    const one = (values: number[]) => values.map((sum) => ({ sum, count: 1 }));
    const result = unpairedClusterBootstrapDifference(one(baseline), one(candidate))!;
    expect(result.difference).toBeCloseTo(b.mean - a.mean, 12);
    expect(result.interval[0]).toBeCloseTo(b.mean - a.mean - half, 2);
    expect(result.interval[1]).toBeCloseTo(b.mean - a.mean + half, 2);
    expect(result.pValue).toBeCloseTo(1 / 2001, 12);
  });

  it('rejects about 5% of the time under H₀ with correlated repeats (1,000 seeded pairs of runs, 40 cases × 5)', () => {
    const random = seededRandom(hashSeed('size:unpaired-cluster-bootstrap'));
    let rejected = 0;
    const runs = 1000;
    for (let run = 0; run < runs; run++) {
      const result = unpairedClusterBootstrapDifference(clusteredPasses(random, 40, 5), clusteredPasses(random, 40, 5), { seed: run, resamples: 1000 })!;
      if (result.pValue < 0.05) rejected++;
    }
    console.log(`unpaired cluster bootstrap: ${((rejected / runs) * 100).toFixed(1)}% of ${runs} null comparisons rejected at α = 0.05`);
    expect(rejected / runs).toBeGreaterThanOrEqual(0.03);
    expect(rejected / runs).toBeLessThanOrEqual(0.07);
  });

  it('handles empty samples and constant ones', () => {
    expect(unpairedClusterBootstrapDifference([], [{ sum: 1, count: 1 }])).toBeNull();
    expect(unpairedClusterBootstrapDifference([{ sum: 2, count: 2 }], [{ sum: 3, count: 3 }])).toEqual({ difference: 0, interval: [0, 0], pValue: 1 });
    expect(unpairedClusterBootstrapDifference([{ sum: 0, count: 2 }], [{ sum: 3, count: 3 }], { resamples: 99 })).toEqual({ difference: 1, interval: [1, 1], pValue: 0.01 });
  });
});
