import { describe, expect, it } from 'vitest';
import { createFaultSampler, createLatencySampler, mulberry32 } from './faults.ts';

describe('mulberry32', () => {
  it('repeats its sequence for a seed and stays in [0, 1)', () => {
    const first = mulberry32(7);
    const second = mulberry32(7);
    const values = Array.from({ length: 1000 }, () => first());
    expect(values).toEqual(Array.from({ length: 1000 }, () => second()));
    expect(values.every((value) => value >= 0 && value < 1)).toBe(true);
    expect(mulberry32(8)()).not.toBe(values[0]);
  });
});

describe('latency sampler', () => {
  const percentile = (values: number[], share: number) => [...values].sort((a, b) => a - b)[Math.floor(values.length * share)]!;

  it('is absent when nothing or zero is configured', () => {
    expect(createLatencySampler(undefined, Math.random)).toBeUndefined();
    expect(createLatencySampler(0, Math.random)).toBeUndefined();
  });

  it('samples uniformly between min and max', () => {
    const sample = createLatencySampler({ min: 10, max: 20 }, mulberry32(1))!;
    const values = Array.from({ length: 2000 }, sample);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(10);
    expect(Math.max(...values)).toBeLessThanOrEqual(20);
    expect(percentile(values, 0.5)).toBeCloseTo(15, 0);
  });

  it('samples a lognormal with the given p50 and p99', () => {
    const sample = createLatencySampler({ p50: 100, p99: 1000 }, mulberry32(1))!;
    const values = Array.from({ length: 20_000 }, sample);
    expect(percentile(values, 0.5)).toBeGreaterThan(90);
    expect(percentile(values, 0.5)).toBeLessThan(110);
    expect(percentile(values, 0.99)).toBeGreaterThan(800);
    expect(percentile(values, 0.99)).toBeLessThan(1250);
  });
});

describe('fault sampler', () => {
  it('injects each kind at about its rate, cut streams only for streams', () => {
    const sample = createFaultSampler({ rate429: 0.1, rate5xx: 0.2, rateMalformed: 0.05, rateCutStream: 0.5 }, 11);
    const counts: Record<string, number> = {};
    for (let index = 0; index < 10_000; index++) {
      const kind = sample(index % 2 === 0).kind ?? 'none';
      counts[kind] = (counts[kind] ?? 0) + 1;
    }
    expect(counts.rate429! / 10_000).toBeCloseTo(0.1, 1);
    expect(counts.rate5xx! / 10_000).toBeCloseTo(0.2, 1);
    expect(counts.malformed! / 10_000).toBeCloseTo(0.05, 1);
    // Half the requests stream; of those, the 65% without another fault are cut half the time.
    expect(counts.cutStream! / 10_000).toBeCloseTo(0.5 * 0.65 * 0.5, 1);
  });
});
