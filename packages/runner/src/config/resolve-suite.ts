import { createHash } from 'node:crypto';
import path from 'node:path';
import { compileAssertion, formatFieldPath, type CompiledAssertion, type PromptTemplate } from '@assay/core';
import { ConfigError, SuiteSchema, type Assertion, type TestCase } from '@assay/spec';
import type { ConfigLocator } from './config-location.ts';
import { loadDatasetFile, type LoadedTestCase } from './dataset.ts';
import { loadPrompt, type PromptSpec } from './prompts.ts';
import type { ResolvedCase, ResolvedProvider, ResolvedSuite } from './resolved-suite.ts';
import { checkProviderId } from './check-provider-id.ts';
import { closestName } from './closest-name.ts';
import { renderAssertionValue } from './assertion-value.ts';
import { SuiteCase, type PreparedAssertion } from './suite-case.ts';
import { createJudgeResolver } from './judge-file.ts';

const suiteFields = Object.keys(SuiteSchema.shape);

/** Validates a raw suite object (already parsed from YAML/TS) and resolves every file it names. */
export async function resolveSuite(
  raw: unknown,
  context: {
    locator: ConfigLocator;
    directory: string;
    format: 'assay' | 'promptfoo';
    warnings: string[];
    /** promptfoo's prompt specs, already converted. */
    promptSpecs?: PromptSpec[];
  },
): Promise<ResolvedSuite> {
  const { locator, directory, warnings } = context;
  const parsed = SuiteSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const issuePath = issue.path as PropertyKey[];
    if (issue.code === 'unrecognized_keys') {
      const key = issue.keys[0]!;
      const suggestion = issuePath.length === 0 ? closestName(key, suiteFields) : undefined;
      throw locator.error(
        `Unknown field "${key}"`,
        [...issuePath, key],
        suggestion ? `Did you mean "${suggestion}"?` : 'Remove it, or check the field names in the docs.',
      );
    }
    const tests = (raw as { tests?: unknown }).tests;
    if (issuePath.length === 1 && issuePath[0] === 'tests' && typeof tests === 'string') {
      // promptfoo's `tests: file://cases.csv`, or a sentence: either way not a list of cases.
      const file = tests.replace(/^file:\/\//, '');
      const dataset = /\.(jsonl|ndjson|csv|ya?ml|json)$/i.test(file) ? file : 'data/cases.jsonl';
      throw locator.error(
        `\`tests:\` is a list of test cases, not "${tests}"`,
        issuePath,
        `List the cases (tests: [{ vars: {...}, assert: [...] }]), or read them from a file with \`dataset: ${dataset}\` (relative to the suite file; .jsonl, .csv, .yaml or .json).`,
        'datasets.md',
      );
    }
    throw locator.error(`Invalid value: ${issue.message}`, issuePath, 'See the suite fields in docs/configuration.md.');
  }
  const suite = parsed.data;

  const prompts: PromptTemplate[] = [];
  const specs: PromptSpec[] =
    context.promptSpecs ??
    suite.prompts.map((ref) =>
      typeof ref === 'string'
        ? { kind: 'file', file: ref }
        : ref.template !== undefined
          ? { kind: 'inline', template: ref.template, id: ref.id, label: ref.label }
          : { kind: 'file', file: ref.file ?? '', id: ref.id, label: ref.label },
    );
  for (const [index, spec] of specs.entries()) {
    prompts.push(await loadPrompt(spec, locator, ['prompts', index], directory));
  }
  const promptIds = new Set<string>();
  for (const [index, prompt] of prompts.entries()) {
    if (promptIds.has(prompt.id)) {
      throw locator.error(`Two prompts share the id "${prompt.id}"`, ['prompts', index], 'Give one of them an explicit `id` or `label`.');
    }
    promptIds.add(prompt.id);
  }

  const providers: ResolvedProvider[] = suite.providers.map((entry, index) => {
    const config = typeof entry === 'string' ? { id: entry } : entry;
    checkProviderId(config.id, locator, ['providers', index]);
    return { ...config, label: config.label ?? config.id };
  });
  if (suite.options.grader !== undefined) checkProviderId(suite.options.grader, locator, ['options', 'grader']);
  const labels = new Set<string>();
  for (const [index, provider] of providers.entries()) {
    if (labels.has(provider.label)) {
      throw locator.error(`Two providers share the label "${provider.label}"`, ['providers', index], 'Give each a distinct `label`.');
    }
    labels.add(provider.label);
  }

  /** compileAssertion, with a mistake in this suite file reported at its line. */
  const checkedCompile = (assertion: Assertion, fieldPath: PropertyKey[], file: string): CompiledAssertion => {
    checkAssertionProviders(assertion, fieldPath, file);
    try {
      return compileAssertion(assertion, { file, field: formatFieldPath(fieldPath) });
    } catch (error) {
      if (file === locator.file) locator.relocate(error, fieldPath);
      throw error;
    }
  };

  const checkAssertionProviders = (assertion: Assertion, fieldPath: PropertyKey[], file: string): void => {
    if (typeof assertion.provider === 'string') checkProviderId(assertion.provider, locator, [...fieldPath, 'provider'], file);
    assertion.assert?.forEach((child, index) => checkAssertionProviders(child, [...fieldPath, 'assert', index], file));
  };

  // `type: judge` names a judge file; it is read here and its definition becomes the value.
  const judgeFiles = createJudgeResolver({ directory, warnings, locator });

  const compiled = new Map<string, CompiledAssertion>();
  const compile = (raw: Assertion, fieldPath: PropertyKey[], file = locator.file): CompiledAssertion => {
    const assertion = judgeFiles.resolve(raw, fieldPath, file);
    const key = JSON.stringify(assertion);
    let result = compiled.get(key);
    if (!result) {
      result = checkedCompile(assertion, fieldPath, file);
      compiled.set(key, result);
    }
    return result;
  };

  /**
   * A case's assertion, checked here. An untemplated one is compiled once and shared by every
   * case. One whose value renders differently per case (`contains: "{{answer}}"`) is checked with
   * this case's vars and compiled again when it runs (see SuiteCase): holding 20,000 compiled
   * copies would cost more memory than compiling a `contains` costs time.
   */
  const prepare = (raw: Assertion, vars: Record<string, unknown>, fieldPath: PropertyKey[], file = locator.file): PreparedAssertion => {
    const assertion = judgeFiles.resolve(raw, fieldPath, file);
    const rendered = renderAssertionValue(assertion, vars);
    if (rendered === assertion) {
      const compiledAssertion = compile(assertion, fieldPath, file);
      return { assertion, modelGraded: compiledAssertion.modelGraded, compiled: compiledAssertion };
    }
    return { assertion, modelGraded: checkedCompile(rendered, fieldPath, file).modelGraded };
  };

  // Validate the defaults once up front; templated values ({{var}}) are checked per case below.
  const defaultAsserts = suite.defaultAssert ?? [];
  defaultAsserts.forEach((assertion, index) => compile(assertion, ['defaultAssert', index]));
  /** The defaults as every case shares them (templated ones are rendered per case). */
  let sharedDefaults: PreparedAssertion[] | undefined;

  const rawCases: { testCase: TestCase | LoadedTestCase; fieldPath: PropertyKey[]; file?: string }[] = [];
  if (typeof suite.dataset === 'string') {
    const file = path.resolve(directory, suite.dataset);
    for (const testCase of loadDatasetFile(file, { at: locator.at(['dataset']), written: suite.dataset })) {
      rawCases.push({ testCase, fieldPath: [], file: path.relative(process.cwd(), file) });
    }
  } else if (suite.dataset) {
    suite.dataset.forEach((testCase, index) => rawCases.push({ testCase, fieldPath: ['dataset', index] }));
  }
  (suite.tests ?? []).forEach((testCase, index) => rawCases.push({ testCase, fieldPath: ['tests', index] }));
  if (rawCases.length === 0) {
    throw locator.error('The suite has no test cases', [], 'Add `dataset: datasets/golden.jsonl` or a `tests:` list.');
  }

  const seenIds = new Set<string>();
  const cases: ResolvedCase[] = rawCases.map(({ testCase, fieldPath, file }, index) => {
    const where =
      'sourceFile' in testCase ? { file: testCase.sourceFile, line: testCase.sourceLine } : { file: locator.file, line: locator.line(fieldPath) };
    const source = where.line === undefined ? where.file : `${where.file}:${where.line}`;
    const own = atRowLine(testCase, () =>
      (testCase.assert ?? []).map((assertion, assertIndex) => prepare(assertion, testCase.vars, [...fieldPath, 'assert', assertIndex], file ?? locator.file)),
    );
    const defaults = defaultAsserts.map((assertion, assertIndex) => prepare(assertion, testCase.vars, ['defaultAssert', assertIndex]));
    sharedDefaults ??= defaults;
    const id = testCase.id ?? createHash('sha256').update(JSON.stringify([testCase.vars, testCase.assert ?? []])).digest('hex').slice(0, 12);
    let uniqueId = id;
    if (seenIds.has(id)) {
      if (testCase.id !== undefined) {
        throw locator.error(`Two cases share the id "${id}" (${source})`, fieldPath, 'Case ids must be unique within a suite.');
      }
      warnings.push(`Case ${source} duplicates an earlier case (same vars and assertions)`);
      uniqueId = `${id}-${index}`;
    }
    seenIds.add(uniqueId);
    let caseProviders: string[] | undefined;
    if (testCase.providers) {
      caseProviders = providerLabelsFor(testCase.providers, providers, (pattern, index) => {
        const message = `Case ${source} names provider "${pattern}", which matches none of the suite's providers`;
        const hint = `The suite's providers: ${providers.map((provider) => provider.label).join(', ')}. Use a label or id, or a prefix ending in * (openai:*).`;
        return 'sourceFile' in testCase
          ? new ConfigError(message, { file: testCase.sourceFile, line: testCase.sourceLine, field: `providers[${index}]`, hint, docs: 'datasets.md' })
          : locator.error(message, [...fieldPath, 'providers', index], hint);
      });
      if (caseProviders.length === 0) warnings.push(`Case ${source} runs on no provider (providers: []) and is skipped`);
    }
    return new SuiteCase({
      providers: caseProviders,
      id: uniqueId,
      index,
      description: testCase.description,
      vars: testCase.vars,
      tags: testCase.tags,
      threshold: testCase.threshold,
      own,
      defaults: sharedDefaults,
      file: where.file,
      line: where.line,
    });
  });

  if (cases.every((testCase) => testCase.providers?.length === 0)) {
    throw locator.error('Every case has `providers: []`, so the suite makes no call', [], 'Name at least one provider on a case, or remove its empty `providers:`.');
  }

  for (const prompt of prompts) {
    for (const testCase of cases) {
      for (const variable of prompt.variables) {
        if (!(variable in testCase.vars) && !(variable in prompt.defaults)) {
          throw new ConfigError(
            `Template variable "${variable}" of prompt "${prompt.id}" has no value in case ${testCase.source}`,
            {
              file: testCase.source.replace(/:\d*$/, ''),
              line: Number(testCase.source.split(':').pop()) || undefined,
              field: `vars.${variable}`,
              hint: `Add "${variable}" to the case's vars, or give it a default under input.default in the prompt file.`,
              docs: 'prompts.md',
            },
          );
        }
      }
    }
  }

  // A prompt with a response contract gets a `contract` assertion on every case.
  const promptAssertions: Record<string, CompiledAssertion[]> = {};
  for (const prompt of prompts) {
    promptAssertions[prompt.id] =
      suite.options.enforceContract && prompt.metadata.contract ? [compile({ type: 'contract', metric: 'contract' }, ['prompts'])] : [];
  }

  return {
    file: locator.file,
    directory,
    format: context.format,
    description: suite.description,
    prompts,
    promptAssertions,
    providers,
    cases,
    repeat: suite.repeat,
    threshold: suite.threshold,
    gate: suite.gate,
    output: (typeof suite.output === 'string' ? [suite.output] : (suite.output ?? [])).map((file) => path.resolve(directory, file)),
    ...(suite.server ? { server: suite.server } : {}),
    judges: judgeFiles.judges,
    options: suite.options,
    prices: suite.prices,
    warnings,
  };
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
