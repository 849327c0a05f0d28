const marker = Symbol.for('assay.error');

export interface AssayErrorOptions {
  /** What the user can do about it. */
  hint?: string;
  /** A docs page (relative to the repository's docs/ folder) explaining the feature. */
  docs?: string;
  cause?: unknown;
}

/**
 * Base of every error Assay raises on purpose. `isInstance` works across duplicate installs
 * because it checks a global symbol rather than the prototype chain.
 */
export class AssayError extends Error {
  readonly [marker] = true;
  readonly hint?: string;
  readonly docs?: string;
  /** Exit code the CLI uses for this error. 2 = usage/config, 1 = run failure. */
  readonly exitCode: number = 2;

  constructor(message: string, options: AssayErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AssayError';
    this.hint = options.hint;
    this.docs = options.docs;
  }

  static isInstance(error: unknown): error is AssayError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[marker] === true;
  }
}
