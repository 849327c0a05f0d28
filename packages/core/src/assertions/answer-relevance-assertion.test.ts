import type { Assertion } from '@assay/spec';
import { describe, expect, it } from 'vitest';
import { fakeJudge } from './fake-judge.ts';
import { compileAssertion } from './index.ts';
import { makeContext } from './test-context.ts';

async function run(reply: string, extra: Partial<Assertion> = {}) {
  const judge = fakeJudge(reply);
  const result = await compileAssertion({ type: 'answer-relevance', ...extra }, {}).evaluate(
    makeContext({ output: 'Open Settings, then Billing.', prompt: { text: 'user: How do I change my card?' }, grade: judge.grade }),
  );
  return { result, calls: judge.calls };
}

describe('answer-relevance', () => {
  it('uses the rendered prompt as the question and maps 1–5 to 0..1', async () => {
    const { result, calls } = await run('{"reasoning": "Direct answer.", "score": 5}');
    expect(calls[0]!.prompt).toContain('<question>\nuser: How do I change my card?\n</question>');
    expect(calls[0]!.prompt).toContain('<output>\nOpen Settings, then Billing.\n</output>');
    expect(result).toMatchObject({ type: 'answer-relevance', pass: true, score: 1, reason: 'Answer relevance 5/5 = 1 (threshold 0.7): "Direct answer."' });
  });

  it('uses value as the question when given', async () => {
    const { calls } = await run('{"score": 4}', { value: 'How do I update my payment method?' });
    expect(calls[0]!.prompt).toContain('<question>\nHow do I update my payment method?\n</question>');
  });

  it('passes at the threshold (default 0.7: a 4 or a 5)', async () => {
    expect((await run('{"score": 4}')).result).toMatchObject({ pass: true, score: 0.75 });
    expect((await run('{"score": "3"}')).result).toMatchObject({ pass: false, score: 0.5 });
    expect((await run('{"score": 3}', { threshold: 0.5 })).result.pass).toBe(true);
    expect((await run('{"score": 1}')).result).toMatchObject({ pass: false, score: 0 });
  });

  it('fails unevaluable on a score outside 1–5, garbage, or a failed call', async () => {
    expect((await run('{"score": 0.8}')).result).toMatchObject({ pass: false, unevaluable: true, reason: expect.stringContaining('a score from 1 to 5') });
    expect((await run('Relevant!')).result).toMatchObject({ pass: false, unevaluable: true });
    const failed = await compileAssertion({ type: 'answer-relevance' }, {}).evaluate(makeContext({ grade: async () => Promise.reject(new Error('boom')) }));
    expect(failed).toMatchObject({ pass: false, unevaluable: true, reason: 'Judge call failed: boom' });
  });

  it('rejects a non-string question when the suite loads', () => {
    expect(() => compileAssertion({ type: 'answer-relevance', value: { q: 1 } }, {})).toThrow(/takes the question as value/);
  });
});
