/**
 * Slows password guessing: after `maxFailures` failed logins for one email, or from one address,
 * within `windowMs`, further attempts are refused until the window has passed. In memory: a
 * restart forgets, which is fine for a limiter whose job is to make guessing slow, not impossible
 * to resume. Successful logins clear the email's count.
 */
export class LoginThrottle {
  readonly #failures = new Map<string, number[]>();
  readonly #maxFailures: number;
  readonly #windowMs: number;
  readonly #now: () => number;

  constructor(options: { maxFailures?: number; windowMs?: number; now?: () => number } = {}) {
    this.#maxFailures = options.maxFailures ?? 10;
    this.#windowMs = options.windowMs ?? 15 * 60_000;
    this.#now = options.now ?? Date.now;
  }

  /** Seconds until the next attempt may be made, or 0 when it may be made now. */
  retryAfterSeconds(email: string, address: string | undefined): number {
    let wait = 0;
    for (const key of this.#keys(email, address)) {
      const recent = this.#recent(key);
      if (recent.length >= this.#maxFailures) wait = Math.max(wait, recent[0]! + this.#windowMs - this.#now());
    }
    return Math.ceil(wait / 1000);
  }

  recordFailure(email: string, address: string | undefined): void {
    for (const key of this.#keys(email, address)) this.#failures.set(key, [...this.#recent(key), this.#now()]);
    // Bounded memory under a flood of distinct emails: forget the oldest entries.
    if (this.#failures.size > 100_000) {
      for (const key of [...this.#failures.keys()].slice(0, 10_000)) this.#failures.delete(key);
    }
  }

  recordSuccess(email: string): void {
    this.#failures.delete(`email:${email}`);
  }

  #keys(email: string, address: string | undefined): string[] {
    return address ? [`email:${email}`, `address:${address}`] : [`email:${email}`];
  }

  #recent(key: string): number[] {
    const since = this.#now() - this.#windowMs;
    return (this.#failures.get(key) ?? []).filter((time) => time > since);
  }
}
