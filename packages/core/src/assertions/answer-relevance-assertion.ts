import { dataBlock, dataNotice, rateOnFivePointScale } from './judge-prompt.ts';
import type { AssertionSpec, AsyncCheck, Invalid } from './outcome.ts';

/**
 * `answer-relevance`: the judge rates how directly and completely the output answers the question
 * (`value`, or the rendered prompt when there is none) on a 1–5 scale, mapped to 0..1. Passes at
 * `threshold` (default 0.7: a 4 or a 5). Correctness is not judged here; use `factuality`.
 */
export function compileAnswerRelevance(spec: AssertionSpec, invalid: Invalid): AsyncCheck {
  if (spec.value !== undefined && (typeof spec.value !== 'string' || spec.value.trim() === '')) {
    return invalid('value', 'answer-relevance takes the question as value (a string), or no value to use the prompt', 'Write `value: "{{question}}"`, or leave value out.');
  }
  const question = spec.value as string | undefined;
  const threshold = spec.threshold ?? 0.7;
  const { provider } = spec;

  return (ctx) => rateOnFivePointScale(ctx, 'answer-relevance', { provider, prompt: answerRelevancePrompt(question ?? ctx.prompt.text, ctx.output) }, threshold, 'Answer relevance');
}

export function answerRelevancePrompt(question: string, output: string): string {
  return [
    'You are rating how well a response answers a question.',
    dataNotice,
    '',
    dataBlock('question', question),
    '',
    dataBlock('output', output),
    '',
    'Rate relevance only: does the response address what was asked, directly and completely, without drifting to other topics?',
    'Do not judge whether its facts are correct, nor its style. Use this scale:',
    '5 = answers the question directly and completely',
    '4 = answers it, with minor gaps or some material that was not asked for',
    '3 = answers part of it',
    '2 = mostly about something else; touches the question only in passing',
    '1 = does not answer the question (off-topic, a refusal, or empty)',
    'Reply with only a JSON object, no other text:',
    '{"reasoning": "<one or two sentences>", "score": <1, 2, 3, 4 or 5>}',
  ].join('\n');
}
