import { createHash } from 'node:crypto';
import path from 'node:path';
import type { PromptTemplate } from '@assay/core';
import { ConfigError, type TestCase } from '@assay/spec';
import type { ConfigLocator } from './config-location.ts';
import { validateCase, type DatasetFile, type LoadedTestCase } from './dataset.ts';
import type { ResolvedCase, ResolvedProvider } from './resolved-suite.ts';
import { CaseList } from './case-list.ts';
import { SuiteCase, type PreparedAssertion } from './suite-case.ts';

/** One case as written: in the suite file (at `fieldPath`) or a dataset row (with its file and line). */
export interface CaseInput {
  testCase: TestCase | LoadedTestCase;
  fieldPath: PropertyKey[];
  /** The file the case's assertions were written in, when not the suite file. */
  file?: string;
}

/**
 * Where a suite's cases come from, in order: cases written in the suite, or a dataset file read
 * row by row. `convert` turns one row into the cases it stands for (promptfoo merges its
 * `defaultTest` into each row and expands list vars); its output is checked as a case.
 */
export type CaseSegment = { inline: CaseInput[] } | { dataset: DatasetFile; convert?: (row: LoadedTestCase) => unknown[] };

export interface CaseContext {
  locator: ConfigLocator;
  prompts: readonly PromptTemplate[];
  providers: readonly ResolvedProvider[];
  warnings: string[];
  /** A case's assertion, checked with its vars (see resolveSuite). */
  prepare: (raw: TestCase['assert'] extends (infer A)[] | undefined ? A : never, vars: Record<string, unknown>, fieldPath: PropertyKey[], file?: string) => PreparedAssertion;
  /** The suite's default assertions, prepared for one case's vars. */
  defaults: (vars: Record<string, unknown>) => PreparedAssertion[];
}

/**
 * The suite's cases as a CaseList: one pass now checks every case (ids unique, providers known,
 * template variables present) and counts them; a run reads them again, row by row. Nothing per
 * case is kept but the ids of duplicates, renamed the same way on every pass.
 */
export async function resolveCases(segments: readonly CaseSegment[], context: CaseContext): Promise<CaseList> {
  const { locator, providers, warnings } = context;
  let sharedDefaults: PreparedAssertion[] | undefined;
  /** Case index → id, for cases whose hash id repeats an earlier one (found by the first pass). */
  const renamed = new Map<number, string>();

  const resolveCase = ({ testCase, fieldPath, file }: CaseInput, index: number, check?: (id: string, source: string) => string): ResolvedCase => {
    const where =
      'sourceFile' in testCase ? { file: testCase.sourceFile, line: testCase.sourceLine } : { file: locator.file, line: locator.line(fieldPath) };
    const source = where.line === undefined ? where.file : `${where.file}:${where.line}`;
    const own = atRowLine(testCase, () =>
      (testCase.assert ?? []).map((assertion, assertIndex) => context.prepare(assertion, testCase.vars, [...fieldPath, 'assert', assertIndex], file ?? locator.file)),
    );
    // Checked with every case's vars on the first pass; a prepared default holds no vars (a
    // templated one is rendered when the case runs), so every case shares the first case's.
    if (check || !sharedDefaults) {
      const defaults = context.defaults(testCase.vars);
      sharedDefaults ??= defaults;
    }
    const id = testCase.id ?? createHash('sha256').update(JSON.stringify([testCase.vars, testCase.assert ?? []])).digest('hex').slice(0, 12);
    const uniqueId = check ? check(id, source) : (renamed.get(index) ?? id);
    let caseProviders: string[] | undefined;
    if (testCase.providers) {
      caseProviders = providerLabelsFor(testCase.providers, providers, (pattern, at) => {
        const message = `Case ${source} names provider "${pattern}", which matches none of the suite's providers`;
        const hint = `The suite's providers: ${providers.map((provider) => provider.label).join(', ')}. Use a label or id, or a prefix ending in * (openai:*).`;
        return 'sourceFile' in testCase
          ? new ConfigError(message, { file: testCase.sourceFile, line: testCase.sourceLine, field: `providers[${at}]`, hint, docs: 'datasets.md' })
          : locator.error(message, [...fieldPath, 'providers', at], hint);
      });
      if (check && caseProviders.length === 0) warnings.push(`Case ${source} runs on no provider (providers: []) and is skipped`);
    }
    return new SuiteCase({
      providers: caseProviders,
      id: uniqueId,
      index,
      description: testCase.description,
      vars: testCase.vars,
      tags: testCase.tags,
      threshold: testCase.threshold,
      metadata: testCase.metadata,
      own,
      defaults: sharedDefaults!,
      file: where.file,
      line: where.line,
    });
  };

  async function* inputs(): AsyncGenerator<CaseInput> {
    for (const segment of segments) {
      if ('inline' in segment) {
        yield* segment.inline;
        continue;
      }
      const shown = path.relative(process.cwd(), segment.dataset.file);
      for await (const row of segment.dataset.rows()) {
        if (!segment.convert) {
          yield { testCase: row, fieldPath: [], file: shown };
          continue;
        }
        // A converted row is checked as a case, a mistake named at the row's line.
        for (const converted of segment.convert(row)) yield { testCase: validateCase(converted, row.sourceFile, row.sourceLine), fieldPath: [], file: shown };
      }
    }
  }

  // The first pass: every check, on every case.
  const seenIds = new Set<string>();
  let count = 0;
  let runnable = 0;
  for await (const input of inputs()) {
    const index = count++;
    const testCase = resolveCase(input, index, (id, source) => {
      if (!seenIds.has(id)) {
        seenIds.add(id);
        return id;
      }
      if (input.testCase.id !== undefined) {
        throw 'sourceFile' in input.testCase
          ? new ConfigError(`Two cases share the id "${id}" (${source})`, { file: input.testCase.sourceFile, line: input.testCase.sourceLine, field: 'id', hint: 'Case ids must be unique within a suite.', docs: 'datasets.md' })
          : locator.error(`Two cases share the id "${id}" (${source})`, input.fieldPath, 'Case ids must be unique within a suite.');
      }
      warnings.push(`Case ${source} duplicates an earlier case (same vars and assertions)`);
      const unique = `${id}-${index}`;
      seenIds.add(unique);
      renamed.set(index, unique);
      return unique;
    });
    if (testCase.providers?.length !== 0) runnable++;
    checkTemplateVariables(testCase, context.prompts);
  }
  seenIds.clear();
  if (count === 0) throw locator.error('The suite has no test cases', [], 'Add `dataset: datasets/golden.jsonl` or a `tests:` list.');
  if (runnable === 0) {
    throw locator.error('Every case has `providers: []`, so the suite makes no call', [], 'Name at least one provider on a case, or remove its empty `providers:`.');
  }

  return new CaseList(count, async function* () {
    let index = 0;
    for await (const input of inputs()) yield resolveCase(input, index++);
    if (index !== count) throw new ConfigError(`The suite's datasets now hold ${index} cases, not the ${count} checked when it was loaded`, { hint: 'Run again without editing the datasets during a run.', docs: 'datasets.md' });
  });
}

function checkTemplateVariables(testCase: ResolvedCase, prompts: readonly PromptTemplate[]): void {
  for (const prompt of prompts) {
    for (const variable of prompt.variables) {
      if (!(variable in testCase.vars) && !(variable in prompt.defaults)) {
        throw new ConfigError(`Template variable "${variable}" of prompt "${prompt.id}" has no value in case ${testCase.source}`, {
          file: testCase.source.replace(/:\d*$/, ''),
          line: Number(testCase.source.split(':').pop()) || undefined,
          field: `vars.${variable}`,
          hint: `Add "${variable}" to the case's vars, or give it a default under input.default in the prompt file.`,
          docs: 'prompts.md',
        });
      }
    }
  }
}

/** `build()`, with a mistake in a dataset row that names only the dataset file given the row's line. */
function atRowLine<T>(testCase: TestCase | LoadedTestCase, build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (!('sourceFile' in testCase) || testCase.sourceLine === undefined || !(error instanceof ConfigError) || error.line !== undefined) throw error;
    throw new ConfigError(error.message, { file: error.file ?? testCase.sourceFile, line: testCase.sourceLine, field: error.field, hint: error.hint, docs: error.docs });
  }
}

/**
 * The labels of the providers a case's `providers:` list selects, in suite order. Each entry is a
 * label or id, or a prefix ending in `*`; a bare provider name (`openai`) matches its ids
 * (`openai:gpt-4o-mini`), as promptfoo reads it. An entry matching nothing is a mistake.
 */
function providerLabelsFor(patterns: readonly string[], providers: readonly ResolvedProvider[], unmatched: (pattern: string, index: number) => Error): string[] {
  const selected = new Set<string>();
  patterns.forEach((pattern, index) => {
    const matches = providers.filter(({ id, label }) => {
      if (pattern === label || pattern === id) return true;
      if (pattern.endsWith('*')) return label.startsWith(pattern.slice(0, -1)) || id.startsWith(pattern.slice(0, -1));
      return !pattern.includes(':') && id.startsWith(`${pattern}:`);
    });
    if (matches.length === 0) throw unmatched(pattern, index);
    for (const provider of matches) selected.add(provider.label);
  });
  return providers.filter((provider) => selected.has(provider.label)).map((provider) => provider.label);
}
