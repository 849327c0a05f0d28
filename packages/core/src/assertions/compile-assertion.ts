import { ConfigError, assertionTypes, embeddingTypes, modelGradedTypes, type Assertion, type AssertionResult, type AssertionType, type EmbeddingType, type ModelGradedType } from '@assay/spec';
import { distance } from 'fastest-levenshtein';
import type { AssertionContext } from '../assertion-context.ts';
import { compileContract } from './contract-assertion.ts';
import { compileJavascript } from './javascript-assertion.ts';
import { compileContainsJson, compileIsJson, compileJsonSchemaAssertion } from './json-assertions.ts';
import { compileAnswerRelevance } from './answer-relevance-assertion.ts';
import { compileFactuality } from './factuality-assertion.ts';
import { compileJudge, judgeMetricName } from './judge-assertion.ts';
import { compileLlmRubric } from './llm-rubric-assertion.ts';
import { clampScore, unevaluable, type AssertionSpec, type AsyncCheck, type Invalid, type MaybeAsyncCheck, type ModelGradedCompiler, type Outcome, type TypeCompiler } from './outcome.ts';
import { compilePairwise } from './pairwise-assertion.ts';
import { compileRubricCriteria } from './rubric-criteria-assertion.ts';
import { similarCompilers } from './similar-assertion.ts';
import { compileIsRefusal, compileLeaksCanary, compileLeaksPii } from './safety-assertions.ts';
import { compileContains, compileContainsSet, compileEquals, compileLevenshtein, compileRegex, compileStartsWith, compileWordCount } from './text-assertions.ts';
import { compileIsValidToolCall } from './tool-call-assertion.ts';
import { compileTransform } from './output-transform.ts';
import { compileAssertSet } from './assert-set.ts';
import { compileContextFaithfulness, compileContextRecall, compileContextRelevance } from './context-assertions.ts';
import { compileCost, compileFinishReason, compileLatency, compileTokens } from './usage-assertions.ts';

/** An assertion checked and prepared once, ready to evaluate many responses. */
export type CompiledAssertion = {
  readonly assertion: Assertion;
  /** True for types that call a judge model (`llm-rubric`, `pairwise`...); the runner schedules those. */
  readonly modelGraded: boolean;
  /** Synchronous for deterministic types; never throws or rejects (problems become a failed result). */
  evaluate(ctx: AssertionContext): AssertionResult | Promise<AssertionResult>;
};

/** Where the assertion came from, for error messages: `field` is its path, e.g. `tests[3].assert[0]`. */
export interface AssertionLocation {
  file?: string;
  field?: string;
}

type ContextType = 'context-faithfulness' | 'context-relevance' | 'context-recall';

const judgeTypes: Record<Exclude<ModelGradedType, 'judge' | ContextType>, ModelGradedCompiler> = {
  'llm-rubric': compileLlmRubric,
  pairwise: compilePairwise,
  factuality: compileFactuality,
  'answer-relevance': compileAnswerRelevance,
  'rubric-criteria': compileRubricCriteria,
};

/** Types that call a model (a judge, or an embedding model for `similar`). */
const modelGraded: Record<ModelGradedType | EmbeddingType, ModelGradedCompiler> = {
  ...judgeTypes,
  judge: (spec, invalid) => compileJudge(spec, invalid, (type) => judgeTypes[type]),
  'context-faithfulness': compileContextFaithfulness,
  'context-relevance': compileContextRelevance,
  'context-recall': compileContextRecall,
  ...similarCompilers,
};

const deterministic: Record<Exclude<AssertionType, ModelGradedType | EmbeddingType | 'assert-set'>, TypeCompiler> = {
  equals: compileEquals,
  contains: compileContains,
  icontains: compileContains,
  'contains-any': compileContainsSet,
  'icontains-any': compileContainsSet,
  'contains-all': compileContainsSet,
  'icontains-all': compileContainsSet,
  regex: compileRegex,
  'starts-with': compileStartsWith,
  'is-json': compileIsJson,
  'contains-json': compileContainsJson,
  'json-schema': compileJsonSchemaAssertion,
  javascript: compileJavascript,
  levenshtein: compileLevenshtein,
  latency: compileLatency,
  cost: compileCost,
  tokens: compileTokens,
  'is-valid-tool-call': compileIsValidToolCall,
  'is-refusal': compileIsRefusal,
  'leaks-canary': compileLeaksCanary,
  'leaks-pii': compileLeaksPii,
  contract: compileContract,
  'word-count': compileWordCount,
  'finish-reason': compileFinishReason,
};

/** Types whose threshold is a limit in their own unit (distance, ms, USD, tokens) rather than a 0..1 score. */
const limitThresholdTypes: ReadonlySet<AssertionType> = new Set(['levenshtein', 'latency', 'cost', 'tokens', 'similar:euclidean']);

const negationPrefix = 'not-';

/**
 * Validates an assertion and does its per-assertion work once (compiles regexes, JSON Schemas,
 * JavaScript), returning an evaluator for responses.
 *
 * @throws ConfigError for an unknown type, a missing or invalid value, or a threshold out of range.
 * @example
 * const check = compileAssertion({ type: 'not-leaks-canary' }, { file: 'assay.yaml', field: 'tests[0].assert[1]' });
 * const result = check.evaluate(ctx); // { type: 'not-leaks-canary', pass: true, score: 1, ... }
 */
export function compileAssertion(assertion: Assertion, where: AssertionLocation): CompiledAssertion {
  const invalid: Invalid = (field, message, hint) => {
    throw new ConfigError(message, {
      file: where.file,
      field: where.field ? `${where.field}.${field}` : field,
      hint,
      docs: 'assertions.md',
    });
  };

  const fullType = assertion.type;
  const negated = fullType.startsWith(negationPrefix);
  const baseType = negated ? fullType.slice(negationPrefix.length) : fullType;
  if (!isAssertionType(baseType)) {
    return invalid('type', `Unknown assertion type "${fullType}"`, unknownTypeHint(fullType, negated, baseType));
  }

  const weight = assertion.weight ?? 1;
  if (!Number.isFinite(weight) || weight < 0) invalid('weight', `weight must be a number >= 0 (got ${weight})`, 'Use `weight: 0` for an informational assertion, 1 (the default) or more to count it more.');
  checkThreshold(baseType, assertion.threshold, invalid);

  const embedding = embeddingTypes.includes(baseType);
  const { provider } = assertion;
  if (typeof provider === 'object' && !embedding) {
    invalid('provider', `${baseType} takes provider as a provider id`, 'Write `provider: openai:gpt-4o-mini`; `{ id, config }` names the embedding model of `similar`.');
  }
  const spec: AssertionSpec = { type: baseType, value: assertion.value, threshold: assertion.threshold, provider: typeof provider === 'string' ? provider : undefined };
  if (embedding && provider !== undefined) spec.embeddingProvider = provider;
  const required = assertion.required ?? weight > 0;
  const metric = assertion.metric ?? (baseType === 'judge' ? judgeMetricName(assertion.value, negated) : undefined);
  const finish = (outcome: Outcome): AssertionResult => {
    let { pass, score, reason } = outcome;
    score = clampScore(score);
    if (negated && !outcome.unevaluable) {
      pass = !pass;
      score = 1 - score;
      if (!pass) reason = `Not expected: ${reason}`;
    }
    const result: AssertionResult = { type: fullType, pass, score, reason, weight, required };
    if (metric !== undefined) result.metric = metric;
    if (outcome.judge) result.judge = outcome.judge;
    if (outcome.unevaluable) result.unevaluable = true;
    return result;
  };
  const crashed = (error: unknown) =>
    finish(unevaluable(`${baseType} could not be evaluated: ${error instanceof Error ? error.message.slice(0, 200) : 'unknown error'}`));

  // `transform` first: the assertion checks what it returns instead of the raw output.
  const transform = assertion.transform === undefined ? undefined : compileTransform(assertion.transform, invalid);
  const transformed = <T extends MaybeAsyncCheck>(check: T): T | AsyncCheck =>
    transform ? async (ctx) => {
      const result = await transform(ctx);
      return 'problem' in result ? unevaluable(result.problem) : check({ ...ctx, output: result.text, transformed: result.value });
    } : check;

  if (modelGradedTypes.includes(baseType) || embedding) {
    const check: AsyncCheck = transformed(modelGraded[baseType as ModelGradedType | EmbeddingType](spec, invalid));
    return {
      assertion,
      modelGraded: true,
      evaluate: async (ctx) => {
        try {
          return finish(await check(ctx));
        } catch (error) {
          return crashed(error);
        }
      },
    };
  }

  // A set is deterministic unless one of its assertions is model-graded; either way it may be async.
  const set =
    baseType === 'assert-set'
      ? compileAssertSet(assertion, invalid, (child, index) => compileAssertion(child, { ...where, field: `${where.field ? `${where.field}.` : ''}assert[${index}]` }))
      : undefined;
  const check: MaybeAsyncCheck = transformed(set ? set.check : deterministic[baseType as Exclude<AssertionType, ModelGradedType | EmbeddingType | 'assert-set'>](spec, invalid));
  return {
    assertion,
    modelGraded: set?.modelGraded ?? false,
    evaluate: (ctx) => {
      try {
        const outcome = check(ctx);
        return outcome instanceof Promise ? outcome.then(finish, crashed) : finish(outcome);
      } catch (error) {
        return crashed(error);
      }
    },
  };
}

function isAssertionType(type: string): type is AssertionType {
  return (assertionTypes as readonly string[]).includes(type);
}

function checkThreshold(type: AssertionType, threshold: number | undefined, invalid: Invalid): void {
  if (threshold === undefined) return;
  if (limitThresholdTypes.has(type)) {
    if (!Number.isFinite(threshold) || threshold < 0) {
      invalid('threshold', `${type} threshold must be a number >= 0 (got ${threshold})`, `For ${type}, threshold is the maximum allowed ${limitUnit(type)}.`);
    }
    return;
  }
  if (!(threshold >= 0 && threshold <= 1)) {
    invalid('threshold', `${type} threshold must be between 0 and 1 (got ${threshold})`, 'Thresholds of scored assertions are scores from 0 to 1, e.g. `threshold: 0.8`.');
  }
}

function limitUnit(type: AssertionType): string {
  return { levenshtein: 'edit distance', latency: 'milliseconds', cost: 'cost in USD', tokens: 'total tokens', 'similar:euclidean': 'embedding distance' }[type as string] ?? 'value';
}

function unknownTypeHint(fullType: string, negated: boolean, baseType: string): string {
  const nearest = nearestType(baseType);
  const list = `Known types: ${assertionTypes.join(', ')} (each also as not-<type>).`;
  if (nearest === undefined) return list;
  return `Did you mean "${negated ? negationPrefix : ''}${nearest}"? ${list}`;
}

function nearestType(type: string): AssertionType | undefined {
  const lower = type.toLowerCase();
  let best: AssertionType | undefined;
  let bestDistance = Infinity;
  for (const candidate of assertionTypes) {
    const d = distance(lower, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(type.length / 3)) ? best : undefined;
}
