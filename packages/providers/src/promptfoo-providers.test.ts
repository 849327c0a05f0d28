import { stopSandbox } from '@assay/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startMockServer, type MockServerHandle } from './mock-server/index.ts';
import { createProviderRegistry } from './provider-registry.ts';
import { openaiChatReply, startWireServer, type WireReply, type WireServer } from './testing/wire-server.ts';
import type { ProviderRegistryOptions } from './types.ts';

// The providers promptfoo configs name (issue 11), each over real HTTP against a local server that
// speaks its wire protocol, with the provider's base URL pointed at it.
const servers: WireServer[] = [];
let mock: MockServerHandle;
beforeAll(async () => {
  mock = await startMockServer({ mode: 'rules', rules: [{ response: { content: 'Mock says: {{last_user}} ({{model}})' } }], apiKey: 'sk-vendor' });
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});
afterAll(async () => {
  await mock.close();
  await stopSandbox();
});

async function server(handler: Parameters<typeof startWireServer>[0]) {
  const started = await startWireServer(handler);
  servers.push(started);
  return started;
}

function registry(env: Record<string, string> = {}, options: Partial<ProviderRegistryOptions> = {}) {
  return createProviderRegistry({ cwd: process.cwd(), env, timeoutMs: 5_000, retries: 0, cache: false, ...options });
}

const hello = { messages: [{ role: 'system' as const, content: 'Be brief.' }, { role: 'user' as const, content: 'Hello' }] };

describe('OpenAI-compatible vendors', () => {
  it.each([
    ['xai:grok-4', 'XAI_API_KEY'],
    ['mistral:mistral-large-latest', 'MISTRAL_API_KEY'],
    ['openrouter:meta-llama/llama-3.1-8b-instruct', 'OPENROUTER_API_KEY'],
    ['groq:llama-3.3-70b-versatile', 'GROQ_API_KEY'],
    ['perplexity:sonar', 'PERPLEXITY_API_KEY'],
    ['aimlapi:chat:gpt-4.1-mini', 'AIML_API_KEY'],
  ])('%s reads its key from %s and honours config.apiBaseUrl', async (id, keyEnv) => {
    const handle = registry({ [keyEnv]: 'sk-vendor' }).resolve({ id, config: { apiBaseUrl: `${mock.url}/v1` } });
    const model = id.slice(id.lastIndexOf(':') + 1);
    const response = await handle.call(hello);
    // The mock checks the key: a wrong or missing one would be a 401.
    expect(response.text).toBe(`Mock says: Hello (${model})`);
    expect(response.usage.inputTokens).toBeGreaterThan(0);
  });

  it("names the vendor's key variable when it is not set, and its own base URL by default", () => {
    const resolve = registry().resolve;
    expect(() => registry().checkKeys(['xai:grok-4'])).toThrow(/No API key for xai:grok-4 \(XAI_API_KEY is not set\)/);
    // A key from config.apiKeyEnv replaces the vendor's variable.
    expect(() => registry({ MY_KEY: 'k' }).checkKeys([{ id: 'xai:grok-4', config: { apiKeyEnv: 'MY_KEY' } }])).not.toThrow();
    expect(resolve('deepseek:deepseek-reasoner').provider).toBe('deepseek');
  });

  it('sends the request to the vendor URL of the table when no apiBaseUrl is set', async () => {
    const seen: string[] = [];
    const fetch: typeof globalThis.fetch = async (input) => {
      seen.push(String(input));
      return new Response(JSON.stringify(openaiChatReply('ok').body), { headers: { 'content-type': 'application/json' } });
    };
    await registry({ GROQ_API_KEY: 'k', TOGETHER_API_KEY: 'k' }, { fetch }).resolve('groq:llama-3.3-70b-versatile').call(hello);
    await registry({ GROQ_API_KEY: 'k', TOGETHER_API_KEY: 'k' }, { fetch }).resolve('togetherai:meta-llama/Llama-3.3-70B-Instruct-Turbo').call(hello);
    expect(seen).toEqual(['https://api.groq.com/openai/v1/chat/completions', 'https://api.together.xyz/v1/chat/completions']);
  });
});

describe('openai:responses:<model>', () => {
  it('calls the Responses API and maps text, usage and tool calls', async () => {
    const rules = [
      { match: { contains: 'weather' }, response: { content: '', tool_calls: [{ name: 'getWeather', arguments: { city: 'Paris' } }] } },
      { response: { content: 'Responses: {{last_user}}' } },
    ];
    const responses = await startMockServer({ mode: 'rules', rules, apiKey: 'sk-test', log: (line) => lines.push(line) });
    const lines: string[] = [];
    try {
      const handle = registry({ OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: `${responses.url}/v1` }).resolve('openai:responses:gpt-4.1-mini');
      const text = await handle.call(hello);
      expect(text.text).toBe('Responses: Hello');
      expect(text.usage.outputTokens).toBeGreaterThan(0);
      const tools = await handle.call({
        messages: [{ role: 'user', content: 'What is the weather?' }],
        tools: [{ name: 'getWeather', inputSchema: { type: 'object', properties: { city: { type: 'string' } } } }],
      });
      expect(tools.toolCalls).toEqual([{ toolName: 'getWeather', input: { city: 'Paris' } }]);
      expect(lines.every((line) => line.startsWith('POST /v1/responses 200'))).toBe(true);
    } finally {
      await responses.close();
    }
  });
});

describe('Azure OpenAI', () => {
  it('calls the deployment under the resource that config.apiBaseUrl names, with the api-key header', async () => {
    const wire = await server(() => openaiChatReply('from azure'));
    const handle = registry({ AZURE_OPENAI_API_KEY: 'azure-key' }).resolve({ id: 'azure:chat:gpt-4o-deployment1', config: { apiBaseUrl: wire.url, apiVersion: '2024-02-15-preview' } });
    expect((await handle.call(hello)).text).toBe('from azure');
    const [request] = wire.requests;
    expect(request!.path).toBe('/openai/deployments/gpt-4o-deployment1/chat/completions?api-version=2024-02-15-preview');
    expect(request!.headers['api-key']).toBe('azure-key');
    expect(request!.body.messages.at(-1)).toEqual({ role: 'user', content: 'Hello' });
  });

  it('reads the host from AZURE_OPENAI_API_HOST and the key from AZURE_API_KEY; says which key is missing', async () => {
    const wire = await server(() => openaiChatReply('ok'));
    const host = wire.url.replace('http://', '');
    const seen: string[] = [];
    const fetch: typeof globalThis.fetch = (input, init) => {
      seen.push(String(input));
      return globalThis.fetch(String(input).replace(`https://${host}`, wire.url), init);
    };
    await registry({ AZURE_OPENAI_API_HOST: host, AZURE_API_KEY: 'k' }, { fetch }).resolve('azureopenai:chat:dep').call(hello);
    expect(seen).toEqual([`https://${host}/openai/deployments/dep/chat/completions?api-version=2024-10-21`]);
    expect(() => registry({ AZURE_OPENAI_API_HOST: host }).checkKeys(['azure:chat:dep'])).toThrow(/AZURE_API_KEY is not set/);
    expect(() => registry().resolve('azure:chat:dep')).toThrow(/needs the address of your Azure OpenAI resource/);
  });
});

const geminiReply = (text: string): WireReply => ({
  body: {
    candidates: [{ content: { role: 'model', parts: [{ text }] }, finishReason: 'STOP', index: 0 }],
    usageMetadata: { promptTokenCount: 12, candidatesTokenCount: 3, totalTokenCount: 15 },
    modelVersion: 'gemini-2.5-flash',
  },
});

describe('Google AI Studio and Vertex', () => {
  it('google:<model> calls generateContent with the x-goog-api-key header', async () => {
    const wire = await server(() => geminiReply('from gemini'));
    const handle = registry({ GOOGLE_API_KEY: 'g-key' }).resolve({ id: 'google:gemini-2.5-flash', config: { apiBaseUrl: `${wire.url}/v1beta` } });
    const response = await handle.call(hello);
    expect(response).toMatchObject({ text: 'from gemini', usage: { inputTokens: 12, outputTokens: 3 } });
    const [request] = wire.requests;
    expect(request!.path).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(request!.headers['x-goog-api-key']).toBe('g-key');
    expect(request!.body.systemInstruction).toEqual({ parts: [{ text: 'Be brief.' }] });
    expect(request!.body.contents).toEqual([{ role: 'user', parts: [{ text: 'Hello' }] }]);
  });

  it('google: takes GEMINI_API_KEY too, and names GOOGLE_API_KEY when neither is set', () => {
    expect(() => registry({ GEMINI_API_KEY: 'k' }).checkKeys(['google:gemini-2.5-flash'])).not.toThrow();
    expect(() => registry().checkKeys(['google:gemini-2.5-flash'])).toThrow(/GOOGLE_API_KEY is not set/);
  });

  it('vertex:<model> with an API key (express mode) calls generateContent at its base URL', async () => {
    const wire = await server(() => geminiReply('from vertex'));
    const handle = registry({ GOOGLE_VERTEX_API_KEY: 'v-key' }).resolve({ id: 'vertex:gemini-2.5-pro', config: { apiBaseUrl: `${wire.url}/v1/publishers/google` } });
    expect((await handle.call(hello)).text).toBe('from vertex');
    expect(wire.requests[0]!.path).toBe('/v1/publishers/google/models/gemini-2.5-pro:generateContent');
    expect(wire.requests[0]!.headers['x-goog-api-key']).toBe('v-key');
    // Neither a key nor a project: nothing can sign the request.
    expect(() => registry().checkKeys(['vertex:gemini-2.5-pro'])).toThrow(/GOOGLE_VERTEX_API_KEY is not set/);
  });
});

describe('Amazon Bedrock (Converse)', () => {
  const converseReply = (text: string): WireReply => ({
    body: {
      output: { message: { role: 'assistant', content: [{ text }] } },
      stopReason: 'end_turn',
      usage: { inputTokens: 9, outputTokens: 4, totalTokens: 13 },
      metrics: { latencyMs: 5 },
    },
  });

  it('bedrock:<model id> signs a Converse call with the AWS credentials', async () => {
    const wire = await server(() => converseReply('from bedrock'));
    const env = { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret-example-key', AWS_REGION: 'eu-west-1' };
    const handle = registry(env).resolve({ id: 'bedrock:anthropic.claude-3-haiku-20240307-v1:0', config: { apiBaseUrl: wire.url } });
    expect(await handle.call(hello)).toMatchObject({ text: 'from bedrock', usage: { inputTokens: 9, outputTokens: 4 } });
    const [request] = wire.requests;
    expect(request!.path).toBe(`/model/${encodeURIComponent('anthropic.claude-3-haiku-20240307-v1:0')}/converse`);
    expect(request!.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/bedrock\/aws4_request/);
    expect(request!.body.system).toEqual([{ text: 'Be brief.' }]);
    expect(request!.body.messages).toEqual([{ role: 'user', content: [{ text: 'Hello' }] }]);
  });

  it('sends a Bedrock API key as a bearer token, and names the credentials when none are set', async () => {
    const wire = await server(() => converseReply('ok'));
    await registry({ AWS_BEARER_TOKEN_BEDROCK: 'bedrock-api-key' }).resolve({ id: 'bedrock:amazon.nova-lite-v1:0', config: { apiBaseUrl: wire.url } }).call(hello);
    expect(wire.requests[0]!.headers.authorization).toBe('Bearer bedrock-api-key');
    expect(() => registry().checkKeys(['bedrock:amazon.nova-lite-v1:0'])).toThrow(/AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY \(or AWS_BEARER_TOKEN_BEDROCK\) is not set/);
  });
});

describe('http (promptfoo HTTP provider)', () => {
  it('fills {{prompt}} into the body and reads the answer with transformResponse in the sandbox', async () => {
    const wire = await server((request) => ({ body: { result: { answer: `You said: ${request.body.input.message}` }, id: 7 } }));
    const handle = registry().resolve({
      id: 'http',
      config: {
        url: `${wire.url}/api/chat`,
        method: 'POST',
        headers: { 'x-team': 'support' },
        body: { input: { message: '{{prompt}}' }, raw: 'Q: {{ prompt | dump }}' },
        transformResponse: 'json.result.answer',
      },
    });
    const response = await handle.call({ messages: [{ role: 'user', content: 'Where is "my" order?' }] });
    expect(response.text).toBe('You said: Where is "my" order?');
    const [request] = wire.requests;
    expect(request!.path).toBe('/api/chat');
    expect(request!.headers['x-team']).toBe('support');
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.body).toEqual({ input: { message: 'Where is "my" order?' }, raw: 'Q: "Where is \\"my\\" order?"' });
  });

  it('takes the URL from the id, an arrow function over (json, text), and answers with the body when there is no transform', async () => {
    const wire = await server(() => ({ body: { output: 'plain' } }));
    const arrow = registry().resolve({
      id: `${wire.url}/generate`,
      config: { body: '{"text": {{prompt | dump}}}', headers: { 'content-type': 'application/json' }, transformResponse: '(json, text) => json.output + " / " + text.length' },
    });
    expect((await arrow.call({ messages: [{ role: 'user', content: 'Say "hi"' }] })).text).toBe('plain / 18');
    expect(wire.requests[0]!.body).toEqual({ text: 'Say "hi"' });
    const bare = registry().resolve({ id: 'http', config: { url: `${wire.url}/generate`, body: { q: '{{prompt}}' } } });
    expect((await bare.call({ messages: [{ role: 'user', content: 'Hi' }] })).text).toBe('{"output":"plain"}');
  });

  it('runs transformResponse in the sandbox, not in this process', async () => {
    const wire = await server(() => ({ body: { ok: true } }));
    const handle = registry().resolve({ id: 'http', config: { url: wire.url, body: { q: '{{prompt}}' }, transformResponse: 'typeof process === "undefined" && typeof require === "undefined" ? "sandboxed" : "host"' } });
    expect((await handle.call({ messages: [{ role: 'user', content: 'Hi' }] })).text).toBe('sandboxed');
  });

  it('fails the case, not the run, when transformResponse throws; and an HTTP error is a provider error', async () => {
    const wire = await server((_request, index) => (index === 0 ? { body: { other: 1 } } : { status: 503, body: 'busy' }));
    const handle = registry().resolve({ id: 'http', config: { url: wire.url, body: { q: '{{prompt}}' }, transformResponse: 'json.result.answer' } });
    await expect(handle.call({ messages: [{ role: 'user', content: 'Hi' }] })).rejects.toMatchObject({
      name: 'ProviderError',
      message: expect.stringMatching(/^http: transformResponse threw "TypeError: cannot read property 'answer' of undefined"/),
      concernsRequest: true,
    });
    await expect(handle.call({ messages: [{ role: 'user', content: 'Hi' }] })).rejects.toMatchObject({ name: 'ProviderError', statusCode: 503, isRetryable: true });
  });

  it('refuses a transformResponse that does not parse, or that lives in a file, before any call', () => {
    expect(() => registry().resolve({ id: 'http', config: { url: 'http://127.0.0.1:9/x', transformResponse: 'json.(' } })).toThrow(/transformResponse does not parse/);
    expect(() => registry().resolve({ id: 'http', config: { url: 'http://127.0.0.1:9/x', transformResponse: 'file://transform.js' } })).toThrow(/from a file is not supported/);
    expect(() => registry().resolve('http')).toThrow(/provider "http" needs config.url/);
  });
});
