import type { AssertionContext } from '../assertion-context.ts';
import { dataBlock, dataNotice, rateOnFivePointScale } from './judge-prompt.ts';
import { unevaluable, type AssertionSpec, type AsyncCheck, type Invalid, type Outcome } from './outcome.ts';

// Retrieval (RAG) checks, as promptfoo names them: the retrieved context comes from the case's
// `context` var (a string, or a list of passages), the question from its `query` var (else the
// rendered prompt). Each asks the judge for a 1–5 rating, mapped to 0..1, passing at `threshold`
// (default 0.7: a 4 or a 5).

type ContextType = 'context-faithfulness' | 'context-relevance' | 'context-recall';

const instructions: Record<ContextType, { subject: string; scale: string[] }> = {
  'context-faithfulness': {
    subject: 'Rate faithfulness: is every claim in the output supported by the context? Claims the context does not state count against it, even if they are true.',
    scale: [
      '5 = every claim is supported by the context',
      '4 = nearly everything is supported; a minor detail is not',
      '3 = some claims are supported, some are not',
      '2 = most claims are not in the context',
      '1 = the output contradicts the context or is unrelated to it',
    ],
  },
  'context-relevance': {
    subject: 'Rate relevance: how much of the context is needed to answer the question? Passages about other things count against it.',
    scale: [
      '5 = all of the context bears on the question',
      '4 = most of it does',
      '3 = about half of it does',
      '2 = little of it does',
      '1 = none of it does',
    ],
  },
  'context-recall': {
    subject: 'Rate recall: how much of the expected answer can be found in, or inferred from, the context?',
    scale: ['5 = all of it', '4 = most of it', '3 = about half of it', '2 = little of it', '1 = none of it'],
  },
};

/** The case's retrieved context: `vars.context`, a string or a list of passages. */
function contextOf(ctx: AssertionContext): string | undefined {
  const context = ctx.vars.context;
  if (typeof context === 'string') return context;
  if (Array.isArray(context) && context.every((item) => typeof item === 'string')) return context.map((item, index) => `[${index + 1}] ${item}`).join('\n\n');
  return undefined;
}

export function contextPrompt(type: ContextType, blocks: [tag: string, text: string][]): string {
  const { subject, scale } = instructions[type];
  return [
    'You are rating a retrieval-augmented answer.',
    dataNotice,
    '',
    ...blocks.flatMap(([tag, text]) => [dataBlock(tag, text), '']),
    subject,
    'Use this scale:',
    ...scale,
    'Reply with only a JSON object, no other text:',
    '{"reasoning": "<one or two sentences>", "score": <1, 2, 3, 4 or 5>}',
  ].join('\n');
}

function compileContextCheck(type: ContextType, spec: AssertionSpec, invalid: Invalid): AsyncCheck {
  const threshold = spec.threshold ?? 0.7;
  if (type === 'context-recall') {
    if (typeof spec.value !== 'string' || spec.value.trim() === '') {
      return invalid('value', 'context-recall takes the expected answer as value', 'Write `value: "{{expected}}"` or the answer itself.');
    }
  } else if (spec.value !== undefined) {
    return invalid('value', `${type} takes no value: it reads the case's \`context\` and \`query\` vars`, 'Remove `value`, and give each case a `context` var (and a `query` var for the question).');
  }
  const { provider } = spec;
  const label = type.replace('context-', 'Context ');
  return async (ctx): Promise<Outcome> => {
    const context = contextOf(ctx);
    if (context === undefined) return unevaluable(`${type} needs the retrieved context in the case's \`context\` var (a string or a list of strings)`);
    const question = typeof ctx.vars.query === 'string' ? ctx.vars.query : ctx.prompt.text;
    const blocks: [string, string][] =
      type === 'context-faithfulness'
        ? [['context', context], ['output', ctx.output]]
        : type === 'context-relevance'
          ? [['question', question], ['context', context]]
          : [['context', context], ['reference', spec.value as string]];
    return rateOnFivePointScale(ctx, type, { provider, prompt: contextPrompt(type, blocks) }, threshold, label);
  };
}

export const compileContextFaithfulness = (spec: AssertionSpec, invalid: Invalid) => compileContextCheck('context-faithfulness', spec, invalid);
export const compileContextRelevance = (spec: AssertionSpec, invalid: Invalid) => compileContextCheck('context-relevance', spec, invalid);
export const compileContextRecall = (spec: AssertionSpec, invalid: Invalid) => compileContextCheck('context-recall', spec, invalid);
