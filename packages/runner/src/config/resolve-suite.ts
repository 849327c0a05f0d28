import path from 'node:path';
import { compileAssertion, formatFieldPath, type CompiledAssertion, type PromptTemplate } from '@assay/core';
import { SuiteSchema, embeddingTypes, type Assertion, type AssertionType } from '@assay/spec';
import type { ConfigLocator } from './config-location.ts';
import { openDatasetFile } from './dataset.ts';
import { loadPrompt, type PromptSpec } from './prompts.ts';
import type { ResolvedProvider, ResolvedSuite } from './resolved-suite.ts';
import { checkEmbeddingId, checkProviderId } from './check-provider-id.ts';
import { closestName } from './closest-name.ts';
import { readAssertionFiles, renderAssertionValue } from './assertion-value.ts';
import type { PreparedAssertion } from './suite-case.ts';
import { resolveCases, type CaseInput, type CaseSegment } from './resolve-cases.ts';
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
    /** promptfoo's tests in order: `[start, end)` ranges of the converted `tests`, and dataset files read row by row. */
    caseSegments?: readonly ({ tests: [number, number] } | Extract<CaseSegment, { dataset: unknown }>)[];
  },
): Promise<ResolvedSuite> {
  const { locator, directory, warnings } = context;
  const parsed = SuiteSchema.safeParse(raw);
  if (!parsed.success) {
    // A misspelt required key (`providrs:`) shows up first as the required one missing: the
    // unknown key near it is the mistake to name.
    const issues = parsed.error.issues;
    const misspelt = issues.find((candidate) => candidate.code === 'unrecognized_keys' && candidate.path.length === 0 && candidate.keys.some((key) => closestName(key, suiteFields)));
    const issue = misspelt ?? issues[0]!;
    const issuePath = issue.path as PropertyKey[];
    if (issue.code === 'unrecognized_keys') {
      const key = issue.keys.find((name) => issuePath.length === 0 && closestName(name, suiteFields)) ?? issue.keys[0]!;
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
    if (issue.code === 'invalid_type' && issuePath.length === 1 && (raw as Record<PropertyKey, unknown>)?.[issuePath[0]!] === undefined) {
      throw locator.error(`Missing required field "${String(issuePath[0])}"`, [], `Add \`${String(issuePath[0])}:\` (a list); see the suite fields in docs/configuration.md.`);
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
  const { embedding } = suite.options;
  if (embedding !== undefined) checkEmbeddingId(typeof embedding === 'string' ? embedding : embedding.id, locator, ['options', 'embedding', ...(typeof embedding === 'string' ? [] : ['id'])]);
  const labels = new Set<string>();
  for (const [index, provider] of providers.entries()) {
    if (labels.has(provider.label)) {
      throw locator.error(`Two providers share the label "${provider.label}"`, ['providers', index], 'Give each a distinct `label`.');
    }
    labels.add(provider.label);
  }

  /** `build`, with a mistake in this suite file reported at the line of `fieldPath`. */
  const located = <T>(fieldPath: PropertyKey[], file: string, build: () => T): T => {
    try {
      return build();
    } catch (error) {
      if (file === locator.file) locator.relocate(error, fieldPath);
      throw error;
    }
  };
  /** compileAssertion, with a mistake in this suite file reported at its line. */
  const checkedCompile = (assertion: Assertion, fieldPath: PropertyKey[], file: string): CompiledAssertion => {
    checkAssertionProviders(assertion, fieldPath, file);
    return located(fieldPath, file, () => compileAssertion(assertion, { file, field: formatFieldPath(fieldPath) }));
  };

  const checkAssertionProviders = (assertion: Assertion, fieldPath: PropertyKey[], file: string): void => {
    const { provider } = assertion;
    // `similar` names an embedding model: an id, or `{ id, config }`.
    if (embeddingTypes.includes(assertion.type.replace(/^not-/, '') as AssertionType) && provider !== undefined) {
      checkEmbeddingId(typeof provider === 'string' ? provider : provider.id, locator, [...fieldPath, 'provider', ...(typeof provider === 'string' ? [] : ['id'])], file);
    } else if (typeof provider === 'string') checkProviderId(provider, locator, [...fieldPath, 'provider'], file);
    assertion.assert?.forEach((child, index) => checkAssertionProviders(child, [...fieldPath, 'assert', index], file));
  };

  // `type: judge` names a judge file; it is read here and its definition becomes the value.
  const judgeFiles = createJudgeResolver({ directory, warnings, locator });

  const compiled = new Map<string, CompiledAssertion>();
  const compile = (raw: Assertion, fieldPath: PropertyKey[], file = locator.file): CompiledAssertion => {
    const assertion = located(fieldPath, file, () => readAssertionFiles(judgeFiles.resolve(raw, fieldPath, file), directory));
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
    const assertion = located(fieldPath, file, () => readAssertionFiles(judgeFiles.resolve(raw, fieldPath, file), directory));
    const rendered = located(fieldPath, file, () => renderAssertionValue(assertion, vars));
    if (rendered === assertion) {
      const compiledAssertion = compile(assertion, fieldPath, file);
      return { assertion, modelGraded: compiledAssertion.modelGraded, compiled: compiledAssertion };
    }
    return { assertion, modelGraded: checkedCompile(rendered, fieldPath, file).modelGraded };
  };

  // Validate the defaults once up front; templated values ({{var}}) are checked per case.
  const defaultAsserts = suite.defaultAssert ?? [];
  defaultAsserts.forEach((assertion, index) => compile(assertion, ['defaultAssert', index]));

  const segments: CaseSegment[] = [];
  const inlineTests = (suite.tests ?? []).map((testCase, index): CaseInput => ({ testCase, fieldPath: ['tests', index] }));
  if (context.caseSegments) {
    // promptfoo's tests, in its order: ranges of the converted `tests` and dataset files between them.
    for (const segment of context.caseSegments) segments.push('tests' in segment ? { inline: inlineTests.slice(...segment.tests) } : segment);
  } else {
    if (typeof suite.dataset === 'string') {
      segments.push({ dataset: openDatasetFile(path.resolve(directory, suite.dataset), { at: locator.at(['dataset']), written: suite.dataset }) });
    } else if (suite.dataset) {
      segments.push({ inline: suite.dataset.map((testCase, index) => ({ testCase, fieldPath: ['dataset', index] })) });
    }
    segments.push({ inline: inlineTests });
  }
  const cases = await resolveCases(segments, {
    locator,
    prompts,
    providers,
    warnings,
    prepare,
    defaults: (vars) => defaultAsserts.map((assertion, assertIndex) => prepare(assertion, vars, ['defaultAssert', assertIndex])),
  });

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
