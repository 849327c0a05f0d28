import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startMockServer, type MockServerHandle } from '../mock-server/index.ts';
import { createProviderRegistry } from '../provider-registry.ts';
import { openaiChatReply, startWireServer, type WireServer } from '../testing/wire-server.ts';

let directory: string;
let wire: WireServer;
beforeEach(async () => {
  directory = await mkdtemp(path.join(tmpdir(), 'assay-cache-'));
  wire = await startWireServer((_, index) => openaiChatReply(`reply ${index}`, { prompt: 12, completion: 3, cached: 4 }));
});
afterEach(async () => {
  await wire.close();
  await rm(directory, { recursive: true, force: true });
});

function handle() {
  return createProviderRegistry({
    cwd: directory,
    env: { OPENAI_API_KEY: 'k', OPENAI_BASE_URL: wire.url },
    cache: { directory: 'cache' },
    timeoutMs: 5_000,
    retries: 0,
  }).resolve('openai:gpt-4o-mini');
}

const request = { messages: [{ role: 'user' as const, content: 'What is 2+2?' }], settings: { temperature: 0 } };

describe('cache middleware', () => {
  it('serves a repeated request from disk without touching the network', async () => {
    const first = await handle().call(request);
    // A fresh registry: the hit comes from the file, not from memory.
    const second = await handle().call(request);

    expect(wire.requests).toHaveLength(1);
    expect(first.cached).toBe(false);
    expect(second).toMatchObject({ cached: true, text: 'reply 0', finishReason: 'stop', usage: first.usage });

    const shards = await readdir(path.join(directory, 'cache'));
    expect(shards).toHaveLength(1);
    const files = await readdir(path.join(directory, 'cache', shards[0]!));
    expect(files).toEqual([expect.stringMatching(/^[0-9a-f]{64}\.json$/)]);
    const entry = JSON.parse(await readFile(path.join(directory, 'cache', shards[0]!, files[0]!), 'utf8'));
    expect(entry).toMatchObject({ provider: 'openai', model: 'gpt-4o-mini', request: { settings: { temperature: 0 } } });
  });

  it('misses when settings, tools, schema or repeat change', async () => {
    const model = handle();
    await model.call(request);
    await model.call({ ...request, settings: { temperature: 1 } });
    await model.call({ ...request, outputSchema: { type: 'object' } });
    await model.call({ ...request, tools: [{ name: 'calc' }] });
    await model.call({ ...request, repeat: 1 });
    await model.call({ ...request, repeat: 0 }); // repeat 0 is the plain request
    expect(wire.requests).toHaveLength(5);
  });
});

// Issue 10: the same suite pointed at a second server returned the first server's cached answers.
describe('cache keys hold the deployment, not the credentials', () => {
  let serverA: MockServerHandle;
  let serverB: MockServerHandle;
  beforeEach(async () => {
    serverA = await startMockServer({ mode: 'rules', rules: [{ response: { content: 'from A' } }] });
    serverB = await startMockServer({ mode: 'rules', rules: [{ response: { content: 'from B' } }] });
  });
  afterEach(async () => {
    await serverA.close();
    await serverB.close();
  });

  const registry = () => createProviderRegistry({ cwd: directory, env: {}, cache: { directory: 'cache' }, timeoutMs: 5_000, retries: 0 });
  const entry = (server: MockServerHandle, config: { apiKey: string; headers?: Record<string, string> }) => ({
    id: 'openai:gpt-4o-mini',
    config: { apiBaseUrl: `${server.url}/v1`, ...config },
  });

  it("another base URL or deployment header misses; another key or credential header does not", async () => {
    const ask = (config: ReturnType<typeof entry>) => registry().resolve(config).call(request);
    expect(await ask(entry(serverA, { apiKey: 'key-one-for-a' }))).toMatchObject({ text: 'from A', cached: false });
    expect(await ask(entry(serverB, { apiKey: 'key-one-for-b' }))).toMatchObject({ text: 'from B', cached: false });
    expect(await ask(entry(serverB, { apiKey: 'key-two-for-b', headers: { 'x-api-key': 'credential-header-value' } }))).toMatchObject({ text: 'from B', cached: true });
    expect(await ask(entry(serverB, { apiKey: 'key-one-for-b', headers: { 'OpenAI-Organization': 'org-acme' } }))).toMatchObject({ text: 'from B', cached: false });
    expect([serverA.stats().requests, serverB.stats().requests]).toEqual([1, 2]);

    const entries = (await readdir(path.join(directory, 'cache'), { recursive: true }))
      .filter((name) => name.endsWith('.json'))
      .map((name) => readFileSync(path.join(directory, 'cache', name), 'utf8'));
    expect(entries).toHaveLength(3);
    const text = entries.join('\n');
    expect(text).toContain(`"deployment":{"baseUrl":"${serverB.url}/v1","headers":["openai-organization"]}`);
    expect(text).not.toMatch(/key-one|key-two|credential-header-value|org-acme/);
  });
});
