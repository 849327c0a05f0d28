import { AssayError, type AssayErrorOptions } from './errors.ts';

export interface ConfigErrorOptions extends AssayErrorOptions {
  file?: string;
  line?: number;
  column?: number;
  /** Dotted path of the offending field, e.g. `tests[3].assert[0].type`. */
  field?: string;
}

/** A mistake in a user's config, prompt or dataset file. Always exit code 2, never a stack trace. */
export class ConfigError extends AssayError {
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  readonly field?: string;

  constructor(message: string, options: ConfigErrorOptions = {}) {
    super(message, options);
    this.name = 'ConfigError';
    this.file = options.file;
    this.line = options.line;
    this.column = options.column;
    this.field = options.field;
  }

  /** `file:line:column` (as much of it as is known). */
  get location(): string | undefined {
    if (!this.file) return undefined;
    let location = this.file;
    if (this.line !== undefined) location += `:${this.line}`;
    if (this.line !== undefined && this.column !== undefined) location += `:${this.column}`;
    return location;
  }
}
