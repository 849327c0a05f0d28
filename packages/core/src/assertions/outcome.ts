import type { AssertionType, EmbeddingProviderRef, JudgeRecord } from '@assay/spec';
import type { AssertionContext } from '../assertion-context.ts';

/** What one assertion type decides about one response, before `not-`, weight and metric apply. */
export interface Outcome {
  pass: boolean;
  /** 0..1 */
  score: number;
  reason: string;
  /**
   * The assertion could not be evaluated (no price known, judge unavailable, code threw...).
   * Such an outcome fails in its `not-` form too.
   */
  unevaluable?: boolean;
  judge?: JudgeRecord;
}

export type SyncCheck = (ctx: AssertionContext) => Outcome;
export type AsyncCheck = (ctx: AssertionContext) => Promise<Outcome>;
/** Deterministic checks are synchronous, except those that run elsewhere (the javascript sandbox). */
export type MaybeAsyncCheck = (ctx: AssertionContext) => Outcome | Promise<Outcome>;

/** An assertion as a type compiler sees it: the type without its `not-` prefix. */
export interface AssertionSpec {
  type: AssertionType;
  value: unknown;
  threshold: number | undefined;
  provider: string | undefined;
  /** `similar`: the embedding model as written (an id, or `{ id, config }`). */
  embeddingProvider?: EmbeddingProviderRef;
}

/** Throws a ConfigError about `field` (`value`, `threshold`...) of the assertion being compiled. */
export type Invalid = (field: string, message: string, hint: string) => never;

export type TypeCompiler = (spec: AssertionSpec, invalid: Invalid) => MaybeAsyncCheck;
export type ModelGradedCompiler = (spec: AssertionSpec, invalid: Invalid) => AsyncCheck;

export function passed(reason: string, score = 1): Outcome {
  return { pass: true, score, reason };
}

export function failed(reason: string, score = 0): Outcome {
  return { pass: false, score, reason };
}

export function unevaluable(reason: string): Outcome {
  return { pass: false, score: 0, reason, unevaluable: true };
}

export function verdict(pass: boolean, passReason: string, failReason: string): Outcome {
  return pass ? passed(passReason) : failed(failReason);
}

const quoteLimit = 100;

/** A short, quoted excerpt of `text` for a reason. */
export function quote(text: string, limit = quoteLimit): string {
  const excerpt = text.length > limit ? `${text.slice(0, limit)}…` : text;
  return JSON.stringify(excerpt).replace(/\\u2026"$/, '…"');
}

/** Describes an output for a reason without quoting megabytes of it. */
export function describeOutput(output: string): string {
  if (output === '') return 'Output is empty';
  return `Output ${quote(output)}${output.length > quoteLimit ? ` (${output.length} chars)` : ''}`;
}

export function clampScore(score: number): number {
  if (Number.isNaN(score)) return 0;
  return Math.min(1, Math.max(0, score));
}

/** A string, or each string of a list, or a comma-separated string split into a list. */
export function stringList(value: unknown): string[] | undefined {
  if (typeof value === 'string') {
    return value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
  }
  if (Array.isArray(value) && value.every((item) => ['string', 'number', 'boolean'].includes(typeof item))) {
    return value.map(String);
  }
  return undefined;
}

/** Strict JSON.parse that reports failure instead of throwing. */
export function parseJson(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}
