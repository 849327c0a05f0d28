import { planSize, resolveRunSource, type ResolvedSuite } from '@assay/runner';
import { ConfigError } from '@assay/spec';
import type { Store } from '@assay/store';
import { splitPair } from '../key-value.ts';

/** `assay eval` options that run part of a suite. */
export interface CaseSelection {
  /** Regular expression over case ids and descriptions. */
  filter?: string;
  /** Cases with any of these tags. */
  tag?: string[];
  /** Run id, label, `latest` or results file: only the cases that failed (or errored) in that run. */
  failing?: string;
  /** Run id, label, `latest` or results file: only the cases that errored in that run (promptfoo's `--filter-errors-only`). */
  errorsOnly?: string;
  /** `key=value`: only cases whose `metadata.key` includes value (promptfoo's `--filter-metadata`). */
  metadata?: string;
  /** Regular expression over provider ids and labels (promptfoo's `--filter-providers`). */
  providerPattern?: string;
  /** The first n cases (after the other filters). */
  first?: number;
  /** Prompt ids to run. */
  prompt?: string[];
  /** Provider labels or ids to run. */
  provider?: string[];
}

export function hasSelection(selection: CaseSelection): boolean {
  return Boolean(
    selection.filter ||
      selection.tag?.length ||
      selection.failing ||
      selection.errorsOnly ||
      selection.metadata ||
      selection.providerPattern ||
      selection.first !== undefined ||
      selection.prompt?.length ||
      selection.provider?.length,
  );
}

function pattern(flag: string, value: string): RegExp {
  try {
    return new RegExp(value, 'i');
  } catch (error) {
    throw new ConfigError(`${flag} is not a regular expression: ${(error as Error).message}`, { hint: `e.g. ${flag} "^refund" or ${flag} "billing|invoice".`, docs: 'cli.md' });
  }
}

/**
 * The suite narrowed to the selected prompts, providers and cases (cases keep their index, so
 * reports still order them as the suite does). `runIds` are the stored runs `--failing` and
 * `--filter-errors-only` resolved to, kept with the new run so a resume selects the same cases.
 */
export async function selectCases(suite: ResolvedSuite, store: Store, selection: CaseSelection): Promise<{ suite: ResolvedSuite; summary: string; runIds: { failing?: string; errorsOnly?: string } }> {
  const said: string[] = [];
  let prompts = suite.prompts;
  if (selection.prompt?.length) {
    const unknown = selection.prompt.filter((id) => !suite.prompts.some((prompt) => prompt.id === id));
    if (unknown.length) {
      throw new ConfigError(`No prompt "${unknown[0]}" in this suite`, { hint: `The suite's prompts: ${suite.prompts.map((prompt) => prompt.id).join(', ')}.`, docs: 'cli.md' });
    }
    prompts = suite.prompts.filter((prompt) => selection.prompt!.includes(prompt.id));
    said.push(`--prompt ${selection.prompt.join(',')}`);
  }
  let providers = suite.providers;
  if (selection.provider?.length) {
    const unknown = selection.provider.filter((name) => !suite.providers.some((provider) => provider.label === name || provider.id === name));
    if (unknown.length) {
      throw new ConfigError(`No provider "${unknown[0]}" in this suite`, { hint: `The suite's providers: ${suite.providers.map((provider) => provider.label).join(', ')}.`, docs: 'cli.md' });
    }
    providers = suite.providers.filter((provider) => selection.provider!.includes(provider.label) || selection.provider!.includes(provider.id));
    said.push(`--provider ${selection.provider.join(',')}`);
  }
  if (selection.providerPattern !== undefined) {
    const matcher = pattern('--filter-providers', selection.providerPattern);
    providers = providers.filter((provider) => matcher.test(provider.id) || matcher.test(provider.label));
    if (providers.length === 0) {
      throw new ConfigError(`No provider of this suite matches --filter-providers ${selection.providerPattern}`, { hint: `The suite's providers: ${suite.providers.map((provider) => provider.label).join(', ')}.`, docs: 'cli.md' });
    }
    said.push(`--filter-providers ${selection.providerPattern}`);
  }

  let cases = suite.cases;
  if (selection.filter !== undefined) {
    const matcher = pattern('--filter', selection.filter);
    cases = await cases.filter((testCase) => matcher.test(testCase.id) || (testCase.description !== undefined && matcher.test(testCase.description)));
    said.push(`--filter ${selection.filter}`);
  }
  if (selection.tag?.length) {
    cases = await cases.filter((testCase) => testCase.tags.some((tag) => selection.tag!.includes(tag)));
    said.push(`--tag ${selection.tag.join(',')}`);
  }
  if (selection.metadata !== undefined) {
    const [key, value] = splitPair(selection.metadata, '--filter-metadata');
    // promptfoo's rule: the value is a substring of the case's metadata value (or of any item of a list).
    cases = await cases.filter((testCase) => {
      const actual = testCase.metadata?.[key];
      const values = Array.isArray(actual) ? actual : actual === undefined || actual === null ? [] : [actual];
      return values.some((item) => String(item).includes(value));
    });
    said.push(`--filter-metadata ${selection.metadata}`);
  }
  /** The stored runs --failing and --filter-errors-only named, by option. */
  const runIds: { failing?: string; errorsOnly?: string } = {};
  for (const [flag, reference, errorsOnly] of [
    ['--failing', selection.failing, false],
    ['--filter-errors-only', selection.errorsOnly, true],
  ] as const) {
    if (reference === undefined) continue;
    const source = await resolveRunSource(reference, store, process.cwd());
    if (source.info.source === 'store') runIds[errorsOnly ? 'errorsOnly' : 'failing'] = source.info.id;
    const picked = new Set<string>();
    for await (const result of source.results()) if (result.error !== undefined || (!errorsOnly && !result.pass)) picked.add(result.caseId);
    cases = await cases.filter((testCase) => picked.has(testCase.id));
    said.push(`${flag} ${source.info.source === 'store' ? source.info.id : reference}`);
  }
  if (selection.first !== undefined) {
    cases = cases.take(selection.first);
    said.push(`--first ${selection.first}`);
  }
  if (cases.length === 0) {
    throw new ConfigError(`No case of the suite matches ${said.join(' ')}`, {
      hint:
        selection.failing !== undefined || selection.errorsOnly !== undefined
          ? 'Nothing failed (or errored) in that run, or its cases changed ids since.'
          : 'Check the pattern, tag or metadata against the case ids, descriptions, tags and metadata.',
      docs: 'cli.md',
    });
  }
  const selected: ResolvedSuite = { ...suite, prompts, providers, cases };
  if ((await planSize(selected, 1)) === 0) {
    throw new ConfigError(`The selection leaves no call to make (${said.join(' ')})`, {
      hint: "The selected cases run only on providers outside --provider (their `providers:`). Select one of theirs, or other cases.",
      docs: 'cli.md',
    });
  }
  return {
    suite: selected,
    summary: `Selected ${cases.length} of ${suite.cases.length} case(s), ${prompts.length} of ${suite.prompts.length} prompt(s), ${providers.length} of ${suite.providers.length} provider(s) (${said.join(' ')})`,
    runIds,
  };
}

