import type { LanguageModelV3, LanguageModelV3CallOptions, LanguageModelV3Middleware } from '@ai-sdk/provider';
import { wrapLanguageModel } from 'ai';
import { describe, expect, it } from 'vitest';
import { applyMiddleware } from './apply-middleware.ts';
import { EchoLanguageModel } from './echo-model.ts';

const prompt: LanguageModelV3CallOptions['prompt'] = [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }];

/** Records the order layers run in, and changes params and results on the way. */
function tracingMiddleware(name: string, trace: string[]): LanguageModelV3Middleware {
  return {
    specificationVersion: 'v3',
    transformParams: async ({ params }) => {
      trace.push(`${name}:transform`);
      return { ...params, maxOutputTokens: (params.maxOutputTokens ?? 0) + 1 };
    },
    wrapGenerate: async ({ doGenerate, params }) => {
      trace.push(`${name}:before:${params.maxOutputTokens}`);
      const result = await doGenerate();
      trace.push(`${name}:after`);
      return { ...result, warnings: [...result.warnings, { type: 'other', message: name }] };
    },
  };
}

describe('applyMiddleware', () => {
  it('runs layers in the same order, with the same params and results, as the AI SDK’s wrapLanguageModel', async () => {
    const ours: string[] = [];
    const theirs: string[] = [];
    const model: LanguageModelV3 = new EchoLanguageModel('m');
    const a = await applyMiddleware(model, [tracingMiddleware('outer', ours), tracingMiddleware('inner', ours)]).doGenerate({ prompt });
    const b = await wrapLanguageModel({ model, middleware: [tracingMiddleware('outer', theirs), tracingMiddleware('inner', theirs)] }).doGenerate({ prompt });
    expect(ours).toEqual(theirs);
    expect(ours[0]).toBe('outer:transform');
    expect(a.content).toEqual(b.content);
    expect(a.warnings).toEqual(b.warnings);
  });

  it('passes doStream through layers that only wrap generate', async () => {
    const trace: string[] = [];
    const wrapped = applyMiddleware(new EchoLanguageModel('m'), [tracingMiddleware('only', trace)]);
    const { stream } = await wrapped.doStream({ prompt });
    const parts: string[] = [];
    for await (const part of stream) parts.push(part.type);
    expect(parts).toContain('finish');
    expect(trace).toEqual(['only:transform']);
    expect(wrapped.modelId).toBe('m');
  });
});
