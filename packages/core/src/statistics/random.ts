/**
 * A seeded uniform generator on [0, 1): mulberry32 (Tommy Ettinger, 2017), a well-known generator
 * with 32 bits of state (period 2^32) — fast, adequate for resampling and simulation, not for
 * cryptography. The seed is taken as an unsigned 32-bit integer (`seed >>> 0`); the same seed
 * always gives the same sequence, so reports are reproducible.
 * @example const random = seededRandom(hashSeed('suite-a')); random(); // 0 ≤ x < 1
 */
export function seededRandom(seed: number): () => number {
  if (!Number.isFinite(seed)) throw new RangeError(`seededRandom: seed must be a finite number, got ${seed}`);
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A 32-bit seed from text: FNV-1a (Fowler–Noll–Vo) over the UTF-8 bytes, so a suite or case id
 * gives the same seed on every platform.
 */
export function hashSeed(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
