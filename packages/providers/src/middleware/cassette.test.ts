import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, ProviderError } from '@assay/spec';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProviderRegistry } from '../provider-registry.ts';
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

    // Replay needs no key and no server.
    const player = createProviderRegistry({ cwd: directory, env: {}, cassette: { path: 'fixtures/run.jsonl', mode: 'replay' }, timeoutMs: 5_000, retries: 0 });
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
});
