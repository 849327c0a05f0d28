import { AssayError, type AssayErrorOptions } from './errors.ts';

const marker = Symbol.for('assay.run-lease-error');

export interface RunLeaseErrorOptions extends AssayErrorOptions {
  runId: string;
  /** Who holds the run (`<pid>@<host>#<token>` for `assay eval`). */
  owner: string;
  /** When the holder's lease runs out unless it renews it (ISO 8601). */
  expiresAt: string;
}

/**
 * Another process holds the run (`assay eval --resume` of a run that is going): refused before
 * any call, so the two never make the same calls. Exit code 2.
 */
export class RunLeaseError extends AssayError {
  readonly [marker] = true;
  readonly runId: string;
  readonly owner: string;
  readonly expiresAt: string;

  constructor(message: string, options: RunLeaseErrorOptions) {
    super(message, options);
    this.name = 'RunLeaseError';
    this.runId = options.runId;
    this.owner = options.owner;
    this.expiresAt = options.expiresAt;
  }

  /** Only lease errors (the inherited check is true for every AssayError). */
  static override isInstance(error: unknown): error is RunLeaseError {
    return AssayError.isInstance(error) && (error as unknown as Record<symbol, unknown>)[marker] === true;
  }
}
