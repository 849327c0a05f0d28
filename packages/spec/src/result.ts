import type { AssertionResult } from './assertion.ts';
import type { GateResult, RepeatSummary } from './comparison.ts';

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  /** Input tokens served from the provider's prompt cache (a subset of inputTokens). */
  cachedInputTokens: number;
  /** Reasoning tokens (a subset of outputTokens). */
  reasoningTokens: number;
  totalTokens: number;
}

export interface ToolCallRecord {
  toolName: string;
  input: unknown;
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string;
}

/** One prompt × provider × case × repeat. */
export interface CaseResult {
  runId: string;
  /** Stable across resumes: hash of prompt, provider, case id and repeat. */
  key: string;
  promptId: string;
  providerId: string;
  caseId: string;
  caseIndex: number;
  repeat: number;
  vars: Record<string, unknown>;
  messages: ChatMessage[];
  output: string;
  toolCalls: ToolCallRecord[];
  /** Set when the call failed after retries; the case then fails. */
  error?: string;
  pass: boolean;
  score: number;
  assertions: AssertionResult[];
  latencyMs: number;
  usage: TokenUsage;
  /** USD; null when the model has no known price. */
  cost: number | null;
  cached: boolean;
  finishedAt: string;
}

export interface SummaryCell {
  prompt: string;
  provider: string;
  n: number;
  passed: number;
  errors: number;
  passRate: number | null;
  /** Wilson; cluster-aware (design effect from the intra-case correlation) when cases repeat. */
  ci95: [number, number] | null;
  /** Mean case score (0..1) and its seeded bootstrap interval. */
  meanScore: number | null;
  scoreCi95: [number, number] | null;
  /** Present when cases ran more than once. */
  repeats?: RepeatSummary;
  cost: number;
  costPerCase: number | null;
  costPerPass: number | null;
  tokens: number;
  meanLatencyMs: number | null;
  /**
   * SHA-256 content hash of the cell's prompt as the registry computes it (template, model config,
   * schemas, metadata, partials; `promptContentHash` in core). Absent in runs made before Assay recorded it.
   */
  promptHash?: string;
  /** The registry version with that content hash, recorded by the server when the run is uploaded. */
  registryVersion?: { name: string; version: number };
}

/** Pass rate of the assertions that carry one `metric` name, in one prompt × provider cell. */
export interface MetricSummary {
  metric: string;
  prompt: string;
  provider: string;
  n: number;
  passed: number;
  passRate: number | null;
  ci95: [number, number] | null;
  /** Set when the metric is graded by a judge file (`type: judge`). */
  judge?: JudgeMetricSummary;
}

/** How far a judge-graded metric can be trusted, and its pass rate corrected for the judge's error. */
export interface JudgeMetricSummary {
  /** Path of the judge file. */
  file: string;
  calibrated: boolean;
  sensitivity?: number;
  specificity?: number;
  /** Human-labelled passes and fails behind sensitivity and specificity. */
  positives?: number;
  negatives?: number;
  /** Rogan–Gladen corrected pass rate, clamped to [0, 1]. */
  correctedPassRate?: number | null;
  /** Includes the uncertainty of the calibration itself. */
  correctedCi95?: [number, number] | null;
}

export interface RunSummary {
  total: number;
  passed: number;
  failed: number;
  errors: number;
  /**
   * Calls answered from the on-disk response cache or a cassette, not by the provider. Absent in
   * summaries written before Assay counted them.
   */
  cached?: number;
  cost: number;
  tokens: number;
  durationMs: number;
  cells: SummaryCell[];
  /** Per named metric (assertions with `metric:`), per cell. */
  metrics: MetricSummary[];
  thresholds: { cell: string; threshold: number; passRate: number | null; ok: boolean }[];
  /** The suite's `gate:` checks; empty when it has none. */
  gates: GateResult[];
  warnings: string[];
}

export type RunStatus = 'running' | 'completed' | 'interrupted' | 'failed';

export interface RunRecord {
  id: string;
  createdAt: string;
  status: RunStatus;
  /** Absolute path of the config the run came from (used by --resume). */
  configPath: string;
  /** Hash of the expanded plan; resume refuses a changed plan. */
  planHash: string;
  total: number;
  /** CLI options to replay on resume. */
  options: Record<string, unknown>;
  summary?: RunSummary;
  finishedAt?: string;
  /** A name for the run (`--label main`), so later runs can use it as a baseline. */
  label?: string;
  /** The registry project the run belongs to (runs uploaded to `assay serve`); unset for local runs. */
  projectId?: string;
}

/** The typed parts of a run's event stream. The progress bar, JSONL output and (later) SSE all read it. */
export type RunEvent =
  | { type: 'run-start'; runId: string; total: number; skipped: number; resumed: boolean }
  | { type: 'case-result'; result: CaseResult }
  | { type: 'warning'; message: string }
  | { type: 'run-end'; runId: string; status: RunStatus; summary: RunSummary };
