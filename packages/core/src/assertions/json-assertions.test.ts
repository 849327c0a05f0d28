import type { Assertion, AssertionResult } from '@assay/spec';
import { describe, expect, it } from 'vitest';
import type { AssertionContext } from '../assertion-context.ts';
import { compileAssertion } from './index.ts';
import { makeContext } from './test-context.ts';

const schema = { type: 'object', required: ['answer'], properties: { answer: { type: 'string' } } };

const check = (assertion: Assertion, output: string, prompt: Partial<AssertionContext['prompt']> = {}) =>
  compileAssertion(assertion, {}).evaluate(makeContext({ output, prompt })) as AssertionResult;

describe('is-json', () => {
  it('passes valid JSON and fails anything else', () => {
    expect(check({ type: 'is-json' }, ' {"a": 1}\n').pass).toBe(true);
    expect(check({ type: 'is-json' }, '```json\n{"a": 1}\n```').pass).toBe(false);
    expect(check({ type: 'is-json' }, '{"a": 1').reason).toMatch(/^Output "\{\\"a\\": 1" is not valid JSON/);
    expect(check({ type: 'not-is-json' }, 'plain text').pass).toBe(true);
  });

  it('validates against an optional schema, given as an object or a JSON string', () => {
    expect(check({ type: 'is-json', value: schema }, '{"answer": "yes"}').pass).toBe(true);
    expect(check({ type: 'is-json', value: JSON.stringify(schema) }, '{"answer": "yes"}').pass).toBe(true);
    const result = check({ type: 'is-json', value: schema }, '{"answer": 3}');
    expect(result.pass).toBe(false);
    expect(result.reason).toContain('/answer must be string');
  });
});

describe('contains-json', () => {
  it('finds JSON in a fenced block after prose with braces', () => {
    const output = 'Use {name} as a placeholder.\n```json\n{"answer": "yes", "note": "a } in a string"}\n```';
    expect(check({ type: 'contains-json', value: schema }, output).pass).toBe(true);
  });

  it('finds an array', () => {
    expect(check({ type: 'contains-json' }, 'Result: [1, 2, 3] done').pass).toBe(true);
  });

  it('fails without JSON, and explains a schema mismatch', () => {
    expect(check({ type: 'contains-json' }, 'no json {here}').reason).toContain('contains no JSON object or array');
    expect(check({ type: 'contains-json', value: schema }, 'see {"other": 1}').reason).toContain(
      "none matches the schema: / must have required property 'answer'",
    );
  });
});

describe('json-schema', () => {
  it('validates against value', () => {
    expect(check({ type: 'json-schema', value: schema }, '{"answer": "yes"}').pass).toBe(true);
    expect(check({ type: 'json-schema', value: schema }, '{}').pass).toBe(false);
  });

  it("falls back to the prompt's output schema", () => {
    expect(check({ type: 'json-schema' }, '{"answer": "yes"}', { outputSchema: schema }).pass).toBe(true);
    expect(check({ type: 'json-schema' }, '{"answer": 1}', { outputSchema: schema }).pass).toBe(false);
  });

  it('fails with a reason (also in not- form) when there is no schema at all', () => {
    expect(check({ type: 'json-schema' }, '{}').reason).toContain('json-schema has no schema');
    expect(check({ type: 'not-json-schema' }, '{}').pass).toBe(false);
  });

  it('shares one compiled validator across assertions with the same $id', () => {
    const withId = { $id: 'https://example.com/answer', ...schema };
    expect(check({ type: 'json-schema', value: withId }, '{"answer": "a"}').pass).toBe(true);
    expect(check({ type: 'json-schema', value: { ...withId, required: [] } }, '{}').pass).toBe(true);
  });
});
