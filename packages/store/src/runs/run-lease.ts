import type { LeaseRequest } from './store.ts';

/** `now` and `now + ttlMs` as ISO 8601 (both stores), refusing a lease that would not last. */
export function leaseTimes(request: LeaseRequest): { now: string; expiresAt: string } {
  if (typeof request.owner !== 'string' || request.owner === '') throw new RangeError('acquireRunLease: owner must be a non-empty string.');
  if (!Number.isSafeInteger(request.ttlMs) || request.ttlMs <= 0) throw new RangeError(`acquireRunLease: ttlMs must be a positive integer, got ${request.ttlMs}.`);
  const now = request.now ?? new Date();
  return { now: now.toISOString(), expiresAt: new Date(now.getTime() + request.ttlMs).toISOString() };
}
