import { AssayError } from '@assay/spec';

/** The command would undo or overwrite something and was told not to (exit code 1, not a usage error). */
export class RefusedError extends AssayError {
  override readonly exitCode: number = 1;

  constructor(...parameters: ConstructorParameters<typeof AssayError>) {
    super(...parameters);
    this.name = 'RefusedError';
  }
}
