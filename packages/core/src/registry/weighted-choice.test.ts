import { describe, expect, it } from 'vitest';
import { chooseWeightedVersion, weightedBucket } from './weighted-choice.ts';

describe('weightedBucket', () => {
  it('is the documented FNV-1a + finaliser value (fixed vectors other languages can check)', () => {
    expect(weightedBucket('support/answer', 'production', 'user-42')).toBe(weightedBucket('support/answer', 'production', 'user-42'));
    expect([weightedBucket('a', 'b', 'c'), weightedBucket('support/answer', 'production', 'user-42'), weightedBucket('p', 'l', 'ключ')]).toEqual(VECTORS);
  });

  it('hashes non-ASCII keys over their UTF-8 bytes', () => {
    // "é" as one code point and as e + combining accent are different byte strings.
    expect(weightedBucket('p', 'l', 'caf\u00e9')).not.toBe(weightedBucket('p', 'l', 'cafe\u0301'));
  });
});

describe('chooseWeightedVersion', () => {
  const targets = [
    { version: 12, weight: 90 },
    { version: 13, weight: 10 },
  ];

  it('gives one key the same version every time', () => {
    const first = chooseWeightedVersion(targets, { name: 'support/answer', label: 'production', key: 'user-7' });
    for (let index = 0; index < 20; index++) expect(chooseWeightedVersion(targets, { name: 'support/answer', label: 'production', key: 'user-7' })).toBe(first);
  });

  it('splits many keys close to the weights', () => {
    let canary = 0;
    for (let index = 0; index < 10_000; index++) if (chooseWeightedVersion(targets, { name: 'support/answer', label: 'production', key: `user-${index}` }) === 13) canary++;
    // 10% of 10,000: the binomial standard deviation is 30, so ±150 is five of them.
    expect(Math.abs(canary - 1_000)).toBeLessThan(150);
  });

  it('follows the buckets: the first target owns the low ones', () => {
    for (let index = 0; index < 200; index++) {
      const key = `k${index}`;
      const bucket = weightedBucket('n', 'l', key);
      expect(chooseWeightedVersion(targets, { name: 'n', label: 'l', key })).toBe(bucket < 90 ? 12 : 13);
    }
  });

  it('draws at random by weight without a key', () => {
    let canary = 0;
    for (let index = 0; index < 10_000; index++) if (chooseWeightedVersion(targets, { name: 'n', label: 'l' }) === 13) canary++;
    expect(Math.abs(canary - 1_000)).toBeLessThan(150);
  });

  it('serves a single target without hashing and refuses none', () => {
    expect(chooseWeightedVersion([{ version: 3, weight: 100 }], { name: 'n', label: 'l', key: 'x' })).toBe(3);
    expect(() => chooseWeightedVersion([], { name: 'n', label: 'l' })).toThrow(RangeError);
  });
});

// Computed independently with the rule as docs/api.md states it (a Python one-liner over UTF-8 bytes).
const VECTORS = [13, 29, 38];
