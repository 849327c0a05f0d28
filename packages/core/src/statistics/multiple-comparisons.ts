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

/**
 * The significance level at which Holm's step-down procedure decided each hypothesis: with the m
 * non-null p-values sorted ascending, the i-th (from 0) is tested at α/(m − i) while every smaller
 * one was rejected; the first that is not rejected stops the procedure, and it and every larger
 * p-value keep the level of that step. An interval at confidence 1 − level that inverts a row's
 * test therefore excludes the null value exactly when Holm rejects the row (adjusted p < α), and
 * every level is at most α: each interval is at least as wide as the unadjusted one. Nulls stay
 * in place. The decisions are the strict ones of `assay compare`: rejected when `holmAdjust` < α.
 * @example holmLevels([0.001, 0.04, 0.03], 0.05) // [0.05/3, 0.05/2, 0.05/2]: 0.03 > 0.05/2 stops the procedure
 */
export function holmLevels(pValues: readonly (number | null)[], alpha: number): (number | null)[] {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`holmLevels: alpha must be in (0, 1), got ${alpha}`);
  const adjusted = holmAdjust(pValues);
  const order = pValues
    .map((p, index) => ({ p, index }))
    .filter((entry): entry is { p: number; index: number } => entry.p !== null)
    .sort((a, b) => a.p - b.p || a.index - b.index);
  const levels: (number | null)[] = pValues.map(() => null);
  const m = order.length;
  let stoppedAt: number | null = null;
  for (const [rank, { index }] of order.entries()) {
    if (stoppedAt === null && !(adjusted[index]! < alpha)) stoppedAt = alpha / (m - rank);
    levels[index] = stoppedAt ?? alpha / (m - rank);
  }
  return levels;
}
