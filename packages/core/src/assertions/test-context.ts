import type { AssertionContext } from '../assertion-context.ts';

type ContextOverrides = Omit<Partial<AssertionContext>, 'prompt'> & { prompt?: Partial<AssertionContext['prompt']> };

/** An AssertionContext for tests: a plain successful response unless overridden. */
export function makeContext(overrides: ContextOverrides = {}): AssertionContext {
  const { prompt, ...rest } = overrides;
  return {
    output: '',
    toolCalls: [],
    vars: {},
    tags: [],
    latencyMs: 120,
    usage: { inputTokens: 100, outputTokens: 50, cachedInputTokens: 0, reasoningTokens: 0, totalTokens: 150 },
    cost: 0.001,
    ...rest,
    prompt: { id: 'support-reply', text: 'Answer the customer.', ...prompt },
  };
}
