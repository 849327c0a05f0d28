import type { CaseResult, RunRecord } from '@assay/spec';

/**
 * The scope key of the runs without a project (made by `assay eval`). Runs are keyed by
 * (project, id) in both stores; the project column is part of the primary key, so it cannot be
 * NULL, and '' (never a project id) stands for "none".
 */
export const localScope = '';

/** A project id that can name a scope: never '' (that would be the local runs). */
export function checkProjectId(projectId: string): string {
  if (typeof projectId !== 'string' || projectId === localScope) throw new RangeError('A project id must be a non-empty string.');
  return projectId;
}

/** The scope `run` is created in: `scope` itself, refusing a run that names another project. */
export function checkRunScope(run: RunRecord, scope: string): string {
  if (run.projectId !== undefined && run.projectId !== scope) {
    const where = scope === localScope ? 'the runs without a project' : `project ${scope}`;
    throw new TypeError(`createRun: run ${run.id} belongs to project ${run.projectId}, not ${where}; create it through store.project(${JSON.stringify(run.projectId)}).`);
  }
  return scope;
}

/** Refuses a batch holding a result of another run (both stores). */
export function checkResultsBelongTo(runId: string, results: readonly CaseResult[]): void {
  for (const result of results) {
    if (result.runId !== runId) throw new TypeError(`appendResults(${runId}): result ${result.key} belongs to run ${result.runId}.`);
  }
}
