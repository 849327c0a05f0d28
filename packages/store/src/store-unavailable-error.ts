import { AssayError, type AssayErrorOptions } from '@assay/spec';

export interface StoreUnavailableErrorOptions extends AssayErrorOptions {
  /** Where the store is, without credentials (`host:port/database`). */
  target: string;
}

/**
 * The store could not be reached, or lost its connection mid-operation (the database restarted,
 * the network dropped). Nothing of the failed operation was written; trying again later may
 * succeed, so a server answers 503 and a client may retry.
 */
export class StoreUnavailableError extends AssayError {
  readonly target: string;
  readonly statusCode = 503;
  readonly isRetryable = true;

  constructor(message: string, options: StoreUnavailableErrorOptions) {
    super(message, options);
    this.name = 'StoreUnavailableError';
    this.target = options.target;
  }
}
