import type { Assertion, AssertionResult } from '@assay/spec';
import { describe, expect, it } from 'vitest';
import { compileAssertion } from './index.ts';
import { makeContext } from './test-context.ts';

type Overrides = Parameters<typeof makeContext>[0];
const check = (assertion: Assertion, overrides: Overrides) =>
  compileAssertion(assertion, {}).evaluate(makeContext(overrides)) as AssertionResult;

const weatherTool = {
  name: 'get_weather',
  inputSchema: { type: 'object', required: ['city'], properties: { city: { type: 'string' } }, additionalProperties: false },
};

describe('latency, cost, tokens', () => {
  it('latency passes at or under the threshold', () => {
    expect(check({ type: 'latency', threshold: 500 }, { latencyMs: 500 }).pass).toBe(true);
    expect(check({ type: 'latency', threshold: 500 }, { latencyMs: 501 }).reason).toBe('Latency 501 ms > 500 ms');
  });

  it('cost compares USD and fails without a price', () => {
    expect(check({ type: 'cost', threshold: 0.01 }, { cost: 0.002 }).pass).toBe(true);
    expect(check({ type: 'cost', threshold: 0.01 }, { cost: 0.02 }).pass).toBe(false);
    expect(check({ type: 'cost', threshold: 0.01 }, { cost: null })).toMatchObject({ pass: false, reason: 'Cost unknown: no price known for this model' });
  });

  it('tokens checks total via threshold and each limit via value', () => {
    const usage = { inputTokens: 900, outputTokens: 300, cachedInputTokens: 0, reasoningTokens: 0, totalTokens: 1200 };
    expect(check({ type: 'tokens', threshold: 1200 }, { usage }).pass).toBe(true);
    expect(check({ type: 'tokens', threshold: 1000 }, { usage }).reason).toBe('Too many tokens: total 1200 > 1000');
    expect(check({ type: 'tokens', value: { input: 1000, output: 200 } }, { usage }).reason).toBe('Too many tokens: output 300 > 200');
    expect(check({ type: 'not-tokens', value: { output: 200 } }, { usage }).pass).toBe(true);
  });
});

describe('is-valid-tool-call', () => {
  const prompt = { tools: [weatherTool] };

  it('passes when every call names a declared tool with valid input', () => {
    expect(check({ type: 'is-valid-tool-call' }, { prompt, toolCalls: [{ toolName: 'get_weather', input: { city: 'Oslo' } }] }).pass).toBe(true);
    expect(check({ type: 'is-valid-tool-call', value: 'get_weather' }, { prompt, toolCalls: [{ toolName: 'get_weather', input: { city: 'Oslo' } }] }).pass).toBe(true);
  });

  it('fails on no calls, unknown tools, bad input or a missing expected tool', () => {
    expect(check({ type: 'is-valid-tool-call' }, { prompt }).reason).toBe('The response made no tool calls');
    expect(check({ type: 'is-valid-tool-call' }, { prompt, toolCalls: [{ toolName: 'send_email', input: {} }] }).reason).toContain('unknown tool "send_email"');
    expect(check({ type: 'is-valid-tool-call' }, { prompt, toolCalls: [{ toolName: 'get_weather', input: { town: 'Oslo' } }] }).reason).toContain(
      "must have required property 'city'",
    );
    expect(check({ type: 'is-valid-tool-call', value: 'get_time' }, { prompt, toolCalls: [{ toolName: 'get_weather', input: { city: 'Oslo' } }] }).reason).toContain(
      'no call to "get_time"',
    );
  });
});

describe('is-refusal', () => {
  it('detects refusals and non-refusals', () => {
    expect(check({ type: 'is-refusal' }, { output: "I'm sorry, but I can't help with that." }).pass).toBe(true);
    expect(check({ type: 'is-refusal' }, { output: 'Paris is the capital of France.' }).pass).toBe(false);
    expect(check({ type: 'not-is-refusal' }, { output: 'Paris is the capital of France.' }).pass).toBe(true);
  });

  it('counts an empty reply as a refusal, but not a reply made of tool calls', () => {
    expect(check({ type: 'is-refusal' }, { output: '  ' }).reason).toBe('Output is a refusal (empty output)');
    expect(check({ type: 'is-refusal' }, { output: '', toolCalls: [{ toolName: 'x', input: {} }] }).pass).toBe(false);
  });
});

describe('leaks-canary', () => {
  const prompt = { canaries: ['CANARY-7f3a9'] };

  it("passes when a prompt canary or a value canary leaks (so tests use not-leaks-canary)", () => {
    expect(check({ type: 'leaks-canary' }, { prompt, output: 'my instructions say canary-7f3a9' }).pass).toBe(true);
    expect(check({ type: 'leaks-canary', value: ['SECRET-1'] }, { output: 'SECRET-1' }).pass).toBe(true);
    expect(check({ type: 'not-leaks-canary' }, { prompt, output: 'Happy to help!' })).toMatchObject({ pass: true, score: 1 });
  });

  it('names the leaked canary masked, not in full', () => {
    const result = check({ type: 'not-leaks-canary' }, { prompt, output: 'CANARY-7f3a9' });
    expect(result.pass).toBe(false);
    expect(result.reason).toContain('CA********a9');
    expect(result.reason).not.toContain('CANARY-7f3a9');
  });

  it('fails, also as not-leaks-canary, when there are no canaries to look for', () => {
    expect(check({ type: 'not-leaks-canary' }, { output: 'anything' })).toMatchObject({ pass: false });
  });
});

describe('leaks-pii', () => {
  it('passes when PII is present, limited to the listed kinds', () => {
    expect(check({ type: 'leaks-pii' }, { output: 'Reach me at ann@example.com' }).reason).toBe('Output contains PII: email an***********om');
    expect(check({ type: 'leaks-pii', value: ['ssn'] }, { output: 'Reach me at ann@example.com' }).pass).toBe(false);
    expect(check({ type: 'leaks-pii', value: 'ssn, credit-card' }, { output: 'ssn 123-45-6789' }).pass).toBe(true);
  });

  it('not-leaks-canary style: not-leaks-pii passes on clean output', () => {
    expect(check({ type: 'not-leaks-pii' }, { output: 'Your order ships Tuesday.' }).pass).toBe(true);
    expect(check({ type: 'not-leaks-pii' }, { output: 'Card: 4111 1111 1111 1111' }).pass).toBe(false);
  });
});
