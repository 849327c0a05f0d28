import type { Assertion } from '@assay/spec';
import { ConfigError } from '@assay/spec';
import { describe, expect, it } from 'vitest';
import { compileAssertion } from './index.ts';
import { makeContext } from './test-context.ts';
import { fakeJudge } from './fake-judge.ts';

const run = (assertion: Assertion, output: string) => Promise.resolve(compileAssertion(assertion, {}).evaluate(makeContext({ output })));

describe('assert-set', () => {
  const set: Assertion = {
    type: 'assert-set',
    assert: [
      { type: 'icontains', value: 'refund' },
      { type: 'icontains', value: 'sorry', weight: 3 },
      { type: 'not-icontains', value: 'lawyer' },
    ],
  };

  it('passes when every required assertion in it passes, scored by the weighted mean', async () => {
    expect(await run(set, 'Sorry, your refund is on its way.')).toMatchObject({ type: 'assert-set', pass: true, score: 1, reason: '3/3 assertions of the set passed' });
    const partly = await run(set, 'Your refund is on its way.');
    expect(partly).toMatchObject({ pass: false, score: 0.4 });
    expect(partly.reason).toMatch(/^2\/3 assertions of the set passed: icontains: Output does not contain "sorry"/);
  });

  it('with a threshold, passes when the score reaches it; the not- form and weight apply to the set', async () => {
    expect(await run({ ...set, threshold: 0.3 }, 'Your refund is on its way.')).toMatchObject({ pass: true, score: 0.4 });
    expect((await run({ ...set, threshold: 0.5 }, 'Your refund is on its way.')).reason).toMatch(/score 0\.40 < 0\.5/);
    expect(await run({ ...set, type: 'not-assert-set', weight: 2 }, 'Call my lawyer.')).toMatchObject({ type: 'not-assert-set', pass: true, weight: 2 });
  });

  it('holds model-graded assertions, and sets inside sets', async () => {
    const nested: Assertion = { type: 'assert-set', assert: [{ type: 'llm-rubric', value: 'polite' }, { type: 'assert-set', assert: [{ type: 'contains', value: 'a' }] }] };
    const compiled = compileAssertion(nested, {});
    expect(compiled.modelGraded).toBe(true);
    const judge = fakeJudge(JSON.stringify({ reasoning: 'polite enough', pass: true, score: 1 }));
    const result = await compiled.evaluate(makeContext({ output: 'a reply', grade: judge.grade }));
    expect(result).toMatchObject({ pass: true, score: 1 });
    expect(result.judge?.raw).toContain('polite enough');
  });

  it('names the assertion inside the set that is wrong, and a set without assertions', () => {
    const error = (assertion: Assertion) => {
      try {
        compileAssertion(assertion, { file: 'suite.yaml', field: 'tests[0].assert[2]' });
      } catch (caught) {
        return caught as ConfigError;
      }
      throw new Error('expected a ConfigError');
    };
    expect(error({ type: 'assert-set', assert: [{ type: 'contains', value: 'x' }, { type: 'regex', value: '(' }] })).toMatchObject({ field: 'tests[0].assert[2].assert[1].value' });
    expect(error({ type: 'assert-set' }).message).toMatch(/needs a list of assertions under `assert`/);
    expect(ConfigError.isInstance(error({ type: 'assert-set', value: 'x', assert: [{ type: 'contains', value: 'x' }] }))).toBe(true);
  });
});
