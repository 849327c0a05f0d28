import { describe, expect, it } from 'vitest';
import { AssayError } from './errors.ts';
import { ConfigError } from './config-error.ts';
import { ProviderError } from './provider-error.ts';
import { RunLeaseError } from './run-lease-error.ts';

describe('isInstance of the error subclasses', () => {
  it('tells a ProviderError from the other Assay errors (issue 10: a ConfigError passed for a fatal provider error)', () => {
    const provider = new ProviderError('openai HTTP 413: too large', { provider: 'openai', statusCode: 413 });
    expect(ProviderError.isInstance(provider)).toBe(true);
    expect(ProviderError.isInstance(new ConfigError('no recording for this call'))).toBe(false);
    expect(ProviderError.isInstance(new AssayError('x'))).toBe(false);
    expect(ProviderError.isInstance(new Error('x'))).toBe(false);
    expect(AssayError.isInstance(provider)).toBe(true);
  });

  it('works across duplicate installs: the marker is a global symbol, not the prototype', () => {
    const fromAnotherCopy = Object.assign(new Error('openai HTTP 500'), { [Symbol.for('assay.error')]: true, [Symbol.for('assay.provider-error')]: true, isRetryable: true });
    expect(ProviderError.isInstance(fromAnotherCopy)).toBe(true);
  });

  it('tells a RunLeaseError from the other Assay errors', () => {
    const lease = new RunLeaseError('held', { runId: 'r', owner: 'o', expiresAt: '2025-01-01T00:00:00.000Z' });
    expect(RunLeaseError.isInstance(lease)).toBe(true);
    expect(lease.exitCode).toBe(2);
    expect(RunLeaseError.isInstance(new ConfigError('x'))).toBe(false);
    expect(ProviderError.isInstance(lease)).toBe(false);
  });
});
