import { describe, expect, it } from 'vitest';
import { hashSeed, seededRandom } from './random.ts';

/** mulberry32 re-derived in BigInt arithmetic (mod 2^32) — an independent computation of the same algorithm. */
function mulberry32BigInt(seed: number, count: number): number[] {
  const mask = (1n << 32n) - 1n;
  const imul = (a: bigint, b: bigint) => (a * b) & mask;
  let state = BigInt(seed >>> 0);
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    state = (state + 0x6d2b79f5n) & mask;
    let t = imul(state ^ (state >> 15n), 1n | state);
    t = ((t + imul(t ^ (t >> 7n), 61n | t)) & mask) ^ t;
    out.push(Number((t ^ (t >> 14n)) & mask) / 2 ** 32);
  }
  return out;
}

describe('seededRandom', () => {
  it('is mulberry32 (checked against a BigInt re-derivation)', () => {
    for (const seed of [0, 1, 42, 0xdeadbeef, hashSeed('assay')]) {
      const random = seededRandom(seed);
      const expected = mulberry32BigInt(seed, 50);
      for (const value of expected) expect(random()).toBe(value);
    }
  });

  it('is reproducible and uniform on [0, 1)', () => {
    const first = seededRandom(7);
    const second = seededRandom(7);
    const bins = new Array<number>(10).fill(0);
    const draws = 100_000;
    let mismatches = 0;
    for (let i = 0; i < draws; i++) {
      const value = first();
      if (second() !== value || !(value >= 0 && value < 1)) mismatches++;
      bins[Math.floor(value * 10)]++;
    }
    expect(mismatches).toBe(0);
    expect(Math.min(...bins)).toBeGreaterThan(0);
    const expected = draws / 10;
    const chiSquare = bins.reduce((sum, count) => sum + (count - expected) ** 2 / expected, 0);
    // χ²(9) upper 0.001 point is 27.88 (any χ² table, e.g. R qchisq(0.999, 9)).
    expect(chiSquare).toBeLessThan(27.88);
  });

  it('rejects a non-finite seed', () => {
    expect(() => seededRandom(Number.NaN)).toThrow(RangeError);
  });
});

describe('hashSeed', () => {
  it('is 32-bit FNV-1a', () => {
    // Test vectors of the FNV reference suite (Fowler/Noll/Vo, draft-eastlake-fnv, FNV-1a 32-bit):
    // "" → 0x811c9dc5 (the offset basis), "a" → 0xe40c292c, "foobar" → 0xbf9cf968.
    expect(hashSeed('')).toBe(0x811c9dc5);
    expect(hashSeed('a')).toBe(0xe40c292c);
    expect(hashSeed('foobar')).toBe(0xbf9cf968);
  });

  it('hashes UTF-8 bytes, so non-ASCII text is stable', () => {
    expect(hashSeed('é')).not.toBe(hashSeed('e'));
    expect(hashSeed('prüfung')).toBe(hashSeed('prüfung'));
  });
});
