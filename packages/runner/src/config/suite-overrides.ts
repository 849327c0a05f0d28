import path from 'node:path';
import { ConfigError } from '@assay/spec';

/**
 * What promptfoo's `eval` flags replace in a config before it is read: `-t/--tests` (a test
 * file), `-p/--prompts` (prompt files), `-r/--providers` (provider ids) and `--var` (a variable
 * for every test). Paths are relative to the working directory, as on promptfoo's command line.
 */
export interface SuiteOverrides {
  tests?: string;
  prompts?: readonly string[];
  providers?: readonly string[];
  vars?: Readonly<Record<string, string>>;
}

export function hasOverrides(overrides: SuiteOverrides | undefined): overrides is SuiteOverrides {
  return Boolean(overrides && (overrides.tests !== undefined || overrides.prompts?.length || overrides.providers?.length || Object.keys(overrides.vars ?? {}).length));
}

/**
 * The raw config with the overrides applied, in the config's own format. promptfoo merges `--var`
 * into `defaultTest.vars`, so a test's own value of the variable still wins.
 */
export function applyOverrides(raw: Record<string, unknown>, format: 'assay' | 'promptfoo', overrides: SuiteOverrides, cwd = process.cwd()): Record<string, unknown> {
  const out = { ...raw };
  const absolute = (file: string) => path.resolve(cwd, file.replace(/^file:\/\//, ''));
  if (format === 'promptfoo') {
    if (overrides.tests !== undefined) out.tests = `file://${absolute(overrides.tests)}`;
    if (overrides.prompts?.length) out.prompts = overrides.prompts.map((file) => `file://${absolute(file)}`);
    if (overrides.providers?.length) {
      // -r replaces the list under whichever name the config uses (`targets:` is `providers:`).
      delete out.targets;
      out.providers = [...overrides.providers];
    }
    if (Object.keys(overrides.vars ?? {}).length) {
      const defaultTest = (raw.defaultTest && typeof raw.defaultTest === 'object' ? raw.defaultTest : {}) as Record<string, unknown>;
      const vars = (defaultTest.vars && typeof defaultTest.vars === 'object' ? defaultTest.vars : {}) as Record<string, unknown>;
      out.defaultTest = { ...defaultTest, vars: { ...vars, ...overrides.vars } };
    }
    return out;
  }
  if (Object.keys(overrides.vars ?? {}).length) {
    throw new ConfigError('--var works on promptfoo configs only', {
      hint: 'An Assay suite has no default vars: put the variable in each case (or a dataset column), or use a promptfoo config.',
      docs: 'promptfoo.md',
    });
  }
  if (overrides.tests !== undefined) {
    out.dataset = absolute(overrides.tests);
    delete out.tests;
  }
  if (overrides.prompts?.length) out.prompts = overrides.prompts.map(absolute);
  if (overrides.providers?.length) out.providers = [...overrides.providers];
  return out;
}
