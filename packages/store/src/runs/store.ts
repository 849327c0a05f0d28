import type { CaseResult, RunRecord, RunStatus, RunSummary } from '@assay/spec';

/**
 * The runs of one scope, and their results. A scope is either the runs `assay eval` made in a
 * folder (no project: the `Store` itself) or the runs uploaded to one registry project
 * (`store.project(id)`). Run ids are unique within a scope only: two projects may each hold a run
 * `main-42`, and neither can see, change or tell apart the other's.
 */
export interface RunStore {
  /** Stores the run in this scope; `run.projectId` must be unset or this scope's project. */
  createRun(run: RunRecord): Promise<void>;
  getRun(runId: string): Promise<RunRecord | undefined>;
  /** Newest first; `label` keeps only runs with that label. */
  listRuns(options?: ListRunsOptions): Promise<RunRecord[]>;
  /** How many runs `listRuns` would return without `limit` and `offset`. */
  countRuns(options?: Omit<ListRunsOptions, 'limit' | 'offset'>): Promise<number>;
  /** Names a run (null removes the name). Several runs may share a label; the newest is "the" run of that label. */
  setRunLabel(runId: string, label: string | null): Promise<void>;
  /** Durable when the promise resolves (one transaction per batch). */
  appendResults(runId: string, results: readonly CaseResult[]): Promise<void>;
  /** Keys of results stored without an `error`: what a resume must not repeat (errored calls are retried). */
  completedKeys(runId: string): Promise<Set<string>>;
  /** Streams results in insertion order without loading them all into memory. */
  iterateResults(runId: string): AsyncIterable<CaseResult>;
  countResults(runId: string): Promise<number>;
  /**
   * One page of a run's results in insertion order, with the number of results that match the
   * filter (what the dashboard's case table shows without reading the whole run).
   */
  listResults(runId: string, options: ListResultsOptions): Promise<{ items: CaseResult[]; total: number }>;
  finishRun(runId: string, update: { status: RunStatus; summary?: RunSummary; finishedAt: string }): Promise<void>;
  /**
   * Claims the run for `owner` until `now + ttlMs`, so that two processes never work on one run
   * (two `assay eval --resume` of it at once). It is granted when the run has no lease, when its
   * lease has expired, when `owner` holds it already (a renewal) or when `replacing` does (the
   * holder is known to be dead); otherwise `acquired` is false and `lease` is the holder's.
   * One atomic step, so of two claims at once exactly one is granted. Rejects an unknown run.
   */
  acquireRunLease(runId: string, request: LeaseRequest): Promise<LeaseClaim>;
  /** Ends `owner`'s lease on the run; does nothing when someone else holds it (or nobody does). */
  releaseRunLease(runId: string, owner: string): Promise<void>;
  /** The run's lease, expired or not; undefined when it has none (never claimed, or released). */
  getRunLease(runId: string): Promise<RunLease | undefined>;
}

/** Who holds a run, until when. Times come from the claimant's clock. */
export interface RunLease {
  owner: string;
  /** ISO 8601; the lease is void from this instant on. */
  expiresAt: string;
}

export interface LeaseRequest {
  owner: string;
  /** How long the lease lasts from `now`; renew it before then. */
  ttlMs: number;
  /** The current time (default: the clock of this process). */
  now?: Date;
  /** Take the lease over from this holder even if it has not expired (its process is gone). */
  replacing?: string;
}

export type LeaseClaim = { acquired: true; lease: RunLease } | { acquired: false; lease: RunLease };

/**
 * Where runs and their results live. One interface for the CLI, the server and the dashboard;
 * every implementation passes the shared conformance suite in `store-conformance.ts`.
 *
 * Its own `RunStore` methods address the runs without a project (`assay eval`'s); `project(id)`
 * addresses one registry project's runs. v3: run leases (`acquireRunLease`); v2: run ids became
 * unique per project (v1: per store).
 */
export interface Store extends RunStore {
  readonly specificationVersion: 'v3';
  /** The runs uploaded to one registry project (`assay serve`); runs it creates carry `projectId`. */
  project(projectId: string): RunStore;
  /**
   * Moves a run without a project into `projectId` (a run made by `assay eval` in the folder the
   * server also serves, then uploaded), results and all. False when there is no such run, or
   * when the project already has a run with that id.
   */
  claimRun(runId: string, projectId: string): Promise<boolean>;
  close(): Promise<void>;
}

export interface ListRunsOptions {
  limit?: number;
  offset?: number;
  status?: RunStatus;
  label?: string;
}

/** Which results a page holds: `pass` and `fail` are graded results, `error` those whose call failed. */
export type ResultOutcome = 'pass' | 'fail' | 'error';

export interface ListResultsOptions {
  offset?: number;
  /** At most 1000. */
  limit: number;
  outcome?: ResultOutcome;
  /** Keeps results whose stored JSON contains this text (case id, variables, output, reasons). */
  search?: string;
}
