import type { CaseResult, RunComparison, RunRecord, RunSummary } from '@assay/spec';

/** What `writeOutputFile` needs from a finished (or interrupted) run. */
export interface OutputRun {
  record: RunRecord;
  summary: RunSummary;
  /** Called once; results are streamed, never collected, so 20,000+ cases stay cheap. */
  results: () => AsyncIterable<CaseResult>;
  /** Present when the run was compared against a baseline (`--baseline`); reports show it. */
  comparison?: RunComparison;
  /** Present with `--compare-prompts` (and in `assay demo`): two prompts of this run compared on the same cases. */
  promptComparison?: RunComparison;
}
