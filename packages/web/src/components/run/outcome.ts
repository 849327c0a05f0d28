import type { AssertionResult, CaseOutcome, CaseResult } from '../../types.ts';

/** A case with an error is an error, whatever its assertions say. */
export function caseOutcome(result: CaseResult): CaseOutcome {
  if (result.error) return 'error';
  return result.pass ? 'pass' : 'fail';
}

/**
 * Failed cases that are not errors. A summary's `failed` is every case that did not pass, errors
 * included (packages/runner/src/summary.ts); shown beside the errors it would count them twice
 * (issue 11: `FAILED 18 ERRORS 4` for 14 + 4). Passed + this + errors is the total, and it is
 * what the Outcome filter's "Failed" lists.
 */
export function failedWithoutErrors(failed: number | null | undefined, errors: number | null | undefined): number | null {
  if (typeof failed !== 'number' || !Number.isFinite(failed)) return null;
  return Math.max(0, failed - (typeof errors === 'number' && Number.isFinite(errors) ? errors : 0));
}

/**
 * The assertions a case failed, root cause first: those that judged the output, in the order
 * they ran (a failed `is-json` explains the `javascript` after it), then those that could not be
 * evaluated at all. The console lists them in the same order.
 */
export function failedAssertions(result: CaseResult): AssertionResult[] {
  const failed = result.assertions.filter((assertion) => !assertion.pass);
  return [...failed.filter((assertion) => !assertion.unevaluable), ...failed.filter((assertion) => assertion.unevaluable)];
}
