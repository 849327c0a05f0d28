import { AssayError, type AssayErrorOptions } from '@assay/spec';

/** An RFC 9457 problem as the Assay server sends it (`application/problem+json`). */
export interface ServerProblem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  hint?: string;
  /** Machine-readable reason of a 403: `approval-required`, `self-approval`, `reviewer-not-user`… */
  reason?: string;
  requiredApprovals?: number;
  currentRevision?: number;
  requiredRole?: string;
  role?: string;
  fields?: { path: string; message: string }[];
  [extension: string]: unknown;
}

export interface ServerErrorOptions extends AssayErrorOptions {
  status: number;
  problem: ServerProblem;
}

/**
 * The Assay server refused a request. Exit code 1 when the rules refused it (403: approvals, roles;
 * 409: someone moved the label first) or the server failed (5xx after retries); 2 for a mistake in
 * what was asked (a bad key, a missing prompt, invalid input).
 */
export class ServerError extends AssayError {
  readonly status: number;
  readonly problem: ServerProblem;
  /** `problem.reason`, or the slug of `problem.type` (`/docs/api.md#conflict` → `conflict`). */
  readonly reason: string | undefined;
  override readonly exitCode: number;

  constructor(message: string, options: ServerErrorOptions) {
    super(message, options);
    this.name = 'ServerError';
    this.status = options.status;
    this.problem = options.problem;
    this.reason = options.problem.reason ?? (typeof options.problem.type === 'string' ? /#([\w-]+)$/.exec(options.problem.type)?.[1] : undefined);
    this.exitCode = options.status === 403 || options.status === 409 || options.status >= 500 ? 1 : 2;
  }

  static override isInstance(error: unknown): error is ServerError {
    return AssayError.isInstance(error) && error.name === 'ServerError' && typeof (error as ServerError).status === 'number';
  }
}
