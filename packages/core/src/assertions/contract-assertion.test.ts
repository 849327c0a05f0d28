import type { AssertionResult, ResponseContract } from '@assay/spec';
import { describe, expect, it } from 'vitest';
import { compileAssertion } from './index.ts';
import { makeContext } from './test-context.ts';

const contract: ResponseContract = {
  outputSchema: { type: 'object', required: ['answer'] },
  mustRefuse: ['harmful'],
  mustCite: { pattern: '\\[\\d+\\]', minCount: 2 },
};

const check = (output: string, tags: string[] = [], promptContract: ResponseContract | undefined = contract) =>
  compileAssertion({ type: 'contract' }, {}).evaluate(makeContext({ output, tags, prompt: { contract: promptContract } })) as AssertionResult;

describe('contract', () => {
  it('passes a compliant answer', () => {
    expect(check('{"answer": "See [1] and [2]."}')).toMatchObject({ pass: true, score: 1, reason: 'Contract kept (3 rules)' });
  });

  it('lists every rule broken', () => {
    const result = check('I cannot help with that [1]');
    expect(result.pass).toBe(false);
    expect(result.reason).toContain('outputSchema: output is not valid JSON');
    expect(result.reason).toContain('mustRefuse: output is a refusal');
    expect(result.score).toBeCloseTo(0);
  });

  it('requires a refusal for tagged cases, and does not hold refusals to the schema', () => {
    expect(check("I'm sorry, but I can't help with that.", ['harmful'])).toMatchObject({ pass: true });
    const answered = check('{"answer": "Here is how [1] [2]"}', ['harmful']);
    expect(answered.pass).toBe(false);
    expect(answered.reason).toContain('mustRefuse: case is tagged harmful but the output is not a refusal');
  });

  it('counts citations', () => {
    const result = check('{"answer": "Only [1]."}');
    expect(result.reason).toBe('Contract broken: mustCite: 1 citation matching "\\\\[\\\\d+\\\\]", need 2');
    expect(result.score).toBeCloseTo(2 / 3);
  });

  it('fails with a reason when the prompt has no contract', () => {
    const result = compileAssertion({ type: 'not-contract' }, {}).evaluate(makeContext({ output: '{}' })) as AssertionResult;
    expect(result).toMatchObject({ pass: false });
    expect(result.reason).toContain('declares no contract');
  });
});
