import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, ProviderError } from '@assay/spec';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startMockServer } from '../mock-server/index.ts';
import { createProviderRegistry } from '../provider-registry.ts';
import { createKeyFunction, deploymentOf, recordedRequest, requestKey } from '../request-key.ts';
import { anthropicReply, openaiChatReply, startWireServer } from '../testing/wire-server.ts';

let directory: string;
beforeEach(async () => {
  directory = await mkdtemp(path.join(tmpdir(), 'assay-cassette-'));
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

const ask = (content: string) => ({ messages: [{ role: 'user' as const, content }] });

describe('cassettes', () => {
  it('records, then replays with the server gone', async () => {
    const wire = await startWireServer((request) => openaiChatReply(`echo: ${request.body.messages[0].content}`, { prompt: 9, completion: 2 }));
    const env = { OPENAI_API_KEY: 'k', OPENAI_BASE_URL: wire.url };
    const recorder = createProviderRegistry({ cwd: directory, env, cassette: { path: 'fixtures/run.jsonl', mode: 'record' }, timeoutMs: 5_000, retries: 0 });
    const model = recorder.resolve('openai:gpt-4o-mini');
    const recorded = [await model.call(ask('zeta')), await model.call(ask('alpha'))];
    await recorder.flush();
    await wire.close();

    const lines = (await readFile(path.join(directory, 'fixtures/run.jsonl'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line));
    expect(lines).toHaveLength(2);
    expect(lines.map((line) => line.key)).toEqual([...lines.map((line) => line.key)].sort());
    expect(lines[0]).toMatchObject({ provider: 'openai', model: 'gpt-4o-mini', request: { prompt: expect.any(Array), settings: {} }, response: { content: expect.any(Array), finishReason: { unified: 'stop' }, usage: expect.any(Object) } });

    // Replay needs no key and no server (the suite still names the server: it is part of the key).
    const player = createProviderRegistry({ cwd: directory, env: { OPENAI_BASE_URL: wire.url }, cassette: { path: 'fixtures/run.jsonl', mode: 'replay' }, timeoutMs: 5_000, retries: 0 });
    const replayed = player.resolve('openai:gpt-4o-mini');
    const zeta = await replayed.call(ask('zeta'));
    expect(zeta).toMatchObject({ text: 'echo: zeta', cached: true, usage: recorded[0]!.usage, finishReason: 'stop' });
    expect((await replayed.call(ask('alpha'))).text).toBe('echo: alpha');
  });

  it('keeps earlier entries when recording more', async () => {
    const wire = await startWireServer(() => anthropicReply('hi'));
    const options = {
      cwd: directory,
      env: { ANTHROPIC_API_KEY: 'k', ANTHROPIC_BASE_URL: `${wire.url}/v1` },
      cassette: { path: 'c.jsonl', mode: 'record' as const },
      timeoutMs: 5_000,
      retries: 0,
    };
    const first = createProviderRegistry(options);
    await first.resolve('anthropic:claude-haiku-4-5').call(ask('one'));
    await first.flush();
    const second = createProviderRegistry(options);
    await second.resolve('anthropic:claude-haiku-4-5').call(ask('two'));
    await second.flush();
    await wire.close();
    expect((await readFile(path.join(directory, 'c.jsonl'), 'utf8')).trim().split('\n')).toHaveLength(2);
  });

  it('fails a replay miss without retrying, naming the prompt and --record', async () => {
    await writeFile(path.join(directory, 'empty.jsonl'), '');
    const player = createProviderRegistry({ cwd: directory, env: {}, cassette: { path: 'empty.jsonl', mode: 'replay' }, timeoutMs: 5_000, retries: 3 });
    const error = (await player.resolve('openai:gpt-4o').call(ask('What is the refund policy?')).catch((caught: unknown) => caught)) as ProviderError;
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.isRetryable).toBe(false);
    expect(error.message).toContain('no cassette recording for openai:gpt-4o prompt "What is the refund policy?"');
    expect(error.hint).toContain('--record');
  });

  it('reports a missing cassette file and a broken line as config errors', async () => {
    const missing = createProviderRegistry({ cwd: directory, env: {}, cassette: { path: 'nope.jsonl', mode: 'replay' }, timeoutMs: 5_000, retries: 0 });
    await expect(missing.resolve('echo').call(ask('x'))).rejects.toBeInstanceOf(ConfigError);

    await writeFile(path.join(directory, 'broken.jsonl'), '{"key":"a","response":{}}\nnot json\n');
    const broken = createProviderRegistry({ cwd: directory, env: {}, cassette: { path: 'broken.jsonl', mode: 'replay' }, timeoutMs: 5_000, retries: 0 });
    await expect(broken.resolve('echo').call(ask('x'))).rejects.toMatchObject({ line: 2, location: expect.stringContaining('broken.jsonl:2') });
  });

  // Issue 10: a recording of one server no longer answers for another.
  describe('the deployment in the key', () => {
    const options = (mode: 'record' | 'replay', baseUrl: string) => ({
      cwd: directory,
      env: { OPENAI_API_KEY: 'k', OPENAI_BASE_URL: baseUrl },
      cassette: { path: 'c.jsonl', mode },
      timeoutMs: 5_000,
      retries: 0,
    });
    const readEntries = async () => (await readFile(path.join(directory, 'c.jsonl'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line));

    it('a replay pointed at another server misses; the entry names the server it came from', async () => {
      const server = await startMockServer({ mode: 'rules', rules: [{ response: { content: 'from A' } }] });
      const recorder = createProviderRegistry(options('record', `${server.url}/v1`));
      await recorder.resolve('openai:gpt-4o-mini').call(ask('hello'));
      await recorder.flush();
      await server.close();
      expect(await readEntries()).toEqual([expect.objectContaining({ deployment: { baseUrl: `${server.url}/v1` } })]);

      const same = createProviderRegistry(options('replay', `${server.url}/v1`));
      expect(await same.resolve('openai:gpt-4o-mini').call(ask('hello'))).toMatchObject({ text: 'from A', cached: true });
      const other = createProviderRegistry(options('replay', 'http://127.0.0.1:9/v1'));
      await expect(other.resolve('openai:gpt-4o-mini').call(ask('hello'))).rejects.toThrow(/no cassette recording for openai:gpt-4o-mini prompt "hello"/);
    });

    it('keeps keys for the default endpoint, so cassettes recorded against the provider itself replay as before', () => {
      const params = { prompt: [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'hello' }] }] };
      const before = requestKey('openai', 'gpt-4o-mini', recordedRequest(params));
      const atDefault = createKeyFunction('openai', 'gpt-4o-mini', deploymentOf('https://api.openai.com/v1/', undefined))(params);
      expect(atDefault.key).toBe(before);
      expect(atDefault.legacyKey).toBeUndefined();
      expect(createKeyFunction('openai', 'gpt-4o-mini', deploymentOf('http://127.0.0.1:8000/v1', undefined))(params)).toMatchObject({ key: expect.not.stringMatching(before), legacyKey: before });
    });

    it('replays an entry recorded before deployments were keyed, and a new recording replaces it', async () => {
      const server = await startMockServer({ mode: 'rules', rules: [{ response: { content: 'recorded now' } }] });
      try {
        const baseUrl = `${server.url}/v1`;
        const params = { prompt: [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'hello' }] }] };
        const request = recordedRequest(params);
        const old = { key: requestKey('openai', 'gpt-4o-mini', request), provider: 'openai', model: 'gpt-4o-mini', request, response: { content: [{ type: 'text', text: 'recorded then' }], finishReason: { unified: 'stop', raw: 'stop' }, usage: { inputTokens: { total: 1 }, outputTokens: { total: 2 } } } };
        await writeFile(path.join(directory, 'c.jsonl'), `${JSON.stringify(old)}\n`);

        const player = createProviderRegistry(options('replay', baseUrl));
        expect(await player.resolve('openai:gpt-4o-mini').call(ask('hello'))).toMatchObject({ text: 'recorded then', cached: true });
        expect(server.stats().requests).toBe(0);

        const recorder = createProviderRegistry(options('record', baseUrl));
        expect((await recorder.resolve('openai:gpt-4o-mini').call(ask('hello'))).text).toBe('recorded now');
        await recorder.flush();
        const entries = await readEntries();
        expect(entries).toEqual([expect.objectContaining({ deployment: { baseUrl }, response: expect.objectContaining({ content: [{ type: 'text', text: 'recorded now' }] }) })]);
        expect(entries[0].key).not.toBe(old.key);
      } finally {
        await server.close();
      }
    });
  });
});
