import { ProviderError } from '@assay/spec';
import { afterEach, describe, expect, it } from 'vitest';
import { createProviderRegistry } from '../provider-registry.ts';
import { openaiChatReply, openaiError, startWireServer, type WireServer } from '../testing/wire-server.ts';
import type { RetryInfo } from '../types.ts';
import { retryAfterSeconds } from './retry.ts';

const servers: WireServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function openai(wire: WireServer, options: { retries?: number; timeoutMs?: number } = {}) {
  servers.push(wire);
  const retries: RetryInfo[] = [];
  const handle = createProviderRegistry({
    cwd: process.cwd(),
    env: { OPENAI_API_KEY: 'k', OPENAI_BASE_URL: wire.url },
    timeoutMs: options.timeoutMs ?? 5_000,
    retries: options.retries ?? 3,
    retryDelay: { baseMs: 10, maxMs: 50 },
    onRetry: (info) => retries.push(info),
  }).resolve('openai:gpt-4o-mini');
  return { handle, retries };
}

const request = { messages: [{ role: 'user' as const, content: 'hi' }] };

describe('retry middleware', () => {
  it('waits out retry-after-ms on a 429, then succeeds', async () => {
    const wire = await startWireServer((_, index) =>
      index === 0 ? openaiError(429, 'Rate limit reached', { 'retry-after-ms': '200' }) : openaiChatReply('after the wait'),
    );
    const { handle, retries } = await openai(wire);
    const response = await handle.call(request);

    expect(response.text).toBe('after the wait');
    expect(wire.requests).toHaveLength(2);
    const gap = wire.requests[1]!.receivedAt - wire.requests[0]!.receivedAt;
    expect(gap).toBeGreaterThanOrEqual(190);
    expect(retries).toEqual([{ provider: 'openai', attempt: 1, delayMs: 200, reason: expect.stringContaining('HTTP 429') }]);
  });

  it('honours Retry-After in seconds', async () => {
    const wire = await startWireServer((_, index) => (index === 0 ? openaiError(503, 'overloaded', { 'retry-after': '0.3' }) : openaiChatReply('ok')));
    const { handle, retries } = await openai(wire);
    await handle.call(request);
    expect(wire.requests[1]!.receivedAt - wire.requests[0]!.receivedAt).toBeGreaterThanOrEqual(290);
    expect(retries[0]!.delayMs).toBe(300);
  });

  it('retries two 500s with backoff, then succeeds', async () => {
    const wire = await startWireServer((_, index) => (index < 2 ? openaiError(500, 'internal error') : openaiChatReply('third time')));
    const { handle, retries } = await openai(wire);
    expect((await handle.call(request)).text).toBe('third time');
    expect(wire.requests).toHaveLength(3);
    expect(retries.map((retry) => retry.attempt)).toEqual([1, 2]);
    for (const retry of retries) expect(retry.delayMs).toBeLessThanOrEqual(50);
  });

  it('retries a malformed response body', async () => {
    const wire = await startWireServer((_, index) => (index === 0 ? { body: '{"choices": [' } : openaiChatReply('well-formed')));
    const { handle, retries } = await openai(wire);
    expect((await handle.call(request)).text).toBe('well-formed');
    expect(retries[0]!.reason).toContain('malformed');
  });

  it('retries an attempt that times out', async () => {
    const wire = await startWireServer((_, index) => (index === 0 ? { ...openaiChatReply('too late'), delayMs: 2_000 } : openaiChatReply('in time')));
    const { handle, retries } = await openai(wire, { timeoutMs: 150 });
    expect((await handle.call(request)).text).toBe('in time');
    expect(wire.requests).toHaveLength(2);
    expect(retries[0]!.reason).toContain('timed out after 150 ms');
  });

  it('gives up after `retries` with a retryable ProviderError and the last reason', async () => {
    const wire = await startWireServer(() => openaiError(502, 'bad gateway'));
    const { handle } = await openai(wire, { retries: 2 });
    const error = (await handle.call(request).catch((caught: unknown) => caught)) as ProviderError;
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ isRetryable: true, statusCode: 502 });
    expect(error.message).toContain('bad gateway');
    expect(error.message).toContain('3 attempts');
    expect(wire.requests).toHaveLength(3);
  });

  it('stops waiting when the caller aborts', async () => {
    const controller = new AbortController();
    const retried = Promise.withResolvers<void>();
    const wire = await startWireServer(() => openaiError(429, 'slow down', { 'retry-after': '30' }));
    servers.push(wire);
    const handle = createProviderRegistry({
      cwd: process.cwd(),
      env: { OPENAI_API_KEY: 'k', OPENAI_BASE_URL: wire.url },
      timeoutMs: 5_000,
      retries: 3,
      onRetry: () => retried.resolve(),
    }).resolve('openai:gpt-4o-mini');
    const pending = handle.call({ ...request, abortSignal: controller.signal });
    await retried.promise; // now inside the 30 s Retry-After wait
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('retryAfterSeconds', () => {
  it('reads retry-after-ms, seconds and HTTP dates', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(retryAfterSeconds({ 'retry-after-ms': '1500', 'retry-after': '9' }, now)).toBe(1.5);
    expect(retryAfterSeconds({ 'retry-after': '7' }, now)).toBe(7);
    expect(retryAfterSeconds({ 'retry-after': 'Wed, 01 Jan 2025 00:00:05 GMT' }, now)).toBe(5);
    expect(retryAfterSeconds({ 'retry-after': 'soon' }, now)).toBeUndefined();
    expect(retryAfterSeconds(undefined, now)).toBeUndefined();
  });
});
