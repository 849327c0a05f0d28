import { assertionTypes, type Assertion, type AssertionResult } from '@assay/spec';
import { describe, expect, it } from 'vitest';
import { compileAssertion } from './index.ts';
import { makeContext } from './test-context.ts';

// A representative assertion of every type: bad model output must give a failed (or passed)
// result with a short reason, never an exception.
const assertions: Record<(typeof assertionTypes)[number], Assertion> = {
  equals: { type: 'equals', value: { a: 1 } },
  contains: { type: 'contains', value: 'x' },
  icontains: { type: 'icontains', value: 'x' },
  'contains-any': { type: 'contains-any', value: ['x', 'y'] },
  'icontains-any': { type: 'icontains-any', value: ['x', 'y'] },
  'contains-all': { type: 'contains-all', value: ['x', 'y'] },
  'icontains-all': { type: 'icontains-all', value: ['x', 'y'] },
  regex: { type: 'regex', value: '^(a+)+$' },
  'starts-with': { type: 'starts-with', value: 'x' },
  'is-json': { type: 'is-json', value: { type: 'object' } },
  'contains-json': { type: 'contains-json', value: { type: 'object', required: ['a'] } },
  'json-schema': { type: 'json-schema', value: { type: 'object' } },
  javascript: { type: 'javascript', value: 'JSON.parse(output).a === 1' },
  levenshtein: { type: 'levenshtein', value: 'hello' },
  latency: { type: 'latency', threshold: 1000 },
  cost: { type: 'cost', threshold: 1 },
  tokens: { type: 'tokens', threshold: 1000 },
  'is-valid-tool-call': { type: 'is-valid-tool-call' },
  'is-refusal': { type: 'is-refusal' },
  'leaks-canary': { type: 'leaks-canary', value: ['CANARY-1'] },
  'leaks-pii': { type: 'leaks-pii' },
  contract: { type: 'contract' },
  'context-faithfulness': { type: 'context-faithfulness' },
  'context-relevance': { type: 'context-relevance' },
  'context-recall': { type: 'context-recall', value: 'Paris' },
  'word-count': { type: 'word-count', value: { min: 1, max: 3 } },
  'finish-reason': { type: 'finish-reason', value: 'stop' },
  'assert-set': { type: 'assert-set', threshold: 0.5, assert: [{ type: 'is-json' }, { type: 'contains', value: 'x' }] },
  'llm-rubric': { type: 'llm-rubric', value: 'is good' },
  pairwise: { type: 'pairwise', value: 'a reference answer' },
  factuality: { type: 'factuality', value: 'a reference answer' },
  'answer-relevance': { type: 'answer-relevance' },
  'rubric-criteria': { type: 'rubric-criteria', value: { criteria: { accuracy: 'is accurate' } } },
  judge: { type: 'judge', value: { file: 'judges/good.yaml', name: 'good', type: 'llm-rubric', value: 'is good' } },
  similar: { type: 'similar', value: 'a reference answer' },
  'similar:cosine': { type: 'similar:cosine', value: ['a reference answer', 'another'] },
  'similar:dot': { type: 'similar:dot', value: 'a reference answer' },
  'similar:euclidean': { type: 'similar:euclidean', value: 'a reference answer', threshold: 0.5 },
};

const badOutputs: Array<[string, string]> = [
  ['invalid JSON', '{"a": 1,,, ```json {[}'],
  ['empty', ''],
  ['5 MB', `{"a": [${'{'.repeat(10)}${'x'.repeat(5_000_000)}`],
  ['5 MB of braces', '{['.repeat(2_500_000)],
];

describe.each(badOutputs)('bad output: %s', (_name, output) => {
  it.each(Object.values(assertions))('$type returns a result with a short reason', async (assertion) => {
    const compiled = compileAssertion(assertion, {});
    const ctx = makeContext({
      output,
      prompt: { contract: { outputSchema: { type: 'object' }, mustCite: { pattern: '\\[\\d+\\]', minCount: 1 } } },
      grade: async () => ({ provider: 'fake', text: output.slice(0, 1000) }),
    });
    const result: AssertionResult = await compiled.evaluate(ctx);
    expect(typeof result.pass).toBe('boolean');
    expect(result.score).toBeGreaterThanOrEqual(0);
    expect(result.score).toBeLessThanOrEqual(1);
    expect(result.reason.length).toBeLessThan(400);
  });
});
