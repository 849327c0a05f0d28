/**
 * An interval for a difference made to agree with the test that decides about it: it reaches the
 * null value 0 exactly when the test does not reject. Two procedures that are each sound can
 * disagree near the boundary — Newcombe's interval for paired rates excludes 0 on 5 of 40
 * discordant cases all one way, while the exact McNemar test that decides gives p = 0.0625 — and a
 * report that prints `+12.5 pts [+1.3, +26.1] … no detectable difference` contradicts itself.
 *
 * - the test does not reject and the interval misses 0: it is stretched to reach 0 (it only grows,
 *   so its coverage can only rise);
 * - the test rejects and the interval holds 0: it is cut at 0 on the estimate's side, so it ends at
 *   0 (it touches the null value; this shortens it, and happens only where the interval's own
 *   method is more conservative than the test — never for exact McNemar, which is the more
 *   conservative of the two, see docs/compare.md);
 * - otherwise it is returned unchanged.
 * Null stays null.
 * @example intervalAgreeingWithTest([0.013, 0.261], 0.125, false) // [0, 0.261]
 */
export function intervalAgreeingWithTest(interval: readonly [number, number] | null, estimate: number, rejected: boolean): [number, number] | null {
  if (!interval) return null;
  const [low, high] = interval;
  if (!rejected) return [Math.min(low, 0), Math.max(high, 0)];
  if (low > 0 || high < 0) return [low, high];
  if (estimate > 0) return [0, Math.max(high, 0)];
  if (estimate < 0) return [Math.min(low, 0), 0];
  return [low, high];
}
