import { planSize, type ResolvedSuite } from '@assay/runner';
import { ConfigError } from '@assay/spec';
import type { Store } from '@assay/store';
import { findRun } from '../find-run.ts';

/** `assay eval` options that run part of a suite. */
export interface CaseSelection {
  /** Regular expression over case ids and descriptions. */
  filter?: string;
  /** Cases with any of these tags. */
  tag?: string[];
  /** Run id or label: only the cases that failed (or errored) in that run. */
  failing?: string;
  /** The first n cases (after the other filters). */
  first?: number;
  /** Prompt ids to run. */
  prompt?: string[];
  /** Provider labels or ids to run. */
  provider?: string[];
}

export function hasSelection(selection: CaseSelection): boolean {
  return Boolean(selection.filter || selection.tag?.length || selection.failing || selection.first !== undefined || selection.prompt?.length || selection.provider?.length);
}

/**
 * The suite narrowed to the selected prompts, providers and cases (cases keep their index, so
 * reports still order them as the suite does). `failingRunId` is the run `--failing` resolved to,
 * stored with the new run so a resume selects the same cases.
 */
export async function selectCases(suite: ResolvedSuite, store: Store, selection: CaseSelection): Promise<{ suite: ResolvedSuite; summary: string; failingRunId?: string }> {
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

  let cases = suite.cases;
  if (selection.filter !== undefined) {
    let pattern: RegExp;
    try {
      pattern = new RegExp(selection.filter, 'i');
    } catch (error) {
      throw new ConfigError(`--filter is not a regular expression: ${(error as Error).message}`, { hint: 'e.g. --filter "^refund" or --filter "billing|invoice".', docs: 'cli.md' });
    }
    cases = await cases.filter((testCase) => pattern.test(testCase.id) || (testCase.description !== undefined && pattern.test(testCase.description)));
    said.push(`--filter ${selection.filter}`);
  }
  if (selection.tag?.length) {
    cases = await cases.filter((testCase) => testCase.tags.some((tag) => selection.tag!.includes(tag)));
    said.push(`--tag ${selection.tag.join(',')}`);
  }
  let failingRunId: string | undefined;
  if (selection.failing !== undefined) {
    const run = await findRun(store, selection.failing);
    if (!run) throw new ConfigError(`--failing: no run with id or label "${selection.failing}"`, { hint: 'List runs with `assay runs`.', docs: 'cli.md' });
    failingRunId = run.id;
    const failed = new Set<string>();
    for await (const result of store.iterateResults(run.id)) if (!result.pass || result.error !== undefined) failed.add(result.caseId);
    cases = await cases.filter((testCase) => failed.has(testCase.id));
    said.push(`--failing ${run.id}`);
  }
  if (selection.first !== undefined) {
    cases = cases.take(selection.first);
    said.push(`--first ${selection.first}`);
  }
  if (cases.length === 0) {
    throw new ConfigError(`No case of the suite matches ${said.join(' ')}`, {
      hint: selection.failing !== undefined ? 'Nothing failed in that run, or its cases changed ids since.' : 'Check the pattern or tag against the case ids, descriptions and tags.',
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
    ...(failingRunId === undefined ? {} : { failingRunId }),
  };
}
