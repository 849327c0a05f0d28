import type { JudgeRecord } from '@assay/spec';
import { askJudge, dataBlock, dataNotice, findJudgeObject, reasoningOf, reasoningSummary, toBoolean, toNumber, unreadable } from './judge-prompt.ts';
import { clampScore, type AssertionSpec, type AsyncCheck, type Invalid, type Outcome } from './outcome.ts';

export function compileLlmRubric(spec: AssertionSpec, invalid: Invalid): AsyncCheck {
  if (typeof spec.value !== 'string' || spec.value.trim() === '') {
    return invalid('value', 'llm-rubric needs the rubric as value', 'Add `value: "The answer is polite and names the capital of France"`.');
  }
  const rubric = spec.value;
  const { threshold, provider } = spec;

  return async (ctx) => {
    const prompt = judgePrompt(rubric, ctx.prompt.text, ctx.output);
    const reply = await askJudge(ctx, 'llm-rubric', { provider, prompt });
    if (!reply.ok) return reply.outcome;
    const judge: JudgeRecord = { provider: reply.provider, prompt, raw: reply.raw };
    const verdict = parseVerdict(reply.raw, threshold);
    if (!verdict) return unreadable(reply.raw, judge);
    judge.reasoning = verdict.reasoning;
    return { ...verdict.outcome, judge };
  };
}

/** The judge prompt. The output is fenced as data so instructions inside it are less likely to be obeyed. */
export function judgePrompt(rubric: string, promptText: string, output: string): string {
  return [
    'You are grading the output of an AI system against a rubric.',
    dataNotice,
    '',
    '<rubric>',
    rubric,
    '</rubric>',
    '',
    dataBlock('prompt', promptText),
    '',
    dataBlock('output', output),
    '',
    'Decide whether the output satisfies the rubric. Reply with only a JSON object, no other text:',
    '{"reasoning": "<one or two sentences>", "pass": <true or false>, "score": <number from 0 to 1>}',
  ].join('\n');
}

function parseVerdict(raw: string, threshold: number | undefined): { outcome: Outcome; reasoning?: string } | undefined {
  const record = findJudgeObject(raw, (candidate) => toBoolean(candidate.pass) !== undefined || toNumber(candidate.score) !== undefined);
  if (record === undefined) return undefined;
  const score = toNumber(record.score);
  const cutoff = threshold ?? 0.5;
  let pass = toBoolean(record.pass) ?? (score as number) >= cutoff;
  const finalScore = clampScore(score ?? (pass ? 1 : 0));
  if (threshold !== undefined && finalScore < threshold) pass = false;
  const reasoning = reasoningOf(record);
  return {
    outcome: {
      pass,
      score: finalScore,
      reason: `Judge: ${pass ? 'pass' : 'fail'} (score ${finalScore}${threshold !== undefined ? `, threshold ${threshold}` : ''}): ${reasoningSummary(reasoning)}`,
    },
    reasoning,
  };
}
