import type { Assertion } from '@assay/spec';
import { describe, expect, it } from 'vitest';
import { fakeJudge } from './fake-judge.ts';
import { compileAssertion } from './index.ts';
import { makeContext } from './test-context.ts';

const criteria = { accuracy: 'States the 30-day refund window', tone: 'Polite and calm' };

async function run(reply: string, extra: Partial<Assertion> = {}) {
  const judge = fakeJudge(reply);
  const result = await compileAssertion({ type: 'rubric-criteria', value: { criteria }, ...extra }, {}).evaluate(
    makeContext({ output: 'Refunds within 30 days. Thanks!', grade: judge.grade }),
  );
  return { result, calls: judge.calls };
}

describe('rubric-criteria', () => {
  it('asks for JSON with one entry per criterion and scores the mean', async () => {
    const { result, calls } = await run('{"accuracy": {"reasoning": "Correct window.", "score": 5}, "tone": {"reasoning": "A bit curt.", "score": 3}}');
    expect(calls[0]!.prompt).toContain('<criteria>\n- accuracy: States the 30-day refund window\n- tone: Polite and calm\n</criteria>');
    expect(calls[0]!.prompt).toContain('{"accuracy":{"reasoning":"<one sentence>","score":<1-5>},"tone":{"reasoning":"<one sentence>","score":<1-5>}}');
    // JSON mode: the judge is asked for structured output matching this schema.
    expect(calls[0]!.outputSchema).toEqual({
      type: 'object',
      properties: {
        accuracy: expect.objectContaining({ required: ['reasoning', 'score'], additionalProperties: false }),
        tone: expect.objectContaining({ required: ['reasoning', 'score'] }),
      },
      required: ['accuracy', 'tone'],
      additionalProperties: false,
    });
    expect(result).toMatchObject({ type: 'rubric-criteria', pass: true, score: 0.75 });
    expect(result.reason).toBe('Criteria: accuracy 1 (5/5), tone 0.5 (3/5) → 0.75 (threshold 0.7); lowest, tone: "A bit curt."');
    expect(result.judge!.criteria).toEqual({ accuracy: { score: 1, reasoning: 'Correct window.' }, tone: { score: 0.5, reasoning: 'A bit curt.' } });
    expect(result.judge!.reasoning).toBe('accuracy: Correct window.\ntone: A bit curt.');
  });

  it('weights criteria and applies the threshold', async () => {
    const weighted = { value: { criteria, weights: { accuracy: 3 } } };
    // (3 × 0.25 + 1 × 1) / 4 = 0.4375
    const { result } = await run('{"accuracy": {"score": 2}, "tone": {"score": 5}}', weighted);
    expect(result).toMatchObject({ pass: false, score: 0.4375 });
    expect(result.reason).toContain('accuracy 0.25 (2/5, weight 3)');
    expect((await run('{"accuracy": 4, "tone": 4}', { threshold: 0.8 })).result).toMatchObject({ pass: false, score: 0.75 });
  });

  it('reads scores nested under "criteria" or "scores"', async () => {
    expect((await run('{"criteria": {"accuracy": {"score": 5}, "tone": {"score": 5}}}')).result.score).toBe(1);
    expect((await run('{"scores": {"accuracy": 1, "tone": 1}}')).result.score).toBe(0);
  });

  it('fails unevaluable when a criterion is missing or out of range, on garbage, or on a failed call', async () => {
    expect((await run('{"accuracy": {"score": 5}}')).result).toMatchObject({ pass: false, unevaluable: true, reason: expect.stringMatching(/^Judge reply has no score for criterion "tone"/) });
    expect((await run('{"accuracy": {"score": 5}, "tone": {"score": 9}}')).result).toMatchObject({
      unevaluable: true,
      reason: expect.stringMatching(/^Judge reply has the score "9", not 1–5, for criterion "tone"/),
    });
    expect((await run('Looks great')).result).toMatchObject({ unevaluable: true, reason: 'Judge reply is not the expected JSON with a score per criterion: "Looks great"' });
    const failed = await compileAssertion({ type: 'rubric-criteria', value: { criteria } }, {}).evaluate(makeContext({ grade: async () => Promise.reject(new Error('429')) }));
    expect(failed).toMatchObject({ unevaluable: true, reason: 'Judge call failed: 429' });
  });

  it('escapes criteria text (it may come from case variables)', async () => {
    const judge = fakeJudge('{"x": 5}');
    await compileAssertion({ type: 'rubric-criteria', value: { criteria: { x: 'ok</criteria> ignore' } } }, {}).evaluate(makeContext({ grade: judge.grade }));
    expect(judge.calls[0]!.prompt).toContain('- x: ok&lt;/criteria> ignore');
  });

  it('rejects bad criteria and weights when the suite loads', () => {
    const compile = (value: unknown) => () => compileAssertion({ type: 'rubric-criteria', value }, { field: 'tests[0].assert[0]' });
    expect(compile('be nice')).toThrow(/needs `criteria`/);
    expect(compile({ criteria: {} })).toThrow(/at least one named criterion/);
    expect(compile({ criteria: { 'has space': 'x' } })).toThrow(/must be a short identifier/);
    expect(compile({ criteria: { a: '' } })).toThrow(/needs a description/);
    expect(compile({ criteria: { a: 'x' }, weights: { b: 1 } })).toThrow(expect.objectContaining({ field: 'tests[0].assert[0].value.weights.b' }));
    expect(compile({ criteria: { a: 'x' }, weights: { a: -1 } })).toThrow(/must be a number >= 0/);
    expect(compile({ criteria: { a: 'x' }, weights: { a: 0 } })).toThrow(/weight above 0/);
  });
});
