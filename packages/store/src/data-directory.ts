import path from 'node:path';

/**
 * Where Assay keeps its SQLite database: `$ASSAY_DATA_DIR` if set (relative paths resolve against
 * `cwd`), else `<cwd>/.assay`.
 *
 * @example
 * const store = openSqliteStore({ directory: defaultDataDirectory(process.cwd()) });
 */
export function defaultDataDirectory(cwd: string, env: Record<string, string | undefined> = process.env): string {
  // An empty value counts as unset: `ASSAY_DATA_DIR= assay run` should not write into cwd itself.
  const fromEnvironment = env.ASSAY_DATA_DIR;
  return fromEnvironment ? path.resolve(cwd, fromEnvironment) : path.join(cwd, '.assay');
}
