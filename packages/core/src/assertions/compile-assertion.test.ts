import { AssayError, ConfigError, assertionTypes, embeddingTypes, modelGradedTypes, type Assertion, type AssertionResult } from '@assay/spec';
import { describe, expect, it } from 'vitest';
import { compileAssertion } from './index.ts';
import { makeContext } from './test-context.ts';

const where = { file: 'assay.yaml', field: 'tests[3].assert[0]' };

function configError(assertion: Assertion): ConfigError {
  try {
    compileAssertion(assertion, where);
  } catch (error) {
    expect(AssayError.isInstance(error)).toBe(true);
    return error as ConfigError;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(assertion)}`);
}

describe('compileAssertion: config errors', () => {
  it('suggests the nearest type for a typo, keeping the not- prefix', () => {
    const error = configError({ type: 'contians', value: 'x' });
    expect(error.message).toBe('Unknown assertion type "contians"');
    expect(error.field).toBe('tests[3].assert[0].type');
    expect(error.file).toBe('assay.yaml');
    expect(error.docs).toBe('assertions.md');
    expect(error.hint).toMatch(/^Did you mean "contains"\?/);
    expect(configError({ type: 'not-leaks-canari' }).hint).toMatch(/^Did you mean "not-leaks-canary"\?/);
  });

  it('lists the known types when nothing is close', () => {
    const error = configError({ type: 'sentiment-analysis' });
    expect(error.hint).not.toMatch(/Did you mean/);
    expect(error.hint).toContain('llm-rubric');
  });

  it.each<[Assertion, string, RegExp]>([
    [{ type: 'contains' }, 'value', /contains needs a non-empty string value/],
    [{ type: 'regex', value: '([a-z' }, 'value', /not a valid regular expression/],
    [{ type: 'is-json', value: { type: 'objekt' } }, 'value', /not a valid JSON Schema/],
    [{ type: 'json-schema', value: { type: 'object', properties: { a: { minimum: 'one' } } } }, 'value', /not a valid JSON Schema/],
    [{ type: 'javascript', value: 'output.length >' }, 'value', /javascript does not parse/],
    [{ type: 'javascript', value: 'const x = ;\nreturn x' }, 'value', /javascript does not parse/],
    [{ type: 'contains-any', value: [] }, 'value', /needs a list of strings/],
    [{ type: 'leaks-pii', value: ['emial'] }, 'value', /unknown PII kind "emial"/],
    [{ type: 'tokens', value: { totl: 5 } }, 'value.totl', /unknown key "totl"/],
    [{ type: 'llm-rubric' }, 'value', /llm-rubric needs the rubric/],
    [{ type: 'llm-rubric', value: 'polite', threshold: 1.5 }, 'threshold', /between 0 and 1/],
    [{ type: 'javascript', value: 'true', threshold: -0.1 }, 'threshold', /between 0 and 1/],
    [{ type: 'latency' }, 'threshold', /latency needs a threshold/],
    [{ type: 'cost', threshold: -1 }, 'threshold', /must be a number >= 0/],
    [{ type: 'contains', value: 'x', weight: -1 }, 'weight', /weight must be a number >= 0/],
  ])('rejects %j at .%s', (assertion, field, message) => {
    const error = configError(assertion);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(message);
    expect(error.field).toBe(`${where.field}.${field}`);
    expect(error.hint).toBeTruthy();
    expect(error.docs).toBe('assertions.md');
  });

  it('uses the bare field name when no location is given', () => {
    expect(() => compileAssertion({ type: 'regex', value: '(' }, {})).toThrow(expect.objectContaining({ field: 'value' }));
  });

  it('compiles every known type and its not- form given a reasonable value', () => {
    const values: Partial<Record<string, Partial<Assertion>>> = {
      equals: { value: 'x' }, contains: { value: 'x' }, icontains: { value: 'x' }, 'contains-any': { value: 'x' },
      'icontains-any': { value: 'x' }, 'contains-all': { value: 'x' }, 'icontains-all': { value: 'x' },
      regex: { value: 'x' }, 'starts-with': { value: 'x' }, javascript: { value: 'true' }, levenshtein: { value: 'x' },
      latency: { threshold: 1 }, cost: { threshold: 1 }, tokens: { threshold: 1 }, 'llm-rubric': { value: 'x' },
      pairwise: { value: 'x' }, factuality: { value: 'x' }, 'rubric-criteria': { value: { criteria: { x: 'x' } } },
      judge: { value: { file: 'j.yaml', name: 'j', type: 'llm-rubric', value: 'x' } },
      'assert-set': { assert: [{ type: 'contains', value: 'x' }] },
      'word-count': { value: 3 }, 'finish-reason': { value: 'stop' }, 'context-recall': { value: 'x' },
      similar: { value: 'x' }, 'similar:cosine': { value: 'x' }, 'similar:dot': { value: 'x' }, 'similar:euclidean': { value: 'x' },
    };
    for (const type of assertionTypes) {
      for (const name of [type, `not-${type}`]) {
        const compiled = compileAssertion({ type: name, ...values[type] }, where);
        // Embedding types call a model too, so the runner schedules them like judges.
        expect(compiled.modelGraded).toBe(modelGradedTypes.includes(type) || embeddingTypes.includes(type));
      }
    }
  });
});

describe('compileAssertion: result fields', () => {
  const evaluate = (assertion: Assertion, output: string) =>
    compileAssertion(assertion, where).evaluate(makeContext({ output })) as AssertionResult;

  it('defaults weight 1 and required true and carries metric', () => {
    expect(evaluate({ type: 'contains', value: 'a', metric: 'accuracy' }, 'abc')).toEqual({
      type: 'contains', pass: true, score: 1, reason: 'Output contains "a"', weight: 1, required: true, metric: 'accuracy',
    });
  });

  it('makes weight 0 informational unless required is set', () => {
    expect(evaluate({ type: 'contains', value: 'a', weight: 0 }, 'b')).toMatchObject({ weight: 0, required: false, pass: false });
    expect(evaluate({ type: 'contains', value: 'a', weight: 0, required: true }, 'b').required).toBe(true);
    expect(evaluate({ type: 'contains', value: 'a', required: false }, 'b').required).toBe(false);
  });

  it('inverts pass and score for not- forms and explains the failure', () => {
    expect(evaluate({ type: 'not-contains', value: 'secret' }, 'all good')).toMatchObject({
      type: 'not-contains', pass: true, score: 1, reason: 'Output does not contain "secret"',
    });
    expect(evaluate({ type: 'not-contains', value: 'secret' }, 'the secret')).toMatchObject({
      pass: false, score: 0, reason: 'Not expected: Output contains "secret"',
    });
  });

  it('inverts a partial score', async () => {
    const result = await compileAssertion({ type: 'not-javascript', value: '0.3', threshold: 0.5 }, where).evaluate(makeContext());
    expect(result.pass).toBe(true);
    expect(result.score).toBeCloseTo(0.7);
  });

  it('does not let a not- form pass when the assertion could not be evaluated', () => {
    const result = compileAssertion({ type: 'not-cost', threshold: 0.01 }, where).evaluate(makeContext({ cost: null })) as AssertionResult;
    expect(result).toMatchObject({ pass: false, score: 0 });
    expect(result.reason).toContain('no price known');
  });
});
