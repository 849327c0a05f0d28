import type { CompiledAssertion, PromptTemplate } from '@assay/core';
import type { Gate, ProviderConfig, Suite } from '@assay/spec';
import type { CaseList } from './case-list.ts';

export interface ResolvedCase {
  /** Explicit `id`, else a hash of vars and assertions (stable across runs). */
  id: string;
  index: number;
  description?: string;
  vars: Record<string, unknown>;
  tags: string[];
  threshold?: number;
  /** The case's `metadata:` (promptfoo's `--filter-metadata` selects on it). */
  metadata?: Readonly<Record<string, unknown>>;
  /** Case assertions followed by the suite's defaults. */
  assertions: CompiledAssertion[];
  /** Where the case came from, e.g. `datasets/golden.jsonl:12`. */
  source: string;
  /** Labels of the providers the case runs on, when it names some (`providers:`); else every provider. */
  providers?: readonly string[];
}

export interface ResolvedProvider extends ProviderConfig {
  label: string;
}

/** A suite with its files read, prompts compiled, assertions compiled and everything validated. */
export interface ResolvedSuite {
  file: string;
  directory: string;
  format: 'assay' | 'promptfoo';
  description?: string;
  prompts: PromptTemplate[];
  /** Assertions a prompt adds to every case (its response contract), by prompt id. */
  promptAssertions: Record<string, CompiledAssertion[]>;
  providers: ResolvedProvider[];
  /** Read again on each pass (datasets are streamed); `cases.length` is the count. */
  cases: CaseList;
  repeat: number;
  threshold?: number;
  gate?: Gate;
  /** Absolute paths of the result files the suite asks for (`output:`); `-o` replaces them. */
  output: string[];
  /** The suite's `server:` block: where and whether to upload its runs. */
  server?: Suite['server'];
  /**
   * Metrics graded by a judge file (`type: judge`), by metric name: where the judge is defined and,
   * when `assay judge calibrate` has been run on it, its measured error rates.
   */
  judges: Record<string, JudgeInfo>;
  options: Suite['options'];
  /** Variables for the providers from the config (promptfoo's `env:`), over the process's own. */
  env?: Record<string, string>;
  prices?: Suite['prices'];
  warnings: string[];
}

/** A judge file used in the suite, and its calibration against human labels when there is one. */
export interface JudgeInfo {
  file: string;
  calibration?: { sensitivity: number; specificity: number; positives: number; negatives: number; labelsFile: string; createdAt: string };
}
