import type { Assertion } from '@assay/spec';
import { ConfigError } from '@assay/spec';
import { describe, expect, it } from 'vitest';
import { compileAssertion } from './index.ts';
import { makeContext } from './test-context.ts';

const run = (assertion: Assertion, output: string, vars: Record<string, unknown> = {}) =>
  Promise.resolve(compileAssertion(assertion, {}).evaluate(makeContext({ output, vars })));

describe('transform', () => {
  it('checks what the transform returns instead of the raw output', async () => {
    const reply = '{"answer": "Paris", "confidence": 0.9}';
    expect(await run({ type: 'equals', value: 'Paris', transform: 'JSON.parse(output).answer' }, reply)).toMatchObject({ pass: true });
    expect(await run({ type: 'equals', value: 'Paris' }, reply)).toMatchObject({ pass: false });
    // vars and a function body, as in javascript assertions
    expect(await run({ type: 'contains', value: 'PARIS', transform: 'const city = JSON.parse(output)[vars.field];\nreturn city.toUpperCase();' }, reply, { field: 'answer' })).toMatchObject({ pass: true });
  });

  it('turns values that are not strings into their JSON text, and applies a list in order', async () => {
    expect(await run({ type: 'equals', value: '{"n":2}', transform: '({ n: output.split(" ").length })' }, 'two words')).toMatchObject({ pass: true });
    expect(await run({ type: 'equals', value: '42', transform: '42' }, 'anything')).toMatchObject({ pass: true });
    expect(await run({ type: 'equals', value: 'B', transform: ['output.trim()', 'output.slice(-1)', 'output.toUpperCase()'] }, '  abc b  ')).toMatchObject({ pass: true });
    // negation applies to the check, not to the transform
    expect(await run({ type: 'not-contains', value: 'secret', transform: 'output.replace(/secret/g, "***")' }, 'the secret is out')).toMatchObject({ pass: true });
  });

  it('a transform that throws or returns nothing makes the assertion unevaluable, with the reason', async () => {
    const thrown = await run({ type: 'contains', value: 'x', transform: 'JSON.parse(output).answer' }, 'not json');
    expect(thrown).toMatchObject({ pass: false, unevaluable: true });
    expect(thrown.reason).toMatch(/transform "JSON.parse\(output\).answer" threw "SyntaxError/);
    const nothing = await run({ type: 'not-contains', value: 'x', transform: 'output.trim();\nundefined;' }, 'abc');
    // not- does not turn an unevaluable check into a pass
    expect(nothing).toMatchObject({ pass: false, unevaluable: true });
    expect(nothing.reason).toMatch(/returned undefined.*missing `return`/);
  });

  it('runs a transform once per response however many assertions share it', async () => {
    const transform = 'globalThis.calls = (globalThis.calls ?? 0) + 1; return String(globalThis.calls);';
    const first = compileAssertion({ type: 'equals', value: '1', transform }, {});
    const second = compileAssertion({ type: 'equals', value: '1', transform }, {});
    const ctx = makeContext({ output: 'x' });
    expect(await first.evaluate(ctx)).toMatchObject({ pass: true });
    expect(await second.evaluate(ctx)).toMatchObject({ pass: true });
    // a new response runs it again
    expect(await second.evaluate(makeContext({ output: 'x' }))).toMatchObject({ pass: false, reason: expect.stringMatching(/"2"/) });
  });

  it('rejects a transform that does not parse when the suite loads', () => {
    let error: unknown;
    try {
      compileAssertion({ type: 'contains', value: 'x', transform: ['output.trim()', 'output.(('] }, { file: 'suite.yaml', field: 'tests[0].assert[0]' });
    } catch (caught) {
      error = caught;
    }
    expect(ConfigError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ file: 'suite.yaml', field: 'tests[0].assert[0].transform[1]' });
    expect((error as Error).message).toMatch(/transform does not parse/);
  });
});
