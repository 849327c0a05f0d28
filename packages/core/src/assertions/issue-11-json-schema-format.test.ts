import type { AssertionResult } from '@assay/spec';
import { describe, expect, it } from 'vitest';
import { compileAssertion } from './index.ts';
import { makeContext } from './test-context.ts';

// Issue 11: JSON Schema `format` keywords are checked, as promptfoo checks them (ajv-formats).

const run = (value: object, output: string): Promise<AssertionResult> => Promise.resolve(compileAssertion({ type: 'is-json', value }, {}).evaluate(makeContext({ output })));

describe('json-schema format', () => {
  it('checks format keywords (ajv-formats)', async () => {
    const schema = { type: 'object', properties: { email: { type: 'string', format: 'email' }, at: { type: 'string', format: 'date-time' } } };
    expect(await run(schema, '{"email": "a@example.com", "at": "2026-12-07T20:00:00Z"}')).toMatchObject({ pass: true });
    const bad = await run(schema, '{"email": "not an email", "at": "yesterday"}');
    expect(bad.pass).toBe(false);
    expect(bad.reason).toContain('must match format "email"');
  });
});

