import { afterEach, describe, expect, it, vi } from 'vitest';
import { createProviderRegistry } from '../provider-registry.ts';
import { openaiChatReply, startWireServer, type WireServer } from '../testing/wire-server.ts';
import { Semaphore, TokenBucket } from './rate-limit.ts';

let wire: WireServer | undefined;
afterEach(async () => {
  await wire?.close();
  vi.useRealTimers();
});

describe('rate limit middleware', () => {
  it('never has more than `concurrency` requests open at the server', async () => {
    wire = await startWireServer(() => ({ ...openaiChatReply('ok'), delayMs: 20 }));
    const handle = createProviderRegistry({ cwd: process.cwd(), env: { OPENAI_API_KEY: 'k', OPENAI_BASE_URL: wire.url }, timeoutMs: 5_000, retries: 0 }).resolve({
      id: 'openai:gpt-4o-mini',
      limits: { concurrency: 3 },
    });
    expect(handle.limits).toEqual({ concurrency: 3 });
    const calls = Array.from({ length: 12 }, (_, index) => handle.call({ messages: [{ role: 'user', content: `q${index}` }] }));
    await Promise.all(calls);
    expect(wire.requests).toHaveLength(12);
    expect(wire.maxInFlight).toBe(3);
  });
});

describe('Semaphore', () => {
  it('hands slots over in arrival order', async () => {
    const semaphore = new Semaphore(1);
    expect(semaphore.acquire()).toBeUndefined();
    const order: number[] = [];
    const second = semaphore.acquire()!.then(() => order.push(2));
    const third = semaphore.acquire()!.then(() => order.push(3));
    semaphore.release();
    await second;
    semaphore.release();
    await third;
    expect(order).toEqual([2, 3]);
    semaphore.release();
    expect(semaphore.active).toBe(0);
  });

  it('drops a waiter whose signal aborts', async () => {
    const semaphore = new Semaphore(1);
    semaphore.acquire();
    const controller = new AbortController();
    const waiting = semaphore.acquire(controller.signal)!;
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
    semaphore.release();
    expect(semaphore.active).toBe(0);
  });
});

describe('TokenBucket', () => {
  it('lets a burst through, then paces requests by timer', async () => {
    vi.useFakeTimers();
    const bucket = new TokenBucket(60); // one a second
    for (let index = 0; index < 60; index++) expect(bucket.take(1)).toBeUndefined();
    let granted = 0;
    const next = bucket.take(1)!.then(() => granted++);
    const after = bucket.take(1)!.then(() => granted++);
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(999);
    expect(granted).toBe(0);
    await vi.advanceTimersByTimeAsync(2);
    await next;
    expect(granted).toBe(1);
    await vi.advanceTimersByTimeAsync(1_000);
    await after;
    expect(granted).toBe(2);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('books actual usage as debt', async () => {
    vi.useFakeTimers();
    const bucket = new TokenBucket(6_000); // 100 a second
    expect(bucket.take(100)).toBeUndefined();
    bucket.adjust(6_000); // the call used far more than estimated
    let granted = false;
    const waiting = bucket.take(100)!.then(() => (granted = true));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(granted).toBe(false);
    await vi.advanceTimersByTimeAsync(1_100);
    await waiting;
    expect(granted).toBe(true);
  });
});
