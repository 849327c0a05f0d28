import type { AssertionResult } from '@assay/spec';

/**
 * Combines a case's assertion results. The score is the weighted mean of the scores of
 * assertions with weight > 0 (1 when there are none). Without a threshold the case passes when
 * every required assertion passes. With a threshold above 0 the score decides, as promptfoo's
 * test `threshold`: a failed assertion lowers the score but fails the case only when `explicit`
 * says it was written `required: true` (its index in `results`). A threshold of 0 is none, as in
 * promptfoo.
 *
 * @example
 * scoreCase([{ ...a, pass: true, score: 1, weight: 2 }, { ...b, pass: false, score: 0, weight: 1 }], 0.6);
 * // { pass: true, score: 0.666... }
 */
export function scoreCase(
  results: readonly AssertionResult[],
  threshold?: number,
  explicit?: readonly { assertion: { required?: boolean } }[],
): { pass: boolean; score: number } {
  const byScore = threshold !== undefined && threshold > 0;
  let weighted = 0;
  let totalWeight = 0;
  let requiredPass = true;
  for (const [index, result] of results.entries()) {
    if (result.weight > 0) {
      weighted += result.weight * result.score;
      totalWeight += result.weight;
    }
    const required = byScore ? explicit?.[index]?.assertion.required === true : result.required;
    if (required && !result.pass) requiredPass = false;
  }
  const score = totalWeight > 0 ? weighted / totalWeight : 1;
  return { pass: requiredPass && (!byScore || score >= threshold), score };
}
