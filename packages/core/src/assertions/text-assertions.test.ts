import type { Assertion, AssertionResult } from '@assay/spec';
import { describe, expect, it } from 'vitest';
import { compileAssertion } from './index.ts';
import { makeContext } from './test-context.ts';

const check = (assertion: Assertion, output: string) =>
  compileAssertion(assertion, {}).evaluate(makeContext({ output })) as AssertionResult;

describe.each<[string, Assertion, string, string]>([
  ['equals (string)', { type: 'equals', value: 'Paris' }, 'Paris', 'Paris.'],
  ['equals (number value)', { type: 'equals', value: 42 }, '42', '42.0'],
  ['equals (JSON, key order free)', { type: 'equals', value: { a: 1, b: [1, 2] } }, '{"b":[1,2],"a":1}', '{"a":1,"b":[2,1]}'],
  ['contains', { type: 'contains', value: 'Paris' }, 'It is Paris.', 'It is paris.'],
  ['icontains', { type: 'icontains', value: 'PARIS' }, 'It is paris.', 'It is Lyon.'],
  ['contains-any (list)', { type: 'contains-any', value: ['cat', 'dog'] }, 'a dog', 'a bird'],
  ['contains-any (comma string)', { type: 'contains-any', value: 'cat, dog' }, 'a cat', 'a bird'],
  ['icontains-any', { type: 'icontains-any', value: ['CAT', 'DOG'] }, 'a Dog', 'a bird'],
  ['contains-all', { type: 'contains-all', value: ['cat', 'dog'] }, 'cat and dog', 'cat only'],
  ['icontains-all', { type: 'icontains-all', value: 'CAT,DOG' }, 'Cat and dog', 'cat only'],
  ['regex', { type: 'regex', value: '^Answer: \\d+$' }, 'Answer: 42', 'Answer: forty-two'],
  ['regex with an inline flag', { type: 'regex', value: '^(?i:answer)' }, 'ANSWER: 1', 'The answer'],
  ['starts-with', { type: 'starts-with', value: 'Dear' }, 'Dear Ann', 'Hi Ann, Dear'],
  ['levenshtein', { type: 'levenshtein', value: 'kitten', threshold: 3 }, 'sitting', 'sitting on a mat'],
  ['levenshtein default distance 5', { type: 'levenshtein', value: 'hello world' }, 'helo wrld', 'goodbye moon'],
])('%s', (_name, assertion, passing, failing) => {
  it('passes', () => {
    expect(check(assertion, passing)).toMatchObject({ pass: true, score: 1 });
  });
  it('fails with a reason', () => {
    const result = check(assertion, failing);
    expect(result).toMatchObject({ pass: false, score: 0 });
    expect(result.reason.length).toBeGreaterThan(10);
  });
  it('inverts with not-', () => {
    const negated = { ...assertion, type: `not-${assertion.type}` };
    expect(check(negated, passing).pass).toBe(false);
    expect(check(negated, failing).pass).toBe(true);
  });
});

describe('text assertion details', () => {
  it('regex reads /a/g as the pattern itself, as promptfoo does (slashes included), the same every time', () => {
    const compiled = compileAssertion({ type: 'regex', value: '/a/g' }, {});
    expect((compiled.evaluate(makeContext({ output: 'a' })) as AssertionResult).pass).toBe(false);
    const ctx = makeContext({ output: 'see /a/g here' });
    expect([1, 2, 3].map(() => (compiled.evaluate(ctx) as AssertionResult).pass)).toEqual([true, true, true]);
  });

  it('contains-all names what is missing', () => {
    expect(check({ type: 'contains-all', value: ['cat', 'dog', 'eel'] }, 'cat').reason).toBe('Output is missing "dog", "eel"');
  });

  it('equals with an object value fails cleanly on non-JSON output', () => {
    expect(check({ type: 'equals', value: { a: 1 } }, 'not json').reason).toContain('is not valid JSON');
  });

  it('truncates quoted output in reasons', () => {
    const result = check({ type: 'starts-with', value: 'Dear' }, 'x'.repeat(10_000));
    expect(result.reason.length).toBeLessThan(200);
    expect(result.reason).toContain('(10000 chars)');
  });
});
