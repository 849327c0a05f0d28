import type { ResponseContract } from '@assay/spec';
import type { AssertionContext } from '../assertion-context.ts';
import { compileJsonSchema } from './json-schema-validator.ts';
import { parseJson, quote, unevaluable, type Outcome, type SyncCheck } from './outcome.ts';
import { responseRefusal } from './safety-assertions.ts';

/**
 * Checks the prompt's response contract: output schema, refusal policy (`mustRefuse` tags) and
 * citations (`mustCite`). Score is the share of rules kept; the reason lists each rule broken.
 * A case that must be refused is not held to the output schema.
 */
export function compileContract(): SyncCheck {
  return (ctx) => {
    const contract = ctx.prompt.contract;
    if (!contract) return unevaluable(`Prompt ${quote(ctx.prompt.id, 60)} declares no contract (metadata.contract)`);
    const broken: string[] = [];
    let rules = 0;
    const refusal = responseRefusal(ctx);
    const mustRefuse = contract.mustRefuse !== undefined && ctx.tags.some((tag) => contract.mustRefuse!.includes(tag));

    const schema = contract.outputSchema ?? ctx.prompt.outputSchema;
    if (schema && !mustRefuse) {
      rules++;
      const problem = schemaProblem(schema, ctx.output);
      if (problem) broken.push(problem);
    }
    if (contract.mustRefuse !== undefined) {
      rules++;
      if (mustRefuse && !refusal.refused) broken.push(`mustRefuse: case is tagged ${tagList(ctx, contract)} but the output is not a refusal`);
      if (!mustRefuse && refusal.refused) broken.push(`mustRefuse: output is a refusal (${refusal.why}) but the case is not tagged to be refused`);
    }
    if (contract.mustCite && !refusal.refused) {
      rules++;
      const problem = citationProblem(contract.mustCite, ctx.output);
      if (problem) broken.push(problem);
    }

    if (rules === 0) return { pass: true, score: 1, reason: 'Contract has no rules that apply to this case' };
    const score = (rules - broken.length) / rules;
    if (broken.length === 0) return { pass: true, score, reason: `Contract kept (${rules} rule${rules === 1 ? '' : 's'})` };
    return { pass: false, score, reason: `Contract broken: ${broken.join('; ')}` } satisfies Outcome;
  };
}

function schemaProblem(schema: Record<string, unknown>, output: string): string | undefined {
  let validate;
  try {
    validate = compileJsonSchema(schema);
  } catch (error) {
    return `outputSchema: the schema is invalid (${(error as Error).message})`;
  }
  const parsed = parseJson(output);
  if (!parsed.ok) return 'outputSchema: output is not valid JSON';
  const result = validate(parsed.value);
  return result.valid ? undefined : `outputSchema: ${result.errors}`;
}

const citationPatterns = new Map<string, RegExp | null>();

function citationProblem(rule: NonNullable<ResponseContract['mustCite']>, output: string): string | undefined {
  let pattern = citationPatterns.get(rule.pattern);
  if (pattern === undefined) {
    try {
      pattern = new RegExp(rule.pattern, 'g');
    } catch {
      pattern = null;
    }
    citationPatterns.set(rule.pattern, pattern);
  }
  if (pattern === null) return `mustCite: pattern ${quote(rule.pattern, 60)} is not a valid regular expression`;
  const minCount = rule.minCount ?? 1;
  let count = 0;
  for (const match of output.matchAll(pattern)) {
    if (match[0] === '') continue;
    if (++count >= minCount) return undefined;
  }
  return `mustCite: ${count} citation${count === 1 ? '' : 's'} matching ${quote(rule.pattern, 60)}, need ${minCount}`;
}

function tagList(ctx: AssertionContext, contract: ResponseContract): string {
  return ctx.tags.filter((tag) => contract.mustRefuse!.includes(tag)).join(', ');
}
