import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import type { SuiteOverrides } from '@assay/runner';
import { ConfigError } from '@assay/spec';
import type { EvalCommandOptions } from './eval.ts';
import { splitPair } from '../key-value.ts';

/** promptfoo's `eval` flags as commander parses them (see docs/promptfoo.md, "Command-line flags"). */
export interface PromptfooEvalFlags {
  maxConcurrency?: number;
  filterPattern?: string;
  filterFirstN?: number;
  filterFailing?: string;
  filterErrorsOnly?: string;
  filterMetadata?: string;
  filterProviders?: string;
  filterTargets?: string;
  var?: Record<string, string>;
  envFile?: string;
  envPath?: string;
  /** false under `--no-write`. */
  write?: boolean;
  /** false under `--no-table`. */
  table?: boolean;
  /** false under `--no-progress-bar`. */
  progressBar?: boolean;
  tests?: string;
  vars?: string;
  prompts?: string[];
  providers?: string[];
  retryErrors?: boolean;
}

/** promptfoo `eval` flags Assay accepts but does not honour, by option name: each is named in one warning. */
export const ignoredPromptfooFlags = {
  assertions: '-a, --assertions <file>',
  modelOutputs: '--model-outputs <file>',
  promptPrefix: '--prompt-prefix <text>',
  promptSuffix: '--prompt-suffix <text>',
  delay: '--delay <ms>',
  remote: '--remote',
  filterSample: '--filter-sample <n>',
  tableCellMaxLength: '--table-cell-max-length <n>',
  share: '--share',
  noShare: '--no-share',
  grader: '--grader <provider>',
  suggestPrompts: '--suggest-prompts <n>',
  description: '--description <text>',
} as const;

/** `--var key=value`, repeatable: the values so far with this one added. */
export function collectVar(text: string, previous: Record<string, string> = {}): Record<string, string> {
  const [key, value] = splitPair(text, '--var');
  return { ...previous, [key]: value };
}

/**
 * Folds promptfoo's flags into Assay's own options (`--max-concurrency` is `--concurrency`,
 * `--filter-first-n` is `--first`, …), loads `--env-file`, and returns the warning naming the
 * flags Assay ignores (undefined when there are none). Paths become absolute so a resumed run
 * reads the same files.
 */
export function applyPromptfooFlags(options: EvalCommandOptions & PromptfooEvalFlags & Partial<Record<keyof typeof ignoredPromptfooFlags, unknown>>, cwd = process.cwd()): string | undefined {
  const both = (assay: string, promptfoo: string) => new ConfigError(`${assay} and ${promptfoo} are the same option; pass one of them`, { hint: `Keep ${assay}.`, docs: 'promptfoo.md' });
  const fold = <K extends keyof EvalCommandOptions>(key: K, value: EvalCommandOptions[K] | undefined, assay: string, promptfoo: string) => {
    if (value === undefined) return;
    if (options[key] !== undefined && options[key] !== value) throw both(assay, promptfoo);
    options[key] = value;
  };
  fold('concurrency', options.maxConcurrency, '--concurrency', '--max-concurrency');
  fold('filter', options.filterPattern, '--filter', '--filter-pattern');
  fold('first', options.filterFirstN, '--first', '--filter-first-n');
  fold('failing', options.filterFailing, '--failing', '--filter-failing');
  // These have no Assay name of their own: the flag is the only way to set them.
  options.errorsOnly = options.filterErrorsOnly;
  options.metadata = options.filterMetadata;
  options.providerPattern = options.filterProviders;
  fold('providerPattern', options.filterTargets, '--filter-providers', '--filter-targets');
  if (options.progressBar === false) options.progress = false;
  // promptfoo's --retry-errors runs the errored calls of the latest run again: Assay's --resume.
  if (options.retryErrors && options.resume === undefined) options.resume = true;

  if (options.tests !== undefined && options.vars !== undefined && options.tests !== options.vars) throw both('--tests', '--vars');
  const overrides: SuiteOverrides = {};
  const testsFile = options.tests ?? options.vars;
  if (testsFile !== undefined) overrides.tests = path.resolve(cwd, testsFile.replace(/^file:\/\//, ''));
  if (options.prompts?.length) overrides.prompts = options.prompts.map((file) => path.resolve(cwd, file.replace(/^file:\/\//, '')));
  if (options.providers?.length) overrides.providers = options.providers;
  if (options.var && Object.keys(options.var).length) overrides.vars = options.var;
  if (Object.keys(overrides).length) options.overrides = overrides;

  const envFile = options.envFile ?? options.envPath;
  if (envFile !== undefined) loadEnvFile(path.resolve(cwd, envFile), envFile);

  // `--share` and `--no-share` both set `share`.
  const given = (key: string) => (key === 'noShare' ? options.share === false : key === 'share' ? options.share === true : options[key as keyof typeof ignoredPromptfooFlags] !== undefined);
  const ignored = Object.entries(ignoredPromptfooFlags)
    .filter(([key]) => given(key))
    .map(([, flags]) => /--[a-z-]+/.exec(flags)![0]);
  return ignored.length ? `promptfoo eval flags not supported by Assay (ignored): ${ignored.join(', ')}` : undefined;
}

/** `--env-file`: its variables override the environment, as promptfoo's do (dotenv with override). */
function loadEnvFile(file: string, shown: string): void {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`Cannot read --env-file ${shown}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { file, hint: 'Pass the path of a .env file (KEY=value lines).', docs: 'promptfoo.md' });
  }
  for (const [key, value] of Object.entries(parseEnv(text))) process.env[key] = value;
}
