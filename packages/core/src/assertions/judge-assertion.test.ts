import { describe, expect, it } from 'vitest';
import { fakeJudge } from './fake-judge.ts';
import { compileAssertion } from './index.ts';
import { makeContext } from './test-context.ts';

const definition = { file: 'judges/helpful.yaml', name: 'helpful', type: 'llm-rubric', value: 'The reply is helpful', provider: 'openai:gpt-4.1' };

describe('judge', () => {
  it('runs the judge file definition and reports under its name', async () => {
    const judge = fakeJudge('{"reasoning": "Helpful.", "pass": true, "score": 0.9}');
    const compiled = compileAssertion({ type: 'judge', value: definition }, {});
    expect(compiled.modelGraded).toBe(true);
    const result = await compiled.evaluate(makeContext({ output: 'Here is how.', grade: judge.grade }));
    expect(judge.calls[0]).toMatchObject({ provider: 'openai:gpt-4.1', prompt: expect.stringContaining('The reply is helpful') });
    expect(result).toMatchObject({ type: 'judge', pass: true, score: 0.9, metric: 'helpful', reason: 'helpful: Judge: pass (score 0.9): "Helpful."' });
    expect(result.judge).toMatchObject({ file: 'judges/helpful.yaml', reasoning: 'Helpful.' });
  });

  it('keeps an explicit metric and applies the definition threshold', async () => {
    const judge = fakeJudge('{"pass": true, "score": 0.6}');
    const result = await compileAssertion({ type: 'judge', value: { ...definition, threshold: 0.8 }, metric: 'tone' }, {}).evaluate(makeContext({ grade: judge.grade }));
    expect(result).toMatchObject({ metric: 'tone', pass: false });
  });

  it('works with every judge type and its not- form', async () => {
    const judge = fakeJudge('{"category": "D", "reasoning": "Wrong."}');
    const result = await compileAssertion({ type: 'not-judge', value: { ...definition, type: 'factuality', value: 'Paris' } }, {}).evaluate(makeContext({ grade: judge.grade }));
    expect(result).toMatchObject({ type: 'not-judge', pass: true, metric: 'not-helpful' });
  });

  it('fails unevaluable when the judge cannot answer', async () => {
    const result = await compileAssertion({ type: 'judge', value: definition }, {}).evaluate(makeContext({ grade: async () => Promise.reject(new Error('down')) }));
    expect(result).toMatchObject({ pass: false, unevaluable: true, reason: 'helpful: Judge call failed: down', judge: { file: 'judges/helpful.yaml' } });
  });

  it('rejects an unread judge file or a bad definition', () => {
    expect(() => compileAssertion({ type: 'judge', value: 'judges/helpful.yaml' }, {})).toThrow(/has not been read/);
    expect(() => compileAssertion({ type: 'judge', value: { ...definition, type: 'judge' } }, {})).toThrow(/A judge must be one of/);
    expect(() => compileAssertion({ type: 'judge', value: { ...definition, value: '' } }, { field: 'tests[0].assert[0]' })).toThrow(
      expect.objectContaining({ field: 'tests[0].assert[0].value.value', message: expect.stringContaining('judges/helpful.yaml: llm-rubric needs') }),
    );
  });
});
