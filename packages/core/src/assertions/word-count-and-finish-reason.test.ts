import type { Assertion } from '@assay/spec';
import { ConfigError } from '@assay/spec';
import { describe, expect, it } from 'vitest';
import { compileAssertion } from './index.ts';
import { makeContext } from './test-context.ts';

const run = (assertion: Assertion, overrides: Parameters<typeof makeContext>[0]) => compileAssertion(assertion, {}).evaluate(makeContext(overrides));
const rejects = (assertion: Assertion) => {
  try {
    compileAssertion(assertion, { file: 'suite.yaml', field: 'tests[0].assert[0]' });
  } catch (error) {
    return ConfigError.isInstance(error) ? error : undefined;
  }
  return undefined;
};

describe('word-count', () => {
  it('counts runs of non-space characters against an exact number or a range', () => {
    expect(run({ type: 'word-count', value: 3 }, { output: '  one two\n three ' })).toMatchObject({ pass: true, reason: 'Output has 3 words (exactly 3)' });
    expect(run({ type: 'word-count', value: { min: 2, max: 4 } }, { output: 'just one' })).toMatchObject({ pass: true });
    expect(run({ type: 'word-count', value: { max: 1 } }, { output: 'just one' })).toMatchObject({ pass: false, reason: 'Output has 2 words, expected at most 1' });
    expect(run({ type: 'word-count', value: { min: 1 } }, { output: '   ' })).toMatchObject({ pass: false, reason: 'Output has 0 words, expected at least 1' });
  });

  it('rejects values it cannot count against', () => {
    expect(rejects({ type: 'word-count', value: 'ten' })).toMatchObject({ field: 'tests[0].assert[0].value' });
    expect(rejects({ type: 'word-count', value: { min: 5, max: 2 } })?.message).toMatch(/min 5 is above max 2/);
    expect(rejects({ type: 'word-count', value: { most: 2 } })).toMatchObject({ field: 'tests[0].assert[0].value.most' });
  });
});

describe('finish-reason', () => {
  it("compares the provider's finish reason, in the AI SDK's or promptfoo's spelling", () => {
    expect(run({ type: 'finish-reason', value: 'stop' }, { finishReason: 'stop' })).toMatchObject({ pass: true });
    expect(run({ type: 'finish-reason', value: 'tool_calls' }, { finishReason: 'tool-calls' })).toMatchObject({ pass: true });
    expect(run({ type: 'not-finish-reason', value: 'length' }, { finishReason: 'length' })).toMatchObject({ pass: false, reason: 'Not expected: Finished with "length"' });
    expect(run({ type: 'finish-reason', value: 'stop' }, {})).toMatchObject({ pass: false, unevaluable: true });
  });

  it('rejects a reason no provider reports', () => {
    expect(rejects({ type: 'finish-reason', value: 'done' })?.message).toMatch(/one of stop, length, tool-calls/);
  });
});
