import { describe, expect, it } from 'vitest';
import { normalCdf, normalQuantile, zForConfidence } from './normal.ts';

/** Φ(x) by Simpson's rule on the density from 0 — an independent computation. */
function integratedCdf(x: number): number {
  const steps = 20_000;
  const h = x / steps;
  const density = (t: number) => Math.exp((-t * t) / 2) / Math.sqrt(2 * Math.PI);
  let sum = density(0) + density(x);
  for (let i = 1; i < steps; i++) sum += (i % 2 === 1 ? 4 : 2) * density(i * h);
  return 0.5 + (sum * h) / 3;
}

describe('zForConfidence', () => {
  it('matches qnorm', () => {
    // R 4.x: print(qnorm(0.975), digits = 16) → 1.959963984540054; qnorm(0.995) → 2.575829303548901;
    // qnorm(0.95) → 1.644853626951472 (the standard z table values 1.96, 2.576, 1.645 to more digits).
    expect(zForConfidence(0.95)).toBeCloseTo(1.959963984540054, 12);
    expect(zForConfidence(0.99)).toBeCloseTo(2.575829303548901, 12);
    expect(zForConfidence(0.9)).toBeCloseTo(1.644853626951472, 12);
  });

  it('throws RangeError outside (0, 1)', () => {
    for (const bad of [0, 1, -0.5, 1.5, Number.NaN]) expect(() => zForConfidence(bad)).toThrow(RangeError);
  });
});

describe('normalCdf and normalQuantile', () => {
  it('agree with numerical integration of the density', () => {
    // Independent computation: Simpson's rule on φ.
    for (const x of [-3, -1.5, -0.2, 0, 0.7, 1.96, 2.5]) expect(normalCdf(x)).toBeCloseTo(integratedCdf(x), 10);
  });

  it('match pnorm at textbook points', () => {
    // R: pnorm(1.96) = 0.9750021048517795, pnorm(-3) = 0.001349898031630095.
    expect(normalCdf(1.96)).toBeCloseTo(0.9750021048517795, 12);
    expect(normalCdf(-3)).toBeCloseTo(0.001349898031630095, 14);
  });

  it('invert each other and handle the ends', () => {
    for (const p of [1e-6, 0.01, 0.3, 0.5, 0.8, 0.999]) expect(normalCdf(normalQuantile(p))).toBeCloseTo(p, 10);
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
    expect(normalCdf(-Infinity)).toBe(0);
    expect(normalCdf(Infinity)).toBe(1);
    expect(normalCdf(-40)).toBe(0);
    expect(() => normalQuantile(1.1)).toThrow(RangeError);
    expect(() => normalCdf(Number.NaN)).toThrow(RangeError);
  });
});
