import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, ProviderError } from '@assay/spec';
import { afterEach, describe, expect, it } from 'vitest';
import { parseEmbeddingId } from './create-embedding-model.ts';
import { hashedEmbedding } from './mock-server/embeddings.ts';
import { startMockServer, type MockServerHandle, type MockServerOptions } from './mock-server/index.ts';
import { createProviderRegistry } from './provider-registry.ts';
import type { ProviderRegistryOptions } from './types.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function mock(options: MockServerOptions = {}): Promise<MockServerHandle> {
  const server = await startMockServer(options);
  cleanups.push(() => server.close().catch(() => {})); // some tests stop it themselves
  return server;
}

function folder(): string {
  const directory = mkdtempSync(path.join(tmpdir(), 'assay-embeddings-'));
  cleanups.push(() => rmSync(directory, { recursive: true, force: true }));
  return directory;
}

function registry(server: MockServerHandle | undefined, options: Partial<ProviderRegistryOptions> = {}) {
  const env = server ? { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: `${server.url}/v1` } : {};
  return createProviderRegistry({ cwd: process.cwd(), env, timeoutMs: 5_000, retries: 0, retryDelay: { baseMs: 1, maxMs: 5 }, ...options });
}

const texts = ['The capital of France is Paris', 'Paris is the capital'];

describe('embedding models over real HTTP (the mock server)', () => {
  it("embeds with openai:<model> and promptfoo's openai:embedding:<model>, one vector per text in order", async () => {
    const server = await mock();
    for (const id of ['openai:text-embedding-3-small', 'openai:embedding:text-embedding-3-small']) {
      const handle = registry(server).resolveEmbedding(id);
      expect(handle).toMatchObject({ id, provider: 'openai', modelId: 'text-embedding-3-small' });
      const { embeddings, cached } = await handle.embed({ values: texts });
      expect(embeddings).toEqual(texts.map((text) => hashedEmbedding(text)));
      expect(cached).toBe(false);
    }
  });

  it('sends config.dimensions, and reaches Ollama and OpenAI-compatible servers through their base URLs', async () => {
    const server = await mock();
    const short = await registry(server).resolveEmbedding({ id: 'openai:text-embedding-3-small', config: { dimensions: 16 } }).embed({ values: ['hello'] });
    expect(short.embeddings[0]).toHaveLength(16);
    const ollama = registry(undefined, { env: { OLLAMA_BASE_URL: server.url } }).resolveEmbedding('ollama:embeddings:nomic-embed-text');
    expect((await ollama.embed({ values: ['hello'] })).embeddings).toEqual([hashedEmbedding('hello')]);
    const compatible = registry(undefined).resolveEmbedding({ id: 'openai-compatible:bge-m3', config: { apiBaseUrl: `${server.url}/v1` } });
    expect((await compatible.embed({ values: ['hello'] })).embeddings).toEqual([hashedEmbedding('hello')]);
  });

  it('caches each text on disk: a second call sends only the texts not seen yet, and one with none missing is cached', async () => {
    const server = await mock();
    const cache = { directory: folder() };
    await registry(server, { cache }).resolveEmbedding().embed({ values: texts });
    expect(server.stats().requests).toBe(1);
    const again = await registry(server, { cache }).resolveEmbedding().embed({ values: texts });
    expect(again).toMatchObject({ cached: true, embeddings: texts.map((text) => hashedEmbedding(text)) });
    expect(server.stats().requests).toBe(1);
    const mixed = await registry(server, { cache }).resolveEmbedding().embed({ values: ['new text', texts[0]!] });
    expect(mixed).toMatchObject({ cached: false, embeddings: [hashedEmbedding('new text'), hashedEmbedding(texts[0]!)] });
    expect(server.stats().requests).toBe(2);
  });

  it('records to a cassette and replays without the server or a key, and names a text it has no recording of', async () => {
    const server = await mock();
    const file = path.join(folder(), 'cassette.jsonl');
    const recording = registry(server, { cassette: { path: file, mode: 'record' } });
    await recording.resolveEmbedding().embed({ values: texts });
    await recording.resolveEmbedding().embed({ values: [texts[0]!] });
    await recording.flush();
    expect(server.stats().requests).toBe(1);
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ provider: 'openai', model: 'text-embedding-3-small', deployment: { baseUrl: `${server.url}/v1` } });
    expect(lines.map((line) => line.request.embed).sort()).toEqual([...texts].sort());
    await server.close();

    const replay = registry(undefined, { env: { OPENAI_BASE_URL: `${server.url}/v1` }, cassette: { path: file, mode: 'replay' } });
    expect(() => replay.checkEmbeddingKeys(['openai:text-embedding-3-small'])).not.toThrow();
    const replayed = await replay.resolveEmbedding().embed({ values: [texts[1]!, texts[0]!] });
    expect(replayed).toMatchObject({ cached: true, embeddings: [hashedEmbedding(texts[1]!), hashedEmbedding(texts[0]!)] });
    const missing = replay.resolveEmbedding().embed({ values: ['never recorded'] });
    await expect(missing).rejects.toThrow(ProviderError);
    await expect(missing).rejects.toThrow(/no cassette recording of the embedding by openai:text-embedding-3-small of "never recorded"/);
  });

  it("retries the mock server's injected 429s and 5xx, and gives up with the status after the retries", async () => {
    const flaky = await mock({ faults: { rate429: 0.3, rate5xx: 0.3 }, seed: 3 });
    const retries: number[] = [];
    const handle = registry(flaky, { retries: 8, onRetry: (info) => retries.push(info.attempt) }).resolveEmbedding();
    for (let index = 0; index < 5; index++) expect((await handle.embed({ values: [`text ${index}`] })).embeddings).toEqual([hashedEmbedding(`text ${index}`)]);
    expect(retries.length).toBeGreaterThan(0);
    expect(flaky.stats().faultsInjected).toBe(retries.length);

    const down = await mock({ faults: { rate429: 1 }, seed: 1 });
    const failing = registry(down, { retries: 1 }).resolveEmbedding().embed({ values: ['x'] });
    await expect(failing).rejects.toThrow(/HTTP 429.*gave up after 2 attempts/);
    const malformed = await mock({ faults: { rateMalformed: 1 } });
    await expect(registry(malformed).resolveEmbedding().embed({ values: ['x'] })).rejects.toMatchObject({ isRetryable: true });
  });

  it('says which key is missing, before the run and on a call', async () => {
    const keyless = registry(undefined);
    expect(() => keyless.checkEmbeddingKeys(['openai:text-embedding-3-small'])).toThrow(ConfigError);
    expect(() => keyless.checkEmbeddingKeys(['openai:text-embedding-3-small'])).toThrow(/embedding model openai:text-embedding-3-small \(OPENAI_API_KEY is not set\)/);
    await expect(keyless.resolveEmbedding().embed({ values: ['x'] })).rejects.toThrow(/no API key for the embedding model \(OPENAI_API_KEY is not set\)/);
    const server = await mock({ apiKey: 'right' });
    const wrong = registry(undefined, { env: { OPENAI_API_KEY: 'sk-wrong-key-123456', OPENAI_BASE_URL: `${server.url}/v1` } }).resolveEmbedding().embed({ values: ['x'] });
    await expect(wrong).rejects.toMatchObject({ statusCode: 401, isRetryable: false });
  });
});

describe('parseEmbeddingId', () => {
  it('reads ids with and without the embedding segment, and refuses providers without embedding models', () => {
    expect(parseEmbeddingId('openai:embeddings:text-embedding-3-large')).toEqual({ provider: 'openai', modelId: 'text-embedding-3-large' });
    expect(parseEmbeddingId('ollama:nomic-embed-text:latest')).toEqual({ provider: 'ollama', modelId: 'nomic-embed-text:latest' });
    expect(() => parseEmbeddingId('anthropic:claude-sonnet-4-5')).toThrow(/no embedding models from provider "anthropic"/);
    expect(() => parseEmbeddingId('text-embedding-3-small')).toThrow(expect.objectContaining({ hint: expect.stringContaining('did you mean "openai:text-embedding-3-small"?') }));
    expect(() => parseEmbeddingId('openai:embedding:')).toThrow(/names no model/);
  });
});
