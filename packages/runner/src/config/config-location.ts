import { ConfigError } from '@assay/spec';
import { formatFieldPath, type YamlSource } from '@assay/core';

/** Makes a ConfigError at one place: where the user wrote the thing it is about. */
export type ErrorAt = (message: string, hint: string, docs?: string) => ConfigError;

/** Turns a field path into a ConfigError pointing at the line it came from. */
export class ConfigLocator {
  readonly file: string;
  private readonly source?: YamlSource;
  private readonly mapPath: (path: readonly PropertyKey[]) => readonly PropertyKey[];

  constructor(file: string, source?: YamlSource, mapPath?: (path: readonly PropertyKey[]) => readonly PropertyKey[]) {
    this.file = file;
    this.source = source;
    this.mapPath = mapPath ?? ((path) => path);
  }

  /** The line `path` came from, when known. */
  line(path: readonly PropertyKey[]): number | undefined {
    return this.source?.locate(this.mapPath(path))?.line;
  }

  error(message: string, path: readonly PropertyKey[], hint?: string, docs = 'configuration.md'): ConfigError {
    const original = this.mapPath(path);
    const position = this.source?.locate(original);
    return new ConfigError(message, {
      file: this.file,
      line: position?.line,
      column: position?.column,
      field: formatFieldPath(original),
      hint,
      docs,
    });
  }

  /** Errors at `path`'s line, for code that reads what the field names (a dataset file) and does not know the config. */
  at(path: readonly PropertyKey[]): ErrorAt {
    return (message, hint, docs) => this.error(message, path, hint, docs);
  }

  /** Re-throws a ConfigError raised without a location (e.g. by compileAssertion) pointing at `path`'s line. */
  relocate(error: unknown, path: readonly PropertyKey[]): never {
    if (ConfigError.isInstance(error) && error instanceof ConfigError && error.line === undefined) {
      const position = this.source?.locate(this.mapPath(path));
      throw new ConfigError(error.message, {
        file: this.file,
        line: position?.line,
        column: position?.column,
        field: error.field ?? formatFieldPath(this.mapPath(path)),
        hint: error.hint,
        docs: error.docs,
      });
    }
    throw error;
  }
}
