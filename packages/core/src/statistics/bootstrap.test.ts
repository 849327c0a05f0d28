import { describe, expect, it } from 'vitest';
import { resampleMeans, sortedQuantile } from './_resample.ts';
import { bootstrapMeanInterval } from './bootstrap.ts';
import { seededRandom } from './random.ts';

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
