/**
 * Holm (1979) step-down adjusted p-values, controlling the family-wise error rate: with the m
 * non-null p-values sorted ascending, p̃₍ᵢ₎ = min(1, max_{j ≤ i} (m − j + 1)·p₍ⱼ₎). The same as R's
 * `p.adjust(p, "holm")`. Nulls (comparisons that produced no p-value) stay in place and do not
 * count towards m. Throws RangeError for a p-value outside [0, 1].
 * @example holmAdjust([0.01, null, 0.04, 0.03]) // [0.03, null, 0.06, 0.06]
 */
export function holmAdjust(pValues: readonly (number | null)[]): (number | null)[] {
  const present: { index: number; p: number }[] = [];
  for (const [index, p] of pValues.entries()) {
    if (p === null) continue;
    if (!(p >= 0 && p <= 1)) throw new RangeError(`holmAdjust: p-values must be in [0, 1], got ${p} at ${index}`);
    present.push({ index, p });
  }
  present.sort((a, b) => a.p - b.p || a.index - b.index);
  const adjusted: (number | null)[] = pValues.map(() => null);
  const m = present.length;
  let running = 0;
  for (const [rank, { index, p }] of present.entries()) {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    adjusted[index] = running;
  }
  return adjusted;
}
