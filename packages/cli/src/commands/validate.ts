import path from 'node:path';
import { findConfigFile, loadSuite, planSize } from '@assay/runner';
import { ConfigError } from '@assay/spec';

/** Loads and checks a suite exactly as `eval` would, without calling a model. */
export async function validateCommand(options: { config?: string; format?: 'assay' | 'promptfoo' }): Promise<number> {
  const configPath = options.config ? path.resolve(options.config) : findConfigFile(process.cwd());
  if (!configPath) {
    throw new ConfigError('No suite file found', { hint: 'Pass -c <file>, or run `assay init`.', docs: 'cli.md' });
  }
  const suite = await loadSuite(configPath, { format: options.format });
  for (const warning of suite.warnings) process.stderr.write(`Warning: ${warning}\n`);
  let assertionCount = 0;
  for await (const testCase of suite.cases) assertionCount += testCase.assertions.length;
  const calls = await planSize(suite);
  process.stdout.write(
    `${path.relative(process.cwd(), configPath) || configPath} is valid (${suite.format} format): ` +
      `${suite.prompts.length} prompt(s), ${suite.providers.length} provider(s), ${suite.cases.length} case(s), ` +
      `${assertionCount} assertion(s); a run makes ${calls} call(s).\n`,
  );
  return 0;
}
