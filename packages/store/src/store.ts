import type { CaseResult, RunRecord, RunStatus, RunSummary } from '@assay/spec';

/**
 * Where runs and their results live. One interface for the CLI, the server and the dashboard;
 * every implementation passes the shared conformance suite in `store-conformance.ts`.
 */
export interface Store {
  readonly specificationVersion: 'v1';
  createRun(run: RunRecord): Promise<void>;
  getRun(runId: string): Promise<RunRecord | undefined>;
  /** Newest first; `label` keeps only runs with that label. */
  listRuns(options?: { limit?: number; offset?: number; status?: RunStatus; label?: string }): Promise<RunRecord[]>;
  /** Names a run (null removes the name). Several runs may share a label; the newest is "the" run of that label. */
  setRunLabel(runId: string, label: string | null): Promise<void>;
  /** Durable when the promise resolves (one transaction per batch). */
  appendResults(runId: string, results: readonly CaseResult[]): Promise<void>;
  /** Keys of results stored without an `error`: what a resume must not repeat (errored calls are retried). */
  completedKeys(runId: string): Promise<Set<string>>;
  /** Streams results in insertion order without loading them all into memory. */
  iterateResults(runId: string): AsyncIterable<CaseResult>;
  countResults(runId: string): Promise<number>;
  finishRun(runId: string, update: { status: RunStatus; summary?: RunSummary; finishedAt: string }): Promise<void>;
  close(): Promise<void>;
}
