import type { LanguageModelV3CallOptions, LanguageModelV3Middleware } from '@ai-sdk/provider';

export interface RateLimits {
  concurrency?: number;
  requestsPerMinute?: number;
  tokensPerMinute?: number;
}

/** A FIFO queue with O(1) shift (Array#shift is O(n) and the queue can hold a whole run). */
class Queue<T> {
  #items: (T | undefined)[] = [];
  #head = 0;
  get size(): number {
    return this.#items.length - this.#head;
  }
  push(item: T): void {
    this.#items.push(item);
  }
  peek(): T | undefined {
    return this.#items[this.#head];
  }
  shift(): T | undefined {
    if (this.#head >= this.#items.length) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head++] = undefined;
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }
}

interface Waiter {
  amount: number;
  resolve: () => void;
  reject: (reason: unknown) => void;
  done: boolean;
}

function abortable(signal: AbortSignal | undefined, enqueue: (waiter: Waiter) => void, amount = 1): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const waiter: Waiter = { amount, resolve, reject, done: false };
    if (signal) {
      if (signal.aborted) return reject(signal.reason);
      const onAbort = () => {
        if (waiter.done) return;
        waiter.done = true;
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      waiter.resolve = () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      };
    }
    enqueue(waiter);
  });
}

/** At most `limit` calls in flight; the rest wait in arrival order. */
export class Semaphore {
  readonly limit: number;
  #active = 0;
  #waiters = new Queue<Waiter>();
  constructor(limit: number) {
    this.limit = limit;
  }
  get active(): number {
    return this.#active;
  }
  acquire(signal?: AbortSignal): Promise<void> | undefined {
    if (this.#active < this.limit && this.#waiters.size === 0) {
      this.#active++;
      return undefined;
    }
    return abortable(signal, (waiter) => this.#waiters.push(waiter));
  }
  release(): void {
    for (let waiter = this.#waiters.shift(); waiter; waiter = this.#waiters.shift()) {
      if (waiter.done) continue;
      waiter.done = true;
      waiter.resolve(); // the slot passes straight to the next waiter
      return;
    }
    this.#active--;
  }
}

/**
 * A token bucket refilled continuously at `perMinute`. Takes never busy-wait: when the bucket
 * runs dry one timer is armed for the head of the queue. `adjust` books actual usage after a call,
 * so the level may go negative (debt) when estimates were low.
 */
export class TokenBucket {
  readonly capacity: number;
  readonly #perMs: number;
  #level: number;
  #updatedAt: number;
  #waiters = new Queue<Waiter>();
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(perMinute: number, now = performance.now()) {
    this.capacity = perMinute;
    this.#perMs = perMinute / 60_000;
    this.#level = perMinute;
    this.#updatedAt = now;
  }

  take(amount: number, signal?: AbortSignal): Promise<void> | undefined {
    const needed = Math.min(amount, this.capacity);
    if (this.#waiters.size === 0) {
      this.#refill();
      if (this.#level >= needed) {
        this.#level -= needed;
        return undefined;
      }
    }
    const promise = abortable(signal, (waiter) => this.#waiters.push(waiter), needed);
    this.#arm();
    return promise;
  }

  adjust(delta: number): void {
    this.#refill();
    this.#level = Math.min(this.capacity, this.#level - delta);
  }

  #refill(): void {
    const now = performance.now();
    this.#level = Math.min(this.capacity, this.#level + (now - this.#updatedAt) * this.#perMs);
    this.#updatedAt = now;
  }

  #arm(): void {
    if (this.#timer !== undefined) return;
    const head = this.#waiters.peek();
    if (head === undefined) return;
    const waitMs = Math.max(1, Math.ceil((head.amount - this.#level) / this.#perMs));
    this.#timer = setTimeout(() => this.#drain(), waitMs);
  }

  #drain(): void {
    this.#timer = undefined;
    this.#refill();
    for (let head = this.#waiters.peek(); head; head = this.#waiters.peek()) {
      if (head.done) {
        this.#waiters.shift();
        continue;
      }
      if (this.#level < head.amount) break;
      this.#level -= head.amount;
      this.#waiters.shift();
      head.done = true;
      head.resolve();
    }
    this.#arm();
  }
}

/** Rough token count of a request before it is sent: ~4 characters a token plus the output cap. */
export function estimateTokens(params: LanguageModelV3CallOptions): number {
  let characters = 0;
  for (const message of params.prompt) {
    if (typeof message.content === 'string') characters += message.content.length;
    else for (const part of message.content) if (part.type === 'text') characters += part.text.length;
  }
  return Math.ceil(characters / 4) + (params.maxOutputTokens ?? 0);
}

/**
 * Per-provider concurrency cap and requests/tokens-per-minute buckets. Limits apply to one
 * provider entry (one resolved handle). Order: a concurrency slot, then the request bucket, then
 * the token bucket, which is corrected by the usage the provider reports.
 */
export function rateLimitMiddleware(limits: RateLimits): LanguageModelV3Middleware {
  const semaphore = limits.concurrency === undefined ? undefined : new Semaphore(limits.concurrency);
  const requests = limits.requestsPerMinute === undefined ? undefined : new TokenBucket(limits.requestsPerMinute);
  const tokens = limits.tokensPerMinute === undefined ? undefined : new TokenBucket(limits.tokensPerMinute);
  return {
    specificationVersion: 'v3',
    async wrapGenerate({ doGenerate, params }) {
      const signal = params.abortSignal;
      if (semaphore) await semaphore.acquire(signal);
      try {
        if (requests) await requests.take(1, signal);
        const estimate = tokens ? estimateTokens(params) : 0;
        if (tokens) await tokens.take(estimate, signal);
        const result = await doGenerate();
        if (tokens) {
          const used = (result.usage.inputTokens.total ?? 0) + (result.usage.outputTokens.total ?? 0);
          if (used > 0) tokens.adjust(used - Math.min(estimate, tokens.capacity));
        }
        return result;
      } finally {
        semaphore?.release();
      }
    },
  };
}
