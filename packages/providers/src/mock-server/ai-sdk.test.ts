import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { generateText, jsonSchema, streamText, tool, type LanguageModel } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockServer, type MockServerHandle } from './index.ts';

// The real AI SDK clients against the mock: if the wire shapes drift, these fail.
let server: MockServerHandle;
let faultyServer: MockServerHandle;
beforeAll(async () => {
  const rules = [
    { match: { contains: 'weather' }, response: { content: '', tool_calls: [{ name: 'getWeather', arguments: { city: 'Paris' } }] } },
    { response: { content: 'Echo: {{last_user}}' } },
  ];
  server = await startMockServer({ mode: 'rules', rules, apiKey: 'sk-mock' });
  // Every other request fails with 429 and Retry-After: 0, so the SDK's retries get through quickly.
  faultyServer = await startMockServer({ faults: { rate429: 0.5, retryAfterSeconds: 0 }, seed: 3 });
});
afterAll(async () => {
  await Promise.all([server.close(), faultyServer.close()]);
});

// Unknown model ids make the Anthropic provider warn unless the output limit is explicit.
const settings = { maxOutputTokens: 256 };

const tools = {
  getWeather: tool({
    description: 'Weather for a city',
    inputSchema: jsonSchema<{ city: string }>({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }),
  }),
};

const providers: { name: string; model: () => LanguageModel; faulty: () => LanguageModel; wrongKey: () => LanguageModel }[] = [
  {
    name: 'OpenAI chat',
    model: () => createOpenAI({ baseURL: `${server.url}/v1`, apiKey: 'sk-mock' }).chat('gpt-mock'),
    faulty: () => createOpenAI({ baseURL: `${faultyServer.url}/v1`, apiKey: 'x' }).chat('gpt-mock'),
    wrongKey: () => createOpenAI({ baseURL: `${server.url}/v1`, apiKey: 'nope' }).chat('gpt-mock'),
  },
  {
    name: 'OpenAI responses',
    model: () => createOpenAI({ baseURL: `${server.url}/v1`, apiKey: 'sk-mock' }).responses('gpt-mock'),
    faulty: () => createOpenAI({ baseURL: `${faultyServer.url}/v1`, apiKey: 'x' }).responses('gpt-mock'),
    wrongKey: () => createOpenAI({ baseURL: `${server.url}/v1`, apiKey: 'nope' }).responses('gpt-mock'),
  },
  {
    name: 'Anthropic',
    model: () => createAnthropic({ baseURL: `${server.url}/v1`, apiKey: 'sk-mock' })('claude-mock'),
    faulty: () => createAnthropic({ baseURL: `${faultyServer.url}/v1`, apiKey: 'x' })('claude-mock'),
    wrongKey: () => createAnthropic({ baseURL: `${server.url}/v1`, apiKey: 'nope' })('claude-mock'),
  },
];

describe.each(providers)('$name through the AI SDK', ({ model, faulty, wrongKey }) => {
  it('generateText gets text and usage', async () => {
    const result = await generateText({ ...settings, model: model(), system: 'Be brief.', prompt: 'Hello mock server' });
    expect(result.text).toBe('Echo: Hello mock server');
    expect(result.finishReason).toBe('stop');
    expect(result.usage.inputTokens).toBeGreaterThan(0);
    expect(result.usage.outputTokens).toBe(Math.ceil('Echo: Hello mock server'.length / 4));
    expect(result.usage.totalTokens).toBe(result.usage.inputTokens! + result.usage.outputTokens!);
  });

  it('streamText gets text and usage', async () => {
    const result = streamText({ ...settings, model: model(), prompt: 'Stream this sentence word by word' });
    const parts: string[] = [];
    for await (const part of result.textStream) parts.push(part);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.join('')).toBe('Echo: Stream this sentence word by word');
    expect(await result.finishReason).toBe('stop');
    const usage = await result.usage;
    expect(usage.inputTokens).toBeGreaterThan(0);
    expect(usage.outputTokens).toBe(Math.ceil('Echo: Stream this sentence word by word'.length / 4));
  });

  it('generateText gets tool calls', async () => {
    const result = await generateText({ ...settings, model: model(), tools, prompt: 'What is the weather in Paris?' });
    expect(result.finishReason).toBe('tool-calls');
    expect(result.toolCalls).toHaveLength(1);
    expect(result.toolCalls[0]).toMatchObject({ toolName: 'getWeather', input: { city: 'Paris' } });
    expect(result.usage.outputTokens).toBeGreaterThan(0);
  });

  it('streamText gets tool calls', async () => {
    const result = streamText({ ...settings, model: model(), tools, prompt: 'weather please' });
    const toolCalls = await result.toolCalls;
    expect(toolCalls).toHaveLength(1);
    expect(toolCalls[0]).toMatchObject({ toolName: 'getWeather', input: { city: 'Paris' } });
    expect(await result.finishReason).toBe('tool-calls');
    expect((await result.usage).outputTokens).toBeGreaterThan(0);
  });

  it('retries injected 429s, honouring Retry-After', async () => {
    for (let index = 0; index < 4; index++) {
      const result = await generateText({ ...settings, model: faulty(), prompt: `retry ${index}`, maxRetries: 10 });
      expect(result.text).toBe(`retry ${index}`);
    }
  });

  it('surfaces a wrong API key as an error', async () => {
    await expect(generateText({ ...settings, model: wrongKey(), prompt: 'hi', maxRetries: 0 })).rejects.toMatchObject({ statusCode: 401 });
  });
});

it('counted the 429s it injected', () => {
  const stats = faultyServer.stats();
  expect(stats.byStatus[429]).toBeGreaterThan(0);
  expect(stats.faultsInjected).toBe(stats.byStatus[429]);
  // Four calls per provider reach the server and get through.
  expect(stats.byStatus[200]).toBe(4 * providers.length);
});
