import { AssayError, type AssayErrorOptions } from './errors.ts';

export interface ProviderErrorOptions extends AssayErrorOptions {
  provider: string;
  statusCode?: number;
  isRetryable?: boolean;
  /** Seconds the provider asked us to wait (Retry-After), when it said. */
  retryAfterSeconds?: number;
}

/** A provider call failed. Fatal ones (401, 404, unreachable) stop a run with exit code 2. */
export class ProviderError extends AssayError {
  readonly provider: string;
  readonly statusCode?: number;
  readonly isRetryable: boolean;
  readonly retryAfterSeconds?: number;

  constructor(message: string, options: ProviderErrorOptions) {
    super(message, options);
    this.name = 'ProviderError';
    this.provider = options.provider;
    this.statusCode = options.statusCode;
    this.isRetryable = options.isRetryable ?? false;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}
