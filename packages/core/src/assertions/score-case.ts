import type { AssertionResult } from '@assay/spec';

/**
 * Combines a case's assertion results. The score is the weighted mean of the scores of
 * assertions with weight > 0 (1 when there are none). The case passes when every required
 * assertion passes and, if a threshold is given, the score reaches it.
 *
 * @example
 * scoreCase([{ ...a, pass: true, score: 1, weight: 2 }, { ...b, pass: false, score: 0, weight: 1, required: false }], 0.6);
 * // { pass: true, score: 0.666... }
 */
export function scoreCase(results: readonly AssertionResult[], threshold?: number): { pass: boolean; score: number } {
  let weighted = 0;
  let totalWeight = 0;
  let requiredPass = true;
  for (const result of results) {
    if (result.weight > 0) {
      weighted += result.weight * result.score;
      totalWeight += result.weight;
    }
    if (result.required && !result.pass) requiredPass = false;
  }
  const score = totalWeight > 0 ? weighted / totalWeight : 1;
  return { pass: requiredPass && (threshold === undefined || score >= threshold), score };
}
