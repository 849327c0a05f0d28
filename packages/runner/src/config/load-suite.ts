import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseYamlSource } from '@assay/core';
import { ConfigError } from '@assay/spec';
import { ConfigLocator } from './config-location.ts';
import { convertPromptfooConfig, looksLikePromptfoo } from './promptfoo.ts';
import { resolveSuite } from './resolve-suite.ts';
import type { ResolvedSuite } from './resolved-suite.ts';
import { applyOverrides, hasOverrides, type SuiteOverrides } from './suite-overrides.ts';

/** Config files looked for, in order, when none is named. */
export const defaultConfigFiles = ['assay.config.ts', 'assay.yaml', 'evals/suite.yaml', 'promptfooconfig.yaml', 'promptfooconfig.yml', 'promptfooconfig.json'];

export function findConfigFile(cwd: string): string | undefined {
  return defaultConfigFiles.map((name) => path.join(cwd, name)).find((file) => existsSync(file));
}

/**
 * Loads and validates a suite: Assay YAML, `assay.config.ts`, or a promptfoo config.
 * Every mistake is a ConfigError naming the file, line and field.
 * @example
 * const suite = await loadSuite('evals/support.yaml');
 */
export async function loadSuite(file: string, options: { format?: 'assay' | 'promptfoo'; overrides?: SuiteOverrides } = {}): Promise<ResolvedSuite> {
  const absolute = path.resolve(file);
  const relative = path.relative(process.cwd(), absolute) || absolute;
  if (!existsSync(absolute)) {
    throw new ConfigError(`Config file not found: ${relative}`, {
      file: relative,
      hint: 'Pass -c <file>, or run `assay init` to scaffold a project.',
      docs: 'cli.md',
    });
  }
  const directory = path.dirname(absolute);
  const warnings: string[] = [];

  if (/\.(ts|mts|js|mjs)$/.test(absolute)) {
    let module: { default?: unknown };
    try {
      module = await import(pathToFileURL(absolute).href);
    } catch (error) {
      throw new ConfigError(`Cannot load ${relative}: ${(error as Error).message}`, {
        file: relative,
        hint: 'The config module must `export default defineConfig({...})`.',
        docs: 'configuration.md',
      });
    }
    const config = hasOverrides(options.overrides) && module.default && typeof module.default === 'object' ? applyOverrides(module.default as Record<string, unknown>, 'assay', options.overrides) : module.default;
    return resolveSuite(config, { locator: new ConfigLocator(relative), directory, format: 'assay', warnings });
  }

  const source = parseYamlSource(readFileSync(absolute, 'utf8'), relative);
  if (typeof source.value !== 'object' || source.value === null || Array.isArray(source.value)) {
    throw new ConfigError('A suite file must be a YAML mapping (prompts, providers, tests …)', {
      file: relative,
      line: 1,
      hint: 'See docs/configuration.md for a complete example.',
      docs: 'configuration.md',
    });
  }
  const format = options.format ?? (looksLikePromptfoo(absolute, source.value) ? 'promptfoo' : 'assay');
  // Overridden fields have no line in the file; their errors name the file and field.
  const raw = hasOverrides(options.overrides) ? applyOverrides(source.value as Record<string, unknown>, format, options.overrides) : (source.value as Record<string, unknown>);
  if (format === 'promptfoo') {
    const converted = convertPromptfooConfig(raw, directory, warnings, new ConfigLocator(relative, source));
    const locator = new ConfigLocator(relative, source, converted.mapPath);
    const resolved = await resolveSuite(converted.suite, { locator, directory, format, warnings, promptSpecs: converted.promptSpecs, caseSegments: converted.caseSegments });
    return converted.env ? { ...resolved, env: converted.env } : resolved;
  }
  return resolveSuite(raw, { locator: new ConfigLocator(relative, source), directory, format, warnings });
}
