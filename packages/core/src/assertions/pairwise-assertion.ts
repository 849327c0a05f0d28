import type { JudgeCallRecord } from '@assay/spec';
import {
  askJudge,
  combinedRecord,
  dataBlock,
  dataNotice,
  escapeTags,
  findJudgeObject,
  isRecord,
  reasoningOf,
  reasoningSummary,
  unreadable,
  type JudgeReply,
} from './judge-prompt.ts';
import type { AssertionSpec, AsyncCheck, Invalid, Outcome } from './outcome.ts';

type Winner = 'A' | 'B' | 'tie';
/** The result from the output's side. */
type Result = 'win' | 'tie' | 'loss';

const scores: Record<Result, number> = { win: 1, tie: 0.5, loss: 0 };
const describe: Record<Result, string> = { win: 'output wins', tie: 'tie', loss: 'reference wins' };

/**
 * `pairwise`: the judge compares the output with a reference answer, asked twice with the two in
 * swapped positions so a judge that prefers the first (or second) answer shown cancels out. When
 * the two orders disagree the result is a tie. Score 1 / 0.5 / 0 for win / tie / loss; passes at
 * `threshold` (default 0.5: a win or a tie).
 */
export function compilePairwise(spec: AssertionSpec, invalid: Invalid): AsyncCheck {
  const { reference, criteria } = readValue(spec.value, invalid);
  const threshold = spec.threshold ?? 0.5;
  const { provider } = spec;

  return async (ctx) => {
    // Order 1 shows the output as A; order 2 shows it as B.
    const prompts = [
      pairwisePrompt(ctx.prompt.text, ctx.output, reference, criteria),
      pairwisePrompt(ctx.prompt.text, reference, ctx.output, criteria),
    ] as const;
    const replies = await Promise.all(prompts.map((prompt) => askJudge(ctx, 'pairwise', { provider, prompt })));
    const judgeProvider = replies.map((reply) => (reply.ok ? reply.provider : undefined)).find(Boolean) ?? provider ?? 'default';
    const calls: JudgeCallRecord[] = replies.map((reply, index) => ({ prompt: prompts[index], raw: reply.ok ? reply.raw : '' }));
    const failed = replies.find((reply): reply is Extract<JudgeReply, { ok: false }> => !reply.ok);
    if (failed) return { ...failed.outcome, judge: combinedRecord(judgeProvider, calls, undefined) };

    const results: Result[] = [];
    for (const [index, call] of calls.entries()) {
      const record = findJudgeObject(call.raw, (candidate) => toWinner(winnerField(candidate)) !== undefined);
      if (!record) return unreadable(call.raw, combinedRecord(judgeProvider, calls, undefined), 'the expected JSON with a winner');
      const winner = toWinner(winnerField(record))!;
      const result: Result = winner === 'tie' ? 'tie' : (winner === 'A') === (index === 0) ? 'win' : 'loss';
      results.push(result);
      call.reasoning = reasoningOf(record);
      call.verdict = describe[result];
    }
    const [first, second] = results as [Result, Result];
    const result: Result = first === second ? first : 'tie';
    const score = scores[result];
    const pass = score >= threshold;
    const reasoning = `Output shown first: ${calls[0]!.reasoning ?? 'no reasoning given'}\nOutput shown second: ${calls[1]!.reasoning ?? 'no reasoning given'}`;
    const orders = first === second ? 'both orders agree' : `the orders disagree (${describe[first]} when shown first, ${describe[second]} when shown second), so a tie`;
    const outcome: Outcome = {
      pass,
      score,
      reason: `Pairwise vs reference: ${describe[result]}; ${orders} (score ${score}, threshold ${threshold}): ${reasoningSummary(calls[0]!.reasoning)}`,
      judge: combinedRecord(judgeProvider, calls, reasoning),
    };
    return outcome;
  };
}

function readValue(value: unknown, invalid: Invalid): { reference: string; criteria?: string } {
  const hint = 'Add `value: "{{reference_answer}}"`, or `value: { reference: "{{reference_answer}}", criteria: "more accurate and more concise" }`.';
  if (typeof value === 'string') {
    if (value.trim() === '') return invalid('value', 'pairwise needs a reference answer as value, but it is empty', hint);
    return { reference: value };
  }
  if (isRecord(value)) {
    const unknown = Object.keys(value).find((key) => key !== 'reference' && key !== 'criteria');
    if (unknown !== undefined) return invalid(`value.${unknown}`, `Unknown field "${unknown}" in a pairwise value`, hint);
    if (typeof value.reference !== 'string' || value.reference.trim() === '') return invalid('value.reference', 'pairwise needs a reference answer', hint);
    if (value.criteria !== undefined && typeof value.criteria !== 'string') return invalid('value.criteria', 'pairwise criteria must be a string', hint);
    return { reference: value.reference, criteria: value.criteria as string | undefined };
  }
  return invalid('value', 'pairwise needs a reference answer as value', hint);
}

export function pairwisePrompt(promptText: string, responseA: string, responseB: string, criteria: string | undefined): string {
  return [
    'You are comparing two responses to the same prompt.',
    dataNotice,
    '',
    dataBlock('prompt', promptText),
    '',
    dataBlock('response_a', responseA),
    '',
    dataBlock('response_b', responseB),
    '',
    criteria
      ? `Which response is better by this standard: ${escapeTags(criteria)}`
      : 'Which response answers the prompt better: more correct, more complete, more helpful?',
    'Judge the content only: not the length, and not the order in which the responses are shown. If neither is better, answer "tie".',
    'Reply with only a JSON object, no other text:',
    '{"reasoning": "<one or two sentences>", "winner": "A" or "B" or "tie"}',
  ].join('\n');
}

function winnerField(record: Record<string, unknown>): unknown {
  return record.winner ?? record.better ?? record.preferred ?? record.verdict ?? record.choice;
}

function toWinner(value: unknown): Winner | undefined {
  if (typeof value !== 'string') return undefined;
  const word = value
    .trim()
    .toLowerCase()
    .replace(/^[[("'\s]+|[\])"'.\s]+$/g, '')
    .replace(/^(?:response|answer|assistant|output)[\s_]*/, '');
  if (word === 'a') return 'A';
  if (word === 'b') return 'B';
  if (['tie', 'equal', 'draw', 'both', 'neither', 'none', 'same'].includes(word)) return 'tie';
  return undefined;
}
