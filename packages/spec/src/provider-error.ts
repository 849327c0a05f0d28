import { AssayError, type AssayErrorOptions } from './errors.ts';

const marker = Symbol.for('assay.provider-error');

export interface ProviderErrorOptions extends AssayErrorOptions {
  provider: string;
  statusCode?: number;
  isRetryable?: boolean;
  /** Seconds the provider asked us to wait (Retry-After), when it said. */
  retryAfterSeconds?: number;
  /**
   * The failure is about this request alone (its prompt is too large: a 413, or a 400 saying the
   * context length was exceeded), so another request may well succeed: the case fails, the run goes on.
   */
  concernsRequest?: boolean;
}

/** A provider call failed. Fatal ones (401, 404, unreachable) stop a run with exit code 2. */
export class ProviderError extends AssayError {
  readonly [marker] = true;
  readonly provider: string;
  readonly statusCode?: number;
  readonly isRetryable: boolean;
  readonly retryAfterSeconds?: number;
  readonly concernsRequest: boolean;

  constructor(message: string, options: ProviderErrorOptions) {
    super(message, options);
    this.name = 'ProviderError';
    this.provider = options.provider;
    this.statusCode = options.statusCode;
    this.isRetryable = options.isRetryable ?? false;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.concernsRequest = options.concernsRequest ?? false;
  }

  /**
   * Only provider errors: the inherited check is true for every AssayError, so a ConfigError
   * passed for a ProviderError (with `isRetryable` undefined) and was taken for a fatal one.
   */
  static override isInstance(error: unknown): error is ProviderError {
    return AssayError.isInstance(error) && (error as unknown as Record<symbol, unknown>)[marker] === true;
  }
}
