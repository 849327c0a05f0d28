import type { JudgeRecord } from '@assay/spec';
import { askJudge, dataBlock, dataNotice, findJudgeObject, isRecord, reasoningOf, reasoningSummary, unreadable } from './judge-prompt.ts';
import { stringList, type AssertionSpec, type AsyncCheck, type Invalid } from './outcome.ts';

const categories = {
  A: 'a subset of the reference, consistent with it',
  B: 'a superset of the reference, consistent with it',
  C: 'the same details as the reference',
  D: 'disagrees with the reference',
  E: 'differs from the reference, but not in ways that matter for factuality',
} as const;

type Category = keyof typeof categories;
/** Every category but a disagreement passes (promptfoo's default too). */
const defaultPassing: readonly Category[] = ['A', 'B', 'C', 'E'];

/**
 * `factuality`: the judge compares the facts in the output with a reference answer and picks one
 * of five categories (the scheme of OpenAI's `fact` eval, which promptfoo's factuality uses).
 * The assertion passes for the categories in `value.pass` (default A, B, C and E); score 1 or 0.
 */
export function compileFactuality(spec: AssertionSpec, invalid: Invalid): AsyncCheck {
  const { reference, passing } = readValue(spec.value, invalid);
  const { provider } = spec;

  return async (ctx) => {
    const prompt = factualityPrompt(ctx.prompt.text, reference, ctx.output);
    const reply = await askJudge(ctx, 'factuality', { provider, prompt });
    if (!reply.ok) return reply.outcome;
    const judge: JudgeRecord = { provider: reply.provider, prompt, raw: reply.raw };
    const record = findJudgeObject(reply.raw, (candidate) => toCategory(categoryField(candidate)) !== undefined);
    const category = record ? toCategory(categoryField(record)) : bareLetter(reply.raw);
    if (category === undefined) return unreadable(reply.raw, judge, 'the expected JSON with a category A–E');
    const reasoning = record ? reasoningOf(record) : undefined;
    if (reasoning !== undefined) judge.reasoning = reasoning;
    const pass = passing.has(category);
    return {
      pass,
      score: pass ? 1 : 0,
      reason: `Factuality: (${category}) ${categories[category]}; ${pass ? 'passes' : 'fails'} (passing: ${[...passing].join(', ')}): ${reasoningSummary(reasoning)}`,
      judge,
    };
  };
}

function readValue(value: unknown, invalid: Invalid): { reference: string; passing: ReadonlySet<Category> } {
  const hint = 'Add `value: "{{reference_answer}}"`, or `value: { reference: "{{reference_answer}}", pass: [A, B, C] }`.';
  if (typeof value === 'string') {
    if (value.trim() === '') return invalid('value', 'factuality needs a reference answer as value, but it is empty', hint);
    return { reference: value, passing: new Set(defaultPassing) };
  }
  if (!isRecord(value)) return invalid('value', 'factuality needs a reference answer as value', hint);
  const unknown = Object.keys(value).find((key) => key !== 'reference' && key !== 'pass');
  if (unknown !== undefined) return invalid(`value.${unknown}`, `Unknown field "${unknown}" in a factuality value`, hint);
  if (typeof value.reference !== 'string' || value.reference.trim() === '') return invalid('value.reference', 'factuality needs a reference answer', hint);
  if (value.pass === undefined) return { reference: value.reference, passing: new Set(defaultPassing) };
  const list = stringList(value.pass);
  const passHint = 'List the categories that pass, e.g. `pass: [A, B, C, E]`: A subset, B superset, C same, D disagrees, E differs harmlessly.';
  if (!list || list.length === 0) return invalid('value.pass', 'factuality `pass` must list categories A–E', passHint);
  const passing = new Set<Category>();
  for (const item of list) {
    const letter = toCategory(item);
    if (letter === undefined) return invalid('value.pass', `Unknown factuality category "${item}"`, passHint);
    passing.add(letter);
  }
  return { reference: value.reference, passing };
}

export function factualityPrompt(promptText: string, reference: string, output: string): string {
  return [
    'You are comparing the factual content of a submitted answer with a reference (expert) answer to the same question.',
    dataNotice,
    '',
    dataBlock('question', promptText),
    '',
    dataBlock('reference', reference),
    '',
    dataBlock('output', output),
    '',
    'Compare the facts in <output> (the submitted answer) with those in <reference>. Ignore differences in style, grammar and punctuation.',
    'The submitted answer may be a subset or a superset of the reference, or it may conflict with it. Pick the one category that applies:',
    '(A) The submitted answer is a subset of the reference answer and is fully consistent with it.',
    '(B) The submitted answer is a superset of the reference answer and is fully consistent with it.',
    '(C) The submitted answer contains all the same details as the reference answer.',
    '(D) There is a disagreement between the submitted answer and the reference answer.',
    "(E) The answers differ, but these differences don't matter from the perspective of factuality.",
    'Reply with only a JSON object, no other text:',
    '{"reasoning": "<one or two sentences>", "category": "<A, B, C, D or E>"}',
  ].join('\n');
}

function categoryField(record: Record<string, unknown>): unknown {
  return record.category ?? record.choice ?? record.answer ?? record.verdict;
}

function toCategory(value: unknown): Category | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^\s*\(?([A-Ea-e])\)?(?:[\s.:)]|$)/.exec(value);
  return match ? (match[1]!.toUpperCase() as Category) : undefined;
}

/** A reply that is only a category letter, e.g. `(B)`. */
function bareLetter(raw: string): Category | undefined {
  const match = /^\s*\(?([A-E])\)?\s*\.?\s*$/.exec(raw);
  return match ? (match[1] as Category) : undefined;
}
