import type { CaseOutcome, CaseResult } from '../../types.ts';

/** A case with an error is an error, whatever its assertions say. */
export function caseOutcome(result: CaseResult): CaseOutcome {
  if (result.error) return 'error';
  return result.pass ? 'pass' : 'fail';
}
