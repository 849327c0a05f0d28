import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockServer, type MockServerHandle, type MockServerOptions } from './index.ts';

const servers: MockServerHandle[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

async function start(options: MockServerOptions = {}): Promise<MockServerHandle> {
  const server = await startMockServer(options);
  servers.push(server);
  return server;
}

function post(server: MockServerHandle, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

const chat = (content: string, extra: Record<string, unknown> = {}) => ({ model: 'mock-model', messages: [{ role: 'user', content }], ...extra });
const message = (content: string, extra: Record<string, unknown> = {}) => ({
  model: 'claude-mock',
  max_tokens: 100,
  messages: [{ role: 'user', content }],
  ...extra,
});

/** Splits an SSE body into frames, checking every frame ends with a blank line. */
function sseFrames(text: string): string[] {
  expect(text.endsWith('\n\n')).toBe(true);
  return text.slice(0, -2).split('\n\n');
}

function openAIData(text: string): unknown[] {
  return sseFrames(text).map((frame) => {
    expect(frame.startsWith('data: ')).toBe(true);
    const data = frame.slice(6);
    return data === '[DONE]' ? '[DONE]' : JSON.parse(data);
  });
}

function anthropicEvents(text: string): { event: string; data: Record<string, any> }[] {
  return sseFrames(text).map((frame) => {
    const [eventLine, dataLine] = frame.split('\n');
    expect(eventLine).toMatch(/^event: /);
    expect(dataLine).toMatch(/^data: /);
    const data = JSON.parse(dataLine!.slice(6));
    expect(data.type).toBe(eventLine!.slice(7));
    return { event: eventLine!.slice(7), data };
  });
}

const weatherRules: MockServerOptions['rules'] = [
  { match: { contains: 'weather' }, response: { content: '', tool_calls: [{ name: 'get_weather', arguments: { city: 'Paris', unit: 'celsius' } }] } },
  { response: { content: 'You said: {{last_user}}' } },
];

describe('OpenAI chat completions', () => {
  let server: MockServerHandle;
  beforeAll(async () => {
    server = await start({ mode: 'rules', rules: weatherRules });
  });

  it('answers non-streaming requests in the chat.completion shape with usage details', async () => {
    const response = await post(server, '/v1/chat/completions', chat('Hello there, mock'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    const body = await response.json();
    expect(body).toMatchObject({
      object: 'chat.completion',
      model: 'mock-model',
      choices: [{ index: 0, message: { role: 'assistant', content: 'You said: Hello there, mock' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 5, completion_tokens: 7, total_tokens: 12, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } },
    });
    expect(body.id).toMatch(/^chatcmpl-/);
  });

  it('streams data: chunks, a usage chunk when asked, and data: [DONE]', async () => {
    const response = await post(server, '/v1/chat/completions', chat('one two three four', { stream: true, stream_options: { include_usage: true } }));
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const chunks = openAIData(await response.text()) as any[];
    expect(chunks.at(-1)).toBe('[DONE]');
    const usageChunk = chunks.at(-2);
    expect(usageChunk.choices).toEqual([]);
    expect(usageChunk.usage).toMatchObject({ prompt_tokens: 5, total_tokens: usageChunk.usage.prompt_tokens + usageChunk.usage.completion_tokens });
    const content = chunks.slice(0, -2);
    expect(content[0].choices[0].delta.role).toBe('assistant');
    expect(content.map((chunk) => chunk.choices[0].delta.content ?? '').join('')).toBe('You said: one two three four');
    expect(content.at(-1).choices[0].finish_reason).toBe('stop');
    expect(content.every((chunk) => chunk.object === 'chat.completion.chunk' && chunk.usage === null)).toBe(true);
  });

  it('streams without a usage chunk when include_usage is not set', async () => {
    const chunks = openAIData(await (await post(server, '/v1/chat/completions', chat('hi', { stream: true }))).text()) as any[];
    expect(chunks.at(-1)).toBe('[DONE]');
    expect(chunks.some((chunk) => chunk !== '[DONE]' && 'usage' in chunk)).toBe(false);
  });

  it('returns tool calls in the chat.completion shape', async () => {
    const body = await (await post(server, '/v1/chat/completions', chat('What is the weather in Paris?'))).json();
    expect(body.choices[0].finish_reason).toBe('tool_calls');
    expect(body.choices[0].message.content).toBeNull();
    expect(body.choices[0].message.tool_calls).toEqual([
      { id: expect.stringMatching(/^call_/), type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' } },
    ]);
  });

  it('streams tool calls as tool_call deltas', async () => {
    const chunks = openAIData(await (await post(server, '/v1/chat/completions', chat('weather?', { stream: true }))).text()) as any[];
    const deltas = chunks.filter((chunk) => chunk !== '[DONE]' && chunk.choices[0]?.delta.tool_calls).map((chunk) => chunk.choices[0].delta.tool_calls[0]);
    expect(deltas[0]).toMatchObject({ index: 0, id: expect.stringMatching(/^call_/), type: 'function', function: { name: 'get_weather', arguments: '' } });
    expect(deltas.length).toBeGreaterThan(2);
    expect(JSON.parse(deltas.map((delta) => delta.function.arguments).join(''))).toEqual({ city: 'Paris', unit: 'celsius' });
    expect(chunks.at(-2).choices[0].finish_reason).toBe('tool_calls');
  });

  it('lists models', async () => {
    const body = await (await fetch(`${server.url}/v1/models`)).json();
    expect(body.object).toBe('list');
    expect(body.data[0]).toMatchObject({ id: 'mock-model', object: 'model' });
  });
});

describe('Anthropic messages', () => {
  let server: MockServerHandle;
  beforeAll(async () => {
    server = await start({ mode: 'rules', rules: weatherRules });
  });

  it('answers non-streaming requests in the message shape', async () => {
    const body = await (await post(server, '/v1/messages', message('Hello', { system: 'Be brief.' }))).json();
    expect(body).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: 'claude-mock',
      content: [{ type: 'text', text: 'You said: Hello' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 4, output_tokens: 4, cache_read_input_tokens: 0 },
    });
    expect(body.id).toMatch(/^msg_/);
  });

  it('streams the real event sequence', async () => {
    const response = await post(server, '/v1/messages', message('stream me please', { stream: true }));
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = anthropicEvents(await response.text());
    const names = events.map((event) => event.event).filter((name) => name !== 'ping');
    expect(names[0]).toBe('message_start');
    expect(names[1]).toBe('content_block_start');
    expect(names.slice(2, -3).every((name) => name === 'content_block_delta')).toBe(true);
    expect(names.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
    expect(events[0]!.data.message).toMatchObject({ role: 'assistant', content: [], stop_reason: null, usage: { input_tokens: 4 } });
    const text = events.filter((event) => event.event === 'content_block_delta').map((event) => event.data.delta.text).join('');
    expect(text).toBe('You said: stream me please');
    expect(events.find((event) => event.event === 'message_delta')!.data).toMatchObject({
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { output_tokens: 7 },
    });
  });

  it('returns and streams tool_use blocks', async () => {
    const body = await (await post(server, '/v1/messages', message('weather in Paris?'))).json();
    expect(body.stop_reason).toBe('tool_use');
    expect(body.content).toEqual([{ type: 'tool_use', id: expect.stringMatching(/^toolu_/), name: 'get_weather', input: { city: 'Paris', unit: 'celsius' } }]);

    const events = anthropicEvents(await (await post(server, '/v1/messages', message('weather in Paris?', { stream: true }))).text());
    const start = events.find((event) => event.event === 'content_block_start')!;
    expect(start.data.content_block).toMatchObject({ type: 'tool_use', name: 'get_weather', input: {} });
    const json = events
      .filter((event) => event.event === 'content_block_delta')
      .map((event) => {
        expect(event.data.delta.type).toBe('input_json_delta');
        return event.data.delta.partial_json;
      })
      .join('');
    expect(JSON.parse(json)).toEqual({ city: 'Paris', unit: 'celsius' });
    expect(events.find((event) => event.event === 'message_delta')!.data.delta.stop_reason).toBe('tool_use');
  });
});

describe('errors in provider shapes', () => {
  let server: MockServerHandle;
  beforeAll(async () => {
    server = await start({ apiKey: 'sk-test' });
  });
  const openAIAuth = { authorization: 'Bearer sk-test' };
  const anthropicAuth = { 'x-api-key': 'sk-test' };

  it('rejects a missing or wrong key with 401', async () => {
    const openai = await post(server, '/v1/chat/completions', chat('hi'), { authorization: 'Bearer wrong' });
    expect(openai.status).toBe(401);
    expect(await openai.json()).toEqual({ error: { message: expect.any(String), type: 'invalid_request_error', param: null, code: 'invalid_api_key' } });
    const anthropic = await post(server, '/v1/messages', message('hi'));
    expect(anthropic.status).toBe(401);
    expect(await anthropic.json()).toEqual({ type: 'error', error: { type: 'authentication_error', message: expect.any(String) } });
  });

  it('answers 400 for unparsable and invalid bodies', async () => {
    const badJson = await post(server, '/v1/chat/completions', '{"model":', openAIAuth);
    expect(badJson.status).toBe(400);
    expect((await badJson.json()).error.type).toBe('invalid_request_error');
    const noMessages = await post(server, '/v1/chat/completions', { model: 'x', messages: [] }, openAIAuth);
    expect(noMessages.status).toBe(400);
    const noMaxTokens = await post(server, '/v1/messages', { model: 'x', messages: [{ role: 'user', content: 'hi' }] }, anthropicAuth);
    expect(noMaxTokens.status).toBe(400);
    expect(await noMaxTokens.json()).toEqual({ type: 'error', error: { type: 'invalid_request_error', message: 'max_tokens: Field required' } });
  });

  it('answers 404 for unknown routes', async () => {
    const response = await fetch(`${server.url}/chat/completions`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(404);
    expect((await response.json()).error.message).toMatch(/Unknown route/);
  });

  it('accepts the right key', async () => {
    expect((await post(server, '/v1/chat/completions', chat('hi'), openAIAuth)).status).toBe(200);
    expect((await post(server, '/v1/messages', message('hi'), anthropicAuth)).status).toBe(200);
  });
});

describe('fault injection', () => {
  it('answers 429 with Retry-After in both shapes', async () => {
    const server = await start({ faults: { rate429: 1, retryAfterSeconds: 3 } });
    const openai = await post(server, '/v1/chat/completions', chat('hi'));
    expect(openai.status).toBe(429);
    expect(openai.headers.get('retry-after')).toBe('3');
    expect((await openai.json()).error).toMatchObject({ type: 'requests', code: 'rate_limit_exceeded' });
    const anthropic = await post(server, '/v1/messages', message('hi'));
    expect(anthropic.status).toBe(429);
    expect(anthropic.headers.get('retry-after')).toBe('3');
    expect((await anthropic.json()).error.type).toBe('rate_limit_error');
    expect(server.stats()).toMatchObject({ requests: 2, byStatus: { 429: 2 }, faultsInjected: 2 });
  });

  it('injects about the configured share of 5xx, deterministically for a seed', async () => {
    const run = async () => {
      const server = await start({ faults: { rate5xx: 0.25 }, seed: 42 });
      const statuses: number[] = [];
      for (let index = 0; index < 200; index++) {
        const response = await post(server, '/v1/chat/completions', chat(`request ${index}`));
        await response.arrayBuffer();
        statuses.push(response.status);
      }
      return { statuses, stats: server.stats() };
    };
    const first = await run();
    const failures = first.statuses.filter((status) => status >= 500);
    expect(failures.length).toBeGreaterThan(30);
    expect(failures.length).toBeLessThan(70);
    expect(new Set(failures)).toEqual(new Set([500, 502, 503]));
    expect(first.stats.requests).toBe(200);
    expect(first.stats.faultsInjected).toBe(failures.length);
    expect(Object.values(first.stats.byStatus).reduce((sum, count) => sum + count, 0)).toBe(200);
    expect((await run()).statuses).toEqual(first.statuses);
  });

  it('answers 200 with a malformed JSON body', async () => {
    const server = await start({ faults: { rateMalformed: 1 } });
    const response = await post(server, '/v1/chat/completions', chat('hi'));
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text.startsWith('{')).toBe(true);
    expect(() => JSON.parse(text)).toThrow();
    expect(server.stats().faultsByKind.malformed).toBe(1);
  });

  it('cuts streams before [DONE] / message_stop, and leaves non-streaming requests alone', async () => {
    const server = await start({ faults: { rateCutStream: 1 } });
    const readAll = async (response: Response) => {
      const decoder = new TextDecoder();
      let text = '';
      let failed = false;
      try {
        for await (const chunk of response.body!) text += decoder.decode(chunk, { stream: true });
      } catch {
        failed = true;
      }
      return { text, failed };
    };
    const openai = await readAll(await post(server, '/v1/chat/completions', chat('a fairly long message to stream in pieces', { stream: true })));
    expect(openai.failed).toBe(true);
    expect(openai.text).toContain('data: {');
    expect(openai.text).not.toContain('[DONE]');
    const anthropic = await readAll(await post(server, '/v1/messages', message('a fairly long message to stream in pieces', { stream: true })));
    expect(anthropic.failed).toBe(true);
    expect(anthropic.text).toContain('event: message_start');
    expect(anthropic.text).not.toContain('message_stop');
    expect((await post(server, '/v1/chat/completions', chat('not streamed'))).status).toBe(200);
    // The server keeps serving after destroyed sockets.
    expect(server.stats()).toMatchObject({ requests: 3, faultsInjected: 2 });
  });

  it('delays responses by the configured latency', async () => {
    const server = await start({ faults: { latencyMs: { min: 60, max: 80 } } });
    const started = performance.now();
    await (await post(server, '/v1/chat/completions', chat('hi'))).json();
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
  });
});

describe('modes', () => {
  it('echoes the last user message text, including text parts', async () => {
    const server = await start();
    const body = await (
      await post(server, '/v1/chat/completions', {
        model: 'm',
        messages: [
          { role: 'user', content: 'first' },
          { role: 'assistant', content: 'ok' },
          { role: 'user', content: [{ type: 'text', text: 'second ' }, { type: 'text', text: 'part' }] },
        ],
      })
    ).json();
    expect(body.choices[0].message.content).toBe('second part');
  });

  it('matches rules by contains, regex, model and system, in order, with scripted statuses and delays', async () => {
    const server = await start({
      mode: 'rules',
      rules: [
        { match: { system: 'pirate' }, response: { content: 'Arr' } },
        { match: { model: 'gpt-4o*' }, response: { content: 'four-o' } },
        { match: { regex: '^\\d+$' }, response: { content: 'a number' } },
        { match: { contains: 'down' }, response: { status: 503, content: 'Service down' } },
        { match: { contains: 'slow' }, response: { content: 'finally', delay_ms: 50 } },
      ],
    });
    const ask = async (body: unknown) => (await post(server, '/v1/chat/completions', body)).json();
    expect((await ask({ model: 'm', messages: [{ role: 'system', content: 'You are a pirate.' }, { role: 'user', content: 'hi' }] })).choices[0].message.content).toBe('Arr');
    expect((await ask(chat('hi', { model: 'gpt-4o-mini' }))).choices[0].message.content).toBe('four-o');
    expect((await ask(chat('12345'))).choices[0].message.content).toBe('a number');
    // No rule matches and no default: echo.
    expect((await ask(chat('nothing matches'))).choices[0].message.content).toBe('nothing matches');
    const down = await post(server, '/v1/messages', message('is it down?'));
    expect(down.status).toBe(503);
    expect(await down.json()).toEqual({ type: 'error', error: { type: 'api_error', message: 'Service down' } });
    const started = performance.now();
    expect((await ask(chat('slow one'))).choices[0].message.content).toBe('finally');
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
  });
});
