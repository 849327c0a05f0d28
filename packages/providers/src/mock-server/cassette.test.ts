import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCassette } from './cassette.ts';
import { startMockServer, type MockServerHandle } from './mock-server.ts';

let directory: string;
let path: string;
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'assay-mock-cassette-'));
  path = join(directory, 'cassette.jsonl');
  const lines = [
    { match: { last_user: 'What is 2+2?' }, response: { content: '4' } },
    { match: { contains: 'weather' }, response: { tool_calls: [{ name: 'get_weather', arguments: { city: 'Oslo' } }] } },
    // A recorded exchange: AI SDK prompt in, AI SDK content parts out.
    {
      request: { prompt: [{ role: 'system', content: 'Be kind.' }, { role: 'user', content: [{ type: 'text', text: 'Say hi' }] }] },
      response: { content: [{ type: 'text', text: 'Hi!' }] },
    },
    // A recorded exchange: OpenAI messages in, OpenAI body out.
    {
      request: { messages: [{ role: 'user', content: 'Capital of France?' }] },
      response: { choices: [{ message: { role: 'assistant', content: 'Paris' } }] },
    },
  ];
  await writeFile(path, `# recorded by hand\n${lines.map((line) => JSON.stringify(line)).join('\n')}\n\n`);
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('cassette mode', () => {
  let server: MockServerHandle;
  beforeAll(async () => {
    server = await startMockServer({ cassettePath: path });
  });
  afterAll(() => server.close());

  const ask = async (content: string) =>
    (await fetch(`${server.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content }] }) })).json();

  it('replays entries by exact last user message, in every accepted line shape', async () => {
    expect((await ask('What is 2+2?')).choices[0].message.content).toBe('4');
    expect((await ask('Say hi')).choices[0].message.content).toBe('Hi!');
    expect((await ask('Capital of France?')).choices[0].message.content).toBe('Paris');
    expect((await ask('weather in Oslo')).choices[0].message.tool_calls[0].function).toEqual({ name: 'get_weather', arguments: '{"city":"Oslo"}' });
  });

  it('answers 404 in the provider shape on a miss', async () => {
    const response = await fetch(`${server.url}/v1/messages`, {
      method: 'POST',
      body: JSON.stringify({ model: 'c', max_tokens: 10, messages: [{ role: 'user', content: 'unknown question' }] }),
    });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ type: 'error', error: { type: 'not_found_error', message: expect.stringContaining('unknown question') } });
  });
});

it('points at the line of an unreadable cassette entry', async () => {
  const bad = join(directory, 'bad.jsonl');
  await writeFile(bad, `{"match":{"last_user":"a"},"response":{"content":"b"}}\n{not json}\n`);
  await expect(loadCassette(bad)).rejects.toMatchObject({ name: 'ConfigError', file: bad, line: 2 });
});
