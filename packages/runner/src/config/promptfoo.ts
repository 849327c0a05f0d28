import { formatFieldPath } from '@assay/core';
import { ConfigError, modelGradedTypes, type AssertionType, type EmbeddingProviderRef } from '@assay/spec';
import path from 'node:path';
import type { PromptSpec } from './prompts.ts';
import { closestName } from './closest-name.ts';
import { convertEmbeddingProvider, isEmbeddingAssertion, providersByTask } from './promptfoo-embedding.ts';
import type { ConfigLocator } from './config-location.ts';
import { openDatasetFile, type DatasetFile, type LoadedTestCase } from './dataset.ts';
import type { CaseSegment } from './resolve-cases.ts';
import { isGlob, matchingFiles, originIn, scenarioList, splitTextPromptFile, testFiles, testsExpects, varCombinations, loadVarsFile, type Origin } from './promptfoo-files.ts';

/** Top-level promptfoo fields that only promptfoo has: their presence marks a promptfoo config. */
const promptfooOnlyFields = ['defaultTest', 'evaluateOptions', 'sharing', 'outputPath', 'scenarios', 'redteam', 'env', 'nunjucksFilters', 'derivedMetrics', 'writeLatestResults', 'commandLineOptions', 'extensions', 'tags'];

export function looksLikePromptfoo(file: string, raw: unknown): boolean {
  if (/promptfoo/i.test(path.basename(file))) return true;
  if (typeof raw !== 'object' || raw === null) return false;
  const record = raw as Record<string, unknown>;
  if (promptfooOnlyFields.some((field) => field in record)) return true;
  return Array.isArray(record.prompts) && record.prompts.some((prompt) => typeof prompt === 'string' && (prompt.startsWith('file://') || prompt.includes('{{')));
}

const supportedProviderConfig: Record<string, string> = {
  temperature: 'temperature',
  max_tokens: 'maxTokens',
  maxTokens: 'maxTokens',
  top_p: 'topP',
  seed: 'seed',
  top_k: 'topK',
  topK: 'topK',
  frequency_penalty: 'frequencyPenalty',
  presence_penalty: 'presencePenalty',
  stop: 'stopSequences',
  response_format: 'responseFormat',
  apiBaseUrl: 'apiBaseUrl',
  apiHost: 'apiBaseUrl',
  apiKey: 'apiKey',
  apiKeyEnvar: 'apiKeyEnv',
  headers: 'headers',
  apiVersion: 'apiVersion',
  region: 'region',
  projectId: 'projectId',
  // promptfoo's HTTP provider.
  url: 'url',
  method: 'method',
  body: 'body',
  transformResponse: 'transformResponse',
};
/** promptfoo assertion names that Assay spells differently. */
const assertionAliases: Record<string, string> = {
  'is-valid-openai-tools-call': 'is-valid-tool-call',
  'is-valid-openai-function-call': 'is-valid-tool-call',
  'is-valid-function-call': 'is-valid-tool-call',
  // "Does the output meet this criterion?", asked of a judge: what llm-rubric asks, in its own words.
  'model-graded-closedqa': 'llm-rubric',
};
const supportedAssertionFields = new Set(['type', 'value', 'threshold', 'weight', 'metric', 'provider', 'transform', 'assert']);
const supportedTestFields = new Set(['vars', 'assert', 'description', 'threshold', 'metadata', 'options', 'providers']);
/** Every top-level field promptfoo reads, supported or not. */
const knownTopFields = ['description', 'prompts', 'providers', 'targets', 'tests', 'metadata', 'tracing', '$schema', ...promptfooOnlyFields];
const supportedTopFields = new Set(['description', 'prompts', 'providers', 'targets', 'tests', 'defaultTest', 'evaluateOptions', 'outputPath', 'scenarios', 'env']);

/** OpenAI's `response_format` (json_object, json_schema, text) as an Assay provider `responseFormat`; undefined when unreadable. */
function openaiResponseFormat(value: unknown): 'text' | 'json' | { schema: Record<string, unknown>; name?: string } | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const format = value as { type?: unknown; json_schema?: { name?: unknown; schema?: unknown } };
  if (format.type === 'text') return 'text';
  if (format.type === 'json_object') return 'json';
  const schema = format.json_schema?.schema;
  if (format.type === 'json_schema' && schema && typeof schema === 'object' && !Array.isArray(schema)) {
    const name = format.json_schema?.name;
    return typeof name === 'string' ? { schema: schema as Record<string, unknown>, name } : { schema: schema as Record<string, unknown> };
  }
  return undefined;
}

/** The origin of a test read from a dataset file: its row's line. */
function datasetRowOrigin(file: string, line: number | undefined): Origin {
  const shown = path.relative(process.cwd(), file) || file;
  return (subPath) => (message, hint, docs) => new ConfigError(message, { file: shown, line, field: formatFieldPath(subPath) || undefined, hint, docs });
}

/** A test's `providers:` filter with promptfoo ids (and `openai:chat:*` prefixes) in Assay's spelling. */
function convertProviderFilter(value: unknown): unknown {
  if (typeof value === 'string') return [convertProviderId(value)];
  return Array.isArray(value) ? value.map((item) => (typeof item === 'string' ? convertProviderId(item) : item)) : value;
}

/** promptfoo provider ids → Assay ids. */
function convertProviderId(id: string): string {
  if (id.startsWith('openai:chat:')) return `openai:${id.slice('openai:chat:'.length)}`;
  if (id.startsWith('anthropic:messages:')) return `anthropic:${id.slice('anthropic:messages:'.length)}`;
  if (id.startsWith('ollama:chat:')) return `ollama:${id.slice('ollama:chat:'.length)}`;
  if (id.startsWith('ollama:completion:')) return `ollama:${id.slice('ollama:completion:'.length)}`;
  return id;
}

export interface ConvertedPromptfoo {
  suite: Record<string, unknown>;
  promptSpecs: PromptSpec[];
  /** The tests in promptfoo's order: `[start, end)` ranges of `suite.tests`, and dataset files converted row by row. */
  caseSegments: ({ tests: [number, number] } | Extract<CaseSegment, { dataset: unknown }>)[];
  /** promptfoo's `env:`: variables for the providers (keys, base URLs), over the process's own. */
  env?: Record<string, string>;
  /** Maps an Assay field path back to where it sits in the promptfoo file. */
  mapPath: (path: readonly PropertyKey[]) => readonly PropertyKey[];
}

/**
 * Converts promptfoo's config format (its common core) to an Assay suite. Every field it does
 * not support is named in `warnings` (one line listing them), never silently ignored. `locator`
 * reads the promptfoo file itself: a file it names that cannot be read is an error at that line.
 */
export function convertPromptfooConfig(raw: Record<string, unknown>, directory: string, warnings: string[], locator: ConfigLocator): ConvertedPromptfoo {
  const unsupported = new Set<string>();
  for (const key of Object.keys(raw)) {
    if (supportedTopFields.has(key)) continue;
    // A key promptfoo does not know either, close to one it does (`providrs:`, `defaultTst:`), is a typo.
    const suggestion = knownTopFields.includes(key) ? undefined : closestName(key, knownTopFields.filter((field) => !(field in raw)));
    if (suggestion) throw locator.error(`Unknown field "${key}"`, [key], `Did you mean "${suggestion}"?`, 'promptfoo.md');
    unsupported.add(key);
  }

  const promptSpecs: PromptSpec[] = [];
  const prompts = Array.isArray(raw.prompts) ? raw.prompts : raw.prompts === undefined ? [] : [raw.prompts];
  for (const [index, prompt] of prompts.entries()) {
    if (typeof prompt === 'string') {
      if (prompt.startsWith('file://')) {
        const pattern = prompt.slice('file://'.length);
        // A glob (`file://prompts/*.txt`) stands for every matching file, in name order.
        const files = isGlob(pattern) ? matchingFiles(pattern, directory) : [pattern];
        if (files.length === 0) {
          throw locator.error(
            `No prompt files match "${prompt}"`,
            Array.isArray(raw.prompts) ? ['prompts', index] : ['prompts'],
            `Globs are relative to the config file (${directory}). Check the folder and the extension.`,
            'promptfoo.md',
          );
        }
        for (const file of files) {
          if (/\.(txt|md)$/.test(file)) promptSpecs.push(...splitTextPromptFile(path.resolve(directory, file), file));
          else promptSpecs.push({ kind: 'file', file, syntax: 'nunjucks' });
        }
      } else promptSpecs.push({ kind: 'inline', template: prompt, id: prompts.length > 1 ? `prompt-${index + 1}` : 'prompt', syntax: 'nunjucks' });
    } else if (prompt && typeof prompt === 'object') {
      const record = prompt as Record<string, unknown>;
      const rawTemplate = record.raw ?? record.prompt;
      const label = typeof record.label === 'string' ? record.label : typeof record.id === 'string' ? record.id : undefined;
      if (typeof record.id === 'string' && record.id.startsWith('file://')) {
        promptSpecs.push({ kind: 'file', file: record.id.slice('file://'.length), label: typeof record.label === 'string' ? record.label : undefined, syntax: 'nunjucks' });
      } else if (typeof rawTemplate === 'string') {
        promptSpecs.push({ kind: 'inline', template: rawTemplate, label: label ?? `prompt-${index + 1}`, syntax: 'nunjucks' });
      }
      for (const key of Object.keys(record)) if (!['raw', 'prompt', 'label', 'id'].includes(key)) unsupported.add(`prompts[].${key}`);
    }
  }

  // `targets:` is promptfoo's other name for `providers:` (the red-team docs use it).
  if (raw.targets !== undefined && raw.providers !== undefined) {
    throw locator.error('`targets:` and `providers:` are the same list; write one of them', ['targets'], 'Move the entries of `targets:` under `providers:` (or the other way round).', 'promptfoo.md');
  }
  const providersKey = raw.targets !== undefined ? 'targets' : 'providers';
  const providersValue = raw[providersKey];
  const providersRaw = Array.isArray(providersValue) ? providersValue : providersValue === undefined ? [] : [providersValue];
  const providers = providersRaw.map((provider) => {
    if (typeof provider === 'string') return convertProviderId(provider);
    const record = provider as Record<string, unknown>;
    const config: Record<string, unknown> = {};
    for (const [key, value] of Object.entries((record.config ?? {}) as Record<string, unknown>)) {
      const mapped = supportedProviderConfig[key];
      // promptfoo takes `stop` as one string or a list.
      if (mapped === 'stopSequences') config[mapped] = typeof value === 'string' ? [value] : value;
      // promptfoo's `apiHost` is a bare host (`my-resource.openai.azure.com`); a URL needs its scheme.
      else if (key === 'apiHost' && typeof value === 'string') config.apiBaseUrl ??= /^https?:\/\//.test(value) ? value : `https://${value.replace(/\/+$/, '')}`;
      // YAML reads `apiVersion: 2024-10-21` as a date.
      else if (key === 'apiVersion' && value instanceof Date) config.apiVersion = value.toISOString().slice(0, 10);
      else if (key === 'response_format') {
        const format = openaiResponseFormat(value);
        if (format === undefined) unsupported.add('providers[].config.response_format');
        else if (format !== 'text') config.responseFormat = format;
      } else if (mapped) config[mapped] = value;
      else unsupported.add(`providers[].config.${key}`);
    }
    for (const key of Object.keys(record)) if (!['id', 'label', 'config'].includes(key)) unsupported.add(`providers[].${key}`);
    return { id: convertProviderId(String(record.id)), label: record.label, ...(Object.keys(config).length ? { config } : {}) };
  });

  const convertAssertions = (list: unknown): unknown => {
    if (!Array.isArray(list)) return list;
    return list.map((assertion) => {
      if (!assertion || typeof assertion !== 'object') return assertion;
      const out: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(assertion)) {
        if (key === 'type' && typeof value === 'string') {
          const negated = value.startsWith('not-');
          const base = negated ? value.slice(4) : value;
          out.type = `${negated ? 'not-' : ''}${assertionAliases[base] ?? base}`;
        } else if (key === 'assert') out.assert = convertAssertions(value);
        else if (key === 'provider' && isEmbeddingAssertion(assertion)) out.provider = convertEmbeddingProvider(value, 'assert[].provider', unsupported);
        else if (supportedAssertionFields.has(key)) out[key] = value;
        else unsupported.add(`assert[].${key}`);
      }
      return out;
    });
  };

  /**
   * A test's (or defaultTest's) `options`: `provider` is the grading model, `disableVarExpansion`
   * keeps list vars as lists; every other option is named as unsupported.
   */
  const readOptions = (options: unknown, where: string): { grader?: string; embedding?: EmbeddingProviderRef; disableVarExpansion?: boolean; transform?: string } => {
    const read: { grader?: string; embedding?: EmbeddingProviderRef; disableVarExpansion?: boolean; transform?: string } = {};
    if (!options || typeof options !== 'object') return read;
    for (const [key, value] of Object.entries(options)) {
      // `provider: { text: …, embedding: … }`: the grading model and the embedding model of `similar`.
      const byTask = key === 'provider' ? providersByTask(value, `${where}.provider`, unsupported) : undefined;
      if (byTask) {
        if (byTask.embedding !== undefined) read.embedding = byTask.embedding;
        const text = (byTask.text as { id?: unknown } | undefined)?.id ?? byTask.text;
        if (typeof text === 'string') read.grader = convertProviderId(text);
      } else if (key === 'provider' && typeof value === 'string') read.grader = convertProviderId(value);
      else if (key === 'provider' && value && typeof value === 'object' && typeof (value as Record<string, unknown>).id === 'string') {
        read.grader = convertProviderId((value as Record<string, unknown>).id as string);
        for (const field of Object.keys(value)) if (field !== 'id') unsupported.add(`${where}.provider.${field}`);
      } else if (key === 'disableVarExpansion' && typeof value === 'boolean') read.disableVarExpansion = value;
      // `postprocess` is promptfoo's older name for `transform`.
      else if ((key === 'transform' || key === 'postprocess') && typeof value === 'string') read.transform ??= value;
      else unsupported.add(`${where}.${key}`);
    }
    return read;
  };
  /** Converted tests whose list vars stay lists (`options.disableVarExpansion`). */
  const keepLists = new WeakSet<object>();
  /** The output transform of a converted test (`options.transform`, else defaultTest's). */
  const testTransforms = new WeakMap<object, string>();
  /** Where each converted test was written (the config, a scenario file, a dataset row): its file errors point there. */
  const origins = new WeakMap<object, Origin>();

  const defaultTest = (raw.defaultTest ?? {}) as Record<string, unknown>;
  const defaultVars = (defaultTest.vars ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(defaultTest)) if (!['assert', 'vars', 'options', 'providers', 'threshold', 'metadata'].includes(key)) unsupported.add(`defaultTest.${key}`);
  /** defaultTest's threshold and metadata, under every test's own (as promptfoo merges them). */
  const defaultCaseFields = (record: Record<string, unknown>): Record<string, unknown> => {
    const fields: Record<string, unknown> = {};
    const threshold = record.threshold ?? defaultTest.threshold;
    if (threshold !== undefined) fields.threshold = threshold;
    if (defaultTest.metadata !== undefined || record.metadata !== undefined) {
      fields.metadata = { ...((defaultTest.metadata ?? {}) as object), ...((record.metadata ?? {}) as object) };
    }
    return fields;
  };
  const defaultProviders = defaultTest.providers === undefined ? undefined : convertProviderFilter(defaultTest.providers);
  const defaultOptions = readOptions(defaultTest.options, 'defaultTest.options');

  const convertTest = (test: unknown, origin: Origin): unknown => {
    if (!test || typeof test !== 'object') return test;
    const record = test as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    origins.set(out, origin);
    for (const [key, value] of Object.entries(record)) {
      if (!supportedTestFields.has(key)) unsupported.add(`tests[].${key}`);
      else if (key === 'assert') out.assert = convertAssertions(value);
      else if (key === 'providers') out.providers = convertProviderFilter(value);
      else if (key !== 'options') out[key] = value;
    }
    // A test's grading provider applies to its model-graded assertions that do not name one.
    const { grader, embedding, disableVarExpansion, transform } = readOptions(record.options, 'tests[].options');
    if (disableVarExpansion !== undefined ? disableVarExpansion : defaultOptions.disableVarExpansion) keepLists.add(out);
    if (transform ?? defaultOptions.transform) testTransforms.set(out, (transform ?? defaultOptions.transform)!);
    if (grader && Array.isArray(out.assert)) {
      out.assert = out.assert.map((assertion: Record<string, unknown>) =>
        assertion && typeof assertion.type === 'string' && assertion.provider === undefined && modelGradedTypes.includes(assertion.type.replace(/^not-/, '') as AssertionType)
          ? { ...assertion, provider: grader }
          : assertion,
      );
    }
    // And its embedding model to its `similar` assertions that do not name one.
    if (embedding && Array.isArray(out.assert)) {
      out.assert = out.assert.map((assertion: Record<string, unknown>) => (isEmbeddingAssertion(assertion) && assertion.provider === undefined ? { ...assertion, provider: embedding } : assertion));
    }
    return out;
  };

  /** promptfoo's tests in its order: converted tests, and the dataset files (read row by row when the suite runs). */
  const entries: ({ test: unknown } | { dataset: DatasetFile })[] = [];
  const testsRaw = raw.tests;
  const testSources = typeof testsRaw === 'string' ? [testsRaw] : Array.isArray(testsRaw) ? testsRaw : [];
  for (const [index, entry] of testSources.entries()) {
    const entryPath = Array.isArray(testsRaw) ? ['tests', index] : ['tests'];
    if (typeof entry === 'string') {
      const at = locator.at(entryPath);
      for (const file of testFiles(entry, directory, at)) entries.push({ dataset: openDatasetFile(file, { at, written: entry, expects: testsExpects }) });
    } else entries.push({ test: convertTest(entry, originIn(locator, entryPath)) });
  }
  // Scenarios: every `config` entry combined with every test of the scenario (vars merged, the
  // entry's assertions first), after the plain tests, as promptfoo orders them.
  for (const { scenario, origin } of scenarioList(raw.scenarios, directory, locator)) {
    const scenarioTests = Array.isArray(scenario.tests) && scenario.tests.length ? scenario.tests : [{}];
    for (const key of Object.keys(scenario)) if (!['config', 'tests', 'description'].includes(key)) unsupported.add(`scenarios[].${key}`);
    for (const [dataIndex, data] of (Array.isArray(scenario.config) ? scenario.config : []).entries()) {
      for (const [testIndex, test] of scenarioTests.entries()) {
        if (!data || typeof data !== 'object' || !test || typeof test !== 'object') continue;
        const entry = data as Record<string, unknown>;
        const own = test as Record<string, unknown>;
        const assert = [...(Array.isArray(entry.assert) ? entry.assert : []), ...(Array.isArray(own.assert) ? own.assert : [])];
        const description = own.description ?? entry.description ?? scenario.description;
        // A var is written in the scenario's test, else in its config entry.
        const writtenAt: Origin = (subPath) => {
          const inTest = scenario.tests === scenarioTests && (subPath[0] !== 'vars' || Object.hasOwn((own.vars ?? {}) as object, subPath[1] ?? ''));
          return origin(inTest ? ['tests', testIndex, ...subPath] : ['config', dataIndex, ...subPath]);
        };
        entries.push({
          test: convertTest(
            {
              ...entry,
              ...own,
              vars: { ...((entry.vars ?? {}) as object), ...((own.vars ?? {}) as object) },
              ...(assert.length ? { assert } : {}),
              ...(description === undefined ? {} : { description }),
            },
            writtenAt,
          ),
        });
      }
    }
  }
  // promptfoo transforms a test's output before every assertion of it, the defaults included. In
  // Assay a transform belongs to an assertion, so a test with one gets its own copy of the
  // defaults, each assertion carrying the test's transform first.
  const defaultAssertList = convertAssertions(defaultTest.assert);
  const anyTestTransform = entries.some((entry) =>
    'dataset' in entry ? defaultOptions.transform !== undefined : entry.test !== null && typeof entry.test === 'object' && testTransforms.has(entry.test),
  );
  const withTransform = (list: unknown, transform: string): unknown =>
    Array.isArray(list)
      ? list.map((assertion: Record<string, unknown>) => {
          if (!assertion || typeof assertion !== 'object') return assertion;
          const own = assertion.transform;
          return { ...assertion, transform: own === undefined ? transform : [transform, ...(Array.isArray(own) ? own : [own])] };
        })
      : list;
  /** One test as the cases it stands for: defaultTest merged in, list vars expanded. */
  const expand = (test: unknown): unknown[] => {
    let record = test as Record<string, unknown>;
    if (!record || typeof record !== 'object') return [test];
    const origin = origins.get(record) ?? originIn(locator, ['tests']);
    const expandLists = !keepLists.has(record);
    if (anyTestTransform) {
      const transform = testTransforms.get(record);
      const all = [...(Array.isArray(record.assert) ? record.assert : []), ...(Array.isArray(defaultAssertList) ? defaultAssertList : [])];
      const assert = transform ? withTransform(all, transform) : all;
      record = { ...record, ...((assert as unknown[]).length ? { assert } : {}) };
    }
    const own = loadVarsFile(record.vars, directory, origin(['vars']));
    // Not an object (a number, a list, a CSV path): left for the schema check, which names the line.
    if (own !== undefined && (typeof own !== 'object' || own === null || Array.isArray(own))) return [{ ...record, vars: own }];
    const merged = { ...defaultVars, ...((own ?? {}) as Record<string, unknown>) };
    const providers = record.providers === undefined ? defaultProviders : convertProviderFilter(record.providers);
    const defaults = defaultCaseFields(record);
    const varAt = (name: string) => (own !== null && typeof own === 'object' && name in own ? origin(['vars', name]) : locator.at(['defaultTest', 'vars', name]));
    return varCombinations(merged, directory, expandLists, varAt).map((vars) => ({ ...record, ...defaults, vars, ...(providers === undefined ? {} : { providers }) }));
  };
  /** A dataset row as a promptfoo test: the file's defaults (defaultTest's options) apply to it. */
  const rowTest = ({ sourceFile, sourceLine, ...testCase }: LoadedTestCase): Record<string, unknown> => {
    if (defaultOptions.disableVarExpansion) keepLists.add(testCase);
    if (defaultOptions.transform) testTransforms.set(testCase, defaultOptions.transform);
    origins.set(testCase, datasetRowOrigin(sourceFile, sourceLine));
    return testCase;
  };
  const tests: unknown[] = [];
  const caseSegments: NonNullable<ConvertedPromptfoo['caseSegments']> = [];
  for (const entry of entries) {
    if ('dataset' in entry) {
      caseSegments.push({ dataset: entry.dataset, convert: (row) => expand(rowTest(row)) });
      continue;
    }
    const start = tests.length;
    tests.push(...expand(entry.test));
    const last = caseSegments.at(-1);
    if (last && 'tests' in last && last.tests[1] === start) last.tests[1] = tests.length;
    else caseSegments.push({ tests: [start, tests.length] });
  }

  const evaluateOptions = (raw.evaluateOptions ?? {}) as Record<string, unknown>;
  const options: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(evaluateOptions)) {
    if (key === 'maxConcurrency') options.concurrency = value;
    else if (key === 'repeat') continue;
    else unsupported.add(`evaluateOptions.${key}`);
  }

  if (defaultOptions.grader) options.grader = defaultOptions.grader;
  if (defaultOptions.embedding) options.embedding = defaultOptions.embedding;
  const defaultAssert = anyTestTransform ? undefined : defaultAssertList;
  // promptfoo's `env:` sets variables (keys, base URLs) for its providers, over the process's own.
  let env: Record<string, string> | undefined;
  if (raw.env && typeof raw.env === 'object' && !Array.isArray(raw.env)) {
    for (const [name, value] of Object.entries(raw.env)) {
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') (env ??= {})[name] = String(value);
      else unsupported.add(`env.${name}`);
    }
  } else if (raw.env !== undefined) unsupported.add('env');

  if (unsupported.size) {
    warnings.push(`promptfoo fields not supported by Assay (ignored): ${[...unsupported].sort().join(', ')}`);
  }

  const suite: Record<string, unknown> = {
    description: raw.description,
    // The prompts themselves travel as promptSpecs; these stand-ins let the schema check their count.
    prompts: promptSpecs.map(() => 'placeholder'),
    providers,
    tests,
    defaultAssert,
    options,
    repeat: typeof evaluateOptions.repeat === 'number' ? evaluateOptions.repeat : undefined,
    output: raw.outputPath,
  };
  for (const key of Object.keys(suite)) if (suite[key] === undefined) delete suite[key];

  const inlineTestFile = Array.isArray(testsRaw) && testsRaw.every((entry) => typeof entry !== 'string');
  return {
    suite,
    promptSpecs,
    caseSegments,
    ...(env ? { env } : {}),
    mapPath: (fieldPath) => {
      if (fieldPath[0] === 'defaultAssert') return ['defaultTest', 'assert', ...fieldPath.slice(1)];
      // The grader is defaultTest's `options.provider`; the other options are evaluateOptions.
      if (fieldPath[0] === 'options' && fieldPath[1] === 'grader') return ['defaultTest', 'options', 'provider'];
      if (fieldPath[0] === 'options' && fieldPath[1] === 'embedding') return ['defaultTest', 'options', 'provider', 'embedding', ...fieldPath.slice(2)];
      if (fieldPath[0] === 'options') return ['evaluateOptions', ...fieldPath.slice(1)];
      if (fieldPath[0] === 'output') return ['outputPath', ...fieldPath.slice(1)];
      if (fieldPath[0] === 'providers') return [providersKey, ...fieldPath.slice(1)];
      if (fieldPath[0] === 'tests' && !inlineTestFile) return ['tests'];
      return fieldPath;
    },
  };
}
