import { AssayError, type RunRecord } from '@assay/spec';
import { HttpProblem } from './problem.ts';

/**
 * Why two runs cannot be compared, as the problem the dashboard shows (issue 11: runs of
 * different suites came back titled "Invalid prompt file", the title of every ConfigError).
 * Errors that are not the comparison's own refusal pass through unchanged.
 */
export function notComparable(error: unknown, baseline: RunRecord, candidate: RunRecord): unknown {
  if (!AssayError.isInstance(error) || error.name !== 'ConfigError') return error;
  const suites =
    baseline.configPath === candidate.configPath
      ? `Both runs are of ${baseline.configPath}.`
      : `These runs are of different suites: the baseline ${baseline.id} of ${baseline.configPath}, the candidate ${candidate.id} of ${candidate.configPath}.`;
  const hint = error.hint;
  return new HttpProblem(422, 'runs-not-comparable', 'These runs cannot be compared', `${suites} ${error.message}.`, {
    ...(hint ? { hint } : {}),
    baseline: { id: baseline.id, suite: baseline.configPath },
    candidate: { id: candidate.id, suite: candidate.configPath },
  });
}
