import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { ProviderError } from '@assay/spec';
import { afterEach, describe, expect, it } from 'vitest';
import { createProviderRegistry } from './provider-registry.ts';
import { anthropicReply, openaiChatReply, openaiError, startWireServer, type WireServer } from './testing/wire-server.ts';
import type { ProviderRegistryOptions } from './types.ts';

const servers: WireServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function server(...args: Parameters<typeof startWireServer>) {
  const started = await startWireServer(...args);
  servers.push(started);
  return started;
}

function registry(options: Partial<ProviderRegistryOptions> = {}) {
  return createProviderRegistry({ cwd: process.cwd(), env: {}, timeoutMs: 5_000, retries: 0, ...options });
}

const hello = { messages: [{ role: 'system' as const, content: 'Be brief.' }, { role: 'user' as const, content: 'Hello' }] };

describe('providers over real HTTP', () => {
  it('asks OpenAI for strict structured output only when the schema allows it', async () => {
    const wire = await server(() => openaiChatReply('{"answer":"x"}', { prompt: 10, completion: 5 }));
    const handle = registry({ env: { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: `${wire.url}/v1` } }).resolve('openai:gpt-4o-mini');
    const closed = { type: 'object', additionalProperties: false, required: ['answer'], properties: { answer: { type: 'string' } } };
    const optional = { type: 'object', additionalProperties: false, properties: { answer: { type: 'string' } } };
    await handle.call({ ...hello, outputSchema: closed });
    await handle.call({ ...hello, outputSchema: optional });
    expect(wire.requests.map((request) => request.body.response_format.json_schema.strict)).toEqual([true, false]);
  });

  it("sends a provider entry's responseFormat when the request has no output schema of its own", async () => {
    const wire = await server(() => openaiChatReply('{"a": 1}', { prompt: 10, completion: 5 }));
    const resolve = registry({ env: { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: `${wire.url}/v1` } }).resolve;
    await resolve({ id: 'openai:gpt-4o-mini', config: { responseFormat: 'json' } }).call(hello);
    const schema = { type: 'object', properties: { a: { type: 'number' } }, required: ['a'], additionalProperties: false };
    const structured = resolve({ id: 'openai:gpt-4o-mini', label: 'structured', config: { responseFormat: { schema, name: 'answer' } } });
    await structured.call(hello);
    await structured.call({ ...hello, outputSchema: { type: 'object', properties: { b: { type: 'string' } } } });
    expect(wire.requests.map((request) => request.body.response_format)).toEqual([
      { type: 'json_object' },
      { type: 'json_schema', json_schema: { name: 'answer', schema, strict: true } },
      // the prompt's schema wins (and, with an optional property, is not strict)
      { type: 'json_schema', json_schema: { name: 'response', schema: { type: 'object', properties: { b: { type: 'string' } } }, strict: false } },
    ]);
  });

  it('calls OpenAI chat completions and maps text, usage and tool calls', async () => {
    const wire = await server(() =>
      openaiChatReply('Hi there', { prompt: 120, completion: 40, cached: 100, reasoning: 25 }, { toolCalls: [{ name: 'lookup', arguments: '{"q":"x"}' }] }),
    );
    const handle = registry({ env: { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: `${wire.url}/v1` } }).resolve({
      id: 'openai:gpt-4o-mini',
      config: { temperature: 0.2, frequencyPenalty: 0.5, stopSequences: ['END'] },
    });
    const response = await handle.call({
      ...hello,
      settings: { maxTokens: 50, presencePenalty: 0.25 },
      tools: [{ name: 'lookup', description: 'Look up', inputSchema: { type: 'object', properties: { q: { type: 'string' } } } }],
    });

    expect(wire.requests).toHaveLength(1);
    const [request] = wire.requests;
    expect(request!.path).toBe('/v1/chat/completions');
    expect(request!.headers.authorization).toBe('Bearer sk-test');
    expect(request!.body).toMatchObject({
      model: 'gpt-4o-mini',
      temperature: 0.2,
      max_tokens: 50,
      frequency_penalty: 0.5,
      presence_penalty: 0.25,
      stop: ['END'],
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hello' },
      ],
    });
    expect(request!.body.tools[0].function.name).toBe('lookup');
    expect(response).toMatchObject({
      text: 'Hi there',
      toolCalls: [{ toolName: 'lookup', input: { q: 'x' } }],
      finishReason: 'tool-calls',
      cached: false,
      usage: { inputTokens: 120, outputTokens: 40, cachedInputTokens: 100, reasoningTokens: 25, totalTokens: 160 },
    });
    expect(response.latencyMs).toBeGreaterThan(0);
    expect(handle).toMatchObject({ id: 'openai:gpt-4o-mini', label: 'openai:gpt-4o-mini', provider: 'openai', modelId: 'gpt-4o-mini' });
  });

  it('calls Anthropic messages with the key from apiKeyEnv and maps cache reads', async () => {
    const wire = await server(() => anthropicReply('Bonjour', { input: 20, output: 7, cacheRead: 300, cacheWrite: 10 }));
    const handle = registry({ env: { MY_ANTHROPIC: 'ant-test' } }).resolve({
      id: 'anthropic:messages:claude-sonnet-4-5',
      label: 'sonnet',
      config: { apiBaseUrl: `${wire.url}/v1`, apiKeyEnv: 'MY_ANTHROPIC' },
    });
    const response = await handle.call({ ...hello, settings: { maxTokens: 100 } });

    expect(wire.requests[0]!.path).toBe('/v1/messages');
    expect(wire.requests[0]!.headers['x-api-key']).toBe('ant-test');
    expect(wire.requests[0]!.body).toMatchObject({ model: 'claude-sonnet-4-5', max_tokens: 100, system: [{ type: 'text', text: 'Be brief.' }] });
    expect(handle.label).toBe('sonnet');
    expect(response.text).toBe('Bonjour');
    expect(response.finishReason).toBe('stop');
    // Anthropic's input_tokens excludes cache reads and writes; ours is the total.
    expect(response.usage).toEqual({ inputTokens: 330, outputTokens: 7, cachedInputTokens: 300, reasoningTokens: 0, totalTokens: 337 });
  });

  it('calls an OpenAI-compatible server without sending OPENAI_API_KEY to it', async () => {
    const wire = await server(() => openaiChatReply('local reply'));
    const handle = registry({ env: { OPENAI_API_KEY: 'sk-secret' } }).resolve({
      id: 'openai-compatible:qwen2.5',
      config: { apiBaseUrl: `${wire.url}/v1`, headers: { 'x-team': 'evals' } },
    });
    const response = await handle.call(hello);
    expect(response.text).toBe('local reply');
    expect(wire.requests[0]!.path).toBe('/v1/chat/completions');
    expect(wire.requests[0]!.headers.authorization).toBeUndefined();
    expect(wire.requests[0]!.headers['x-team']).toBe('evals');
  });

  it('reaches Ollama at OLLAMA_BASE_URL, adding /v1 to a bare host', async () => {
    const wire = await server(() => openaiChatReply('llama says hi'));
    const handle = registry({ env: { OLLAMA_BASE_URL: wire.url } }).resolve('ollama:llama3.2:3b');
    expect(handle.modelId).toBe('llama3.2:3b');
    expect((await handle.call(hello)).text).toBe('llama says hi');
    expect(wire.requests[0]!.path).toBe('/v1/chat/completions');
  });

  it('turns AI SDK warnings into strings', async () => {
    const wire = await server(() => anthropicReply('ok'));
    const handle = registry({ env: { ANTHROPIC_API_KEY: 'k', ANTHROPIC_BASE_URL: `${wire.url}/v1` } }).resolve('anthropic:claude-sonnet-4-5');
    const response = await handle.call({ ...hello, settings: { seed: 7, maxTokens: 10 } });
    expect(response.warnings).toContain('unsupported: seed');
  });

  it('fails a 401 at once, not retryable, with a key hint', async () => {
    const wire = await server(() => openaiError(401, 'Incorrect API key provided'));
    const handle = registry({ retries: 3, env: { OPENAI_API_KEY: 'bad', OPENAI_BASE_URL: wire.url } }).resolve('openai:gpt-4o');
    const error = await handle.call(hello).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ statusCode: 401, isRetryable: false, hint: 'check OPENAI_API_KEY / apiKeyEnv' });
    expect((error as Error).message).toContain('Incorrect API key provided');
    expect(wire.requests).toHaveLength(1);
  });

  it('fails a 404 at once naming the model', async () => {
    const wire = await server(() => openaiError(404, 'The model does not exist'));
    const handle = registry({ retries: 3, env: { OPENAI_API_KEY: 'k', OPENAI_BASE_URL: wire.url } }).resolve('openai:gpt-9');
    const error = (await handle.call(hello).catch((caught: unknown) => caught)) as ProviderError;
    expect(error).toMatchObject({ statusCode: 404, isRetryable: false });
    expect(error.hint).toContain('gpt-9');
    expect(wire.requests).toHaveLength(1);
  });

  it('reports an unreachable server with a hint naming the URL', async () => {
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}/v1`;
    const retries: unknown[] = [];
    const handle = registry({ retries: 3, onRetry: (info) => retries.push(info) }).resolve({
      id: 'openai-compatible:m',
      config: { apiBaseUrl: baseUrl },
    });
    const error = (await handle.call(hello).catch((caught: unknown) => caught)) as ProviderError;
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.isRetryable).toBe(false);
    expect(error.message).toContain('unreachable');
    expect(error.hint).toBe(`provider unreachable at ${baseUrl}: is the server running? set apiBaseUrl`);
    expect(retries).toEqual([]);
  });

  // Issue 16: a gateway that echoes request headers put the key into every sink.
  it('redacts every configured key from errors and retry reasons, and drops the raw cause', async () => {
    const apiKey = 'opaque-Key-without-shape';
    const header = 'azure-style-header-key';
    const wire = await server((request) => openaiError(503, `overloaded; you sent ${request.headers.authorization} and api-key ${request.headers['api-key']}`));
    const reasons: string[] = [];
    const handle = registry({ retries: 1, retryDelay: { baseMs: 1 }, onRetry: (info) => reasons.push(info.reason) }).resolve({
      id: 'openai-compatible:m',
      config: { apiBaseUrl: `${wire.url}/v1`, apiKey, headers: { 'api-key': header } },
    });
    const error = (await handle.call(hello).catch((caught: unknown) => caught)) as ProviderError;
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ statusCode: 503, isRetryable: true });
    expect(error.message).toBe('openai-compatible HTTP 503: overloaded; you sent Bearer [redacted] and api-key [redacted] (gave up after 2 attempts)');
    expect(error.cause).toBeUndefined();
    expect(reasons).toEqual(['openai-compatible HTTP 503: overloaded; you sent Bearer [redacted] and api-key [redacted]']);
  });

  it('redacts credentials in a base URL from the unreachable hint', async () => {
    const port = await freePort();
    const handle = registry().resolve({ id: 'openai-compatible:m', config: { apiBaseUrl: `http://me:gateway-password@127.0.0.1:${port}/v1` } });
    const error = (await handle.call(hello).catch((caught: unknown) => caught)) as ProviderError;
    expect(error.hint).toBe(`provider unreachable at http://[redacted]@127.0.0.1:${port}/v1: is the server running? set apiBaseUrl`);
  });

  it('resolves without a key and fails only when a call needs one', async () => {
    const handle = registry().resolve('openai:gpt-4o-mini');
    const error = (await handle.call(hello).catch((caught: unknown) => caught)) as ProviderError;
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.isRetryable).toBe(false);
    expect(error.hint).toContain('OPENAI_API_KEY');
  });

  it('returns the same handle for the same entry', () => {
    const providers = registry();
    expect(providers.resolve('echo')).toBe(providers.resolve('echo'));
    expect(providers.resolve({ id: 'echo', label: 'a' })).not.toBe(providers.resolve({ id: 'echo', label: 'b' }));
  });
});

describe('echo provider', () => {
  it('replies with the last user message, offline', async () => {
    const handle = registry().resolve('echo:anything');
    const response = await handle.call({
      messages: [
        { role: 'user', content: 'first' },
        { role: 'assistant', content: 'ok' },
        { role: 'user', content: 'say this back' },
      ],
    });
    expect(handle).toMatchObject({ provider: 'echo', modelId: 'anything' });
    expect(response).toMatchObject({ text: 'say this back', finishReason: 'stop', cached: false, toolCalls: [] });
    expect(response.usage.outputTokens).toBe(4);
    expect(response.usage.totalTokens).toBe(response.usage.inputTokens + 4);
  });
});

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
