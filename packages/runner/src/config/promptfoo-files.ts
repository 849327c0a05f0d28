// The files a promptfoo config points at: test files and globs, vars files, scenario files,
// text prompt files, and promptfoo's var expansion over them. Paths are relative to the config.
import { globSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseYamlSource } from '@assay/core';
import { ConfigError } from '@assay/spec';
import { ConfigLocator, type ErrorAt } from './config-location.ts';
import type { PromptSpec } from './prompts.ts';

/**
 * Where a test (or scenario) was written, as errors at a field below it: a line of the config, of a
 * scenario file, or of a dataset row. `origin(['vars', 'name'])` points at that test's `vars.name`.
 */
export type Origin = (subPath: readonly PropertyKey[]) => ErrorAt;

/** The origin of what sits at `path` in the file `locator` reads. */
export const originIn = (locator: ConfigLocator, path: readonly PropertyKey[]): Origin => (subPath) => locator.at([...path, ...subPath]);

/** What a `tests:` string names, said in the hint when it names no file. */
export const testsExpects = '`tests:` takes a list of test cases, or a file of them: file://cases.csv (.jsonl, .yaml, .json, or a glob such as file://cases/*.yaml).';

/**
 * A `tests:` entry: `file://cases.csv`, or a glob (`file://cases/*.yaml`) matching one file or
 * more, in name order. `at` is the entry's place in the config, where its errors point.
 */
export function testFiles(entry: string, directory: string, at: ErrorAt): string[] {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(entry)?.[1];
  if (scheme && scheme !== 'file') {
    throw at(
      `Test source "${entry}" is not supported`,
      'Assay reads tests from files (file://cases.csv, .jsonl, .yaml, .json, or a glob of them). Export the dataset to one of those.',
      'promptfoo.md',
    );
  }
  const pattern = entry.replace(/^file:\/\//, '');
  if (!isGlob(pattern)) return [path.resolve(directory, pattern)];
  const files = matchingFiles(pattern, directory).map((file) => path.resolve(directory, file));
  if (files.length === 0) {
    throw at(`No test files match "${entry}"`, `Globs are relative to the config file (${directory}). Check the folder and the extension.`, 'promptfoo.md');
  }
  return files;
}

export const isGlob = (pattern: string): boolean => /[*?[{]/.test(pattern);

/** The files a glob matches, relative to `directory` (where promptfoo resolves them), in name order. */
export function matchingFiles(pattern: string, directory: string): string[] {
  return globSync(pattern, { cwd: directory }).sort();
}

/** The error for a `file://` reference that names no file: at the reference, naming the path looked for. */
function missingFile(what: string, reference: string, file: string, at: ErrorAt): ConfigError {
  return at(`${what} file not found: ${reference}`, `Looked for ${file}; file:// paths are relative to the config file. Check the spelling, or create the file.`, 'promptfoo.md');
}

/** A `file://` reference's YAML (or JSON) value, and a locator for errors inside the file. */
function readYamlReference(reference: string, directory: string, what: string, at: ErrorAt): { value: unknown; locator: ConfigLocator } {
  const file = path.resolve(directory, reference.slice('file://'.length));
  const shown = path.relative(process.cwd(), file) || file;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw missingFile(what, reference, file, at);
  }
  const source = parseYamlSource(text, shown);
  return { value: source.value, locator: new ConfigLocator(shown, source) };
}

/**
 * `scenarios:` as a list of scenario objects, each with its origin; `file://` entries are read from
 * YAML or JSON (one scenario or a list).
 */
export function scenarioList(scenarios: unknown, directory: string, locator: ConfigLocator): { scenario: Record<string, unknown>; origin: Origin }[] {
  if (scenarios === undefined) return [];
  const list: { scenario: Record<string, unknown>; origin: Origin }[] = [];
  const entries = Array.isArray(scenarios) ? scenarios : [scenarios];
  for (const [index, entry] of entries.entries()) {
    const entryPath = Array.isArray(scenarios) ? ['scenarios', index] : ['scenarios'];
    if (typeof entry === 'string' && entry.startsWith('file://')) {
      const { value, locator: inFile } = readYamlReference(entry, directory, 'Scenario', locator.at(entryPath));
      const items = Array.isArray(value) ? value : [value];
      for (const [itemIndex, item] of items.entries()) {
        if (item && typeof item === 'object') list.push({ scenario: item as Record<string, unknown>, origin: originIn(inFile, Array.isArray(value) ? [itemIndex] : []) });
      }
    } else if (entry && typeof entry === 'object') list.push({ scenario: entry as Record<string, unknown>, origin: originIn(locator, entryPath) });
    else {
      throw locator.error(
        'A scenario is an object with `config` and `tests`, or a file:// path to one',
        entryPath,
        'Write `- config: [{ vars: {...} }]\n  tests: [{ vars: {...}, assert: [...] }]`.',
        'promptfoo.md',
      );
    }
  }
  return list;
}

/**
 * promptfoo's var expansion: a var holding a list of strings, or a `file://` glob, gives one case
 * per value (every combination when several do). Other lists are values like any other. Each
 * `file://` value is then read (see loadVarFile). `at(name)` is where the var is written.
 */
export function varCombinations(vars: Record<string, unknown>, directory: string, expand: boolean, at: (name: string) => ErrorAt): Record<string, unknown>[] {
  let combinations: Record<string, unknown>[] = [{}];
  for (const [name, value] of Object.entries(vars)) {
    let values: unknown[] = [value];
    if (expand && Array.isArray(value) && typeof value[0] === 'string') values = value;
    else if (expand && typeof value === 'string' && value.startsWith('file://') && isGlob(value)) {
      values = matchingFiles(value.slice('file://'.length), directory).map((file) => `file://${file}`);
      if (values.length === 0) {
        throw at(name)(`No files match the var "${name}": ${value}`, `Globs in vars are relative to the config file (${directory}); each matching file becomes one case.`, 'promptfoo.md');
      }
    }
    const loaded = values.map((item) => loadVarFile(item, directory, at(name)));
    combinations = combinations.flatMap((combination) => loaded.map((item) => ({ ...combination, [name]: item })));
  }
  return combinations;
}

/** A test's `vars: file://vars.yaml` (or .json): the file's object. Anything else is returned as it is. `at` is where `vars:` is written. */
export function loadVarsFile(vars: unknown, directory: string, at: ErrorAt): unknown {
  if (typeof vars !== 'string' || !vars.startsWith('file://') || !/\.(ya?ml|json)$/i.test(vars)) return vars;
  const { value, locator } = readYamlReference(vars, directory, 'Vars', at);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw locator.error('A vars file must hold one mapping of variable names to values', [], 'Write `name: value` lines (YAML) or one JSON object.', 'promptfoo.md');
  }
  return value;
}

/** promptfoo reads `file://` var values from disk: text as a string, `.json` parsed. */
function loadVarFile(value: unknown, directory: string, at: ErrorAt): unknown {
  if (typeof value !== 'string' || !value.startsWith('file://')) return value;
  const file = path.resolve(directory, value.slice('file://'.length));
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw missingFile('Var', value, file, at);
  }
  if (!file.endsWith('.json')) return text;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`Invalid JSON in var file ${value}: ${(error as Error).message}`, {
      file: path.relative(process.cwd(), file) || file,
      hint: 'A .json var file holds one JSON value; rename it to .txt to pass its text as it is.',
      docs: 'promptfoo.md',
    });
  }
}

/** promptfoo splits a text prompt file into several prompts on lines of `---`. */
export function splitTextPromptFile(absolute: string, relative: string): PromptSpec[] {
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch {
    return [{ kind: 'file', file: relative }];
  }
  const parts = text.split(/^-{3,}\s*$/m).map((part) => part.trim()).filter(Boolean);
  if (parts.length <= 1) return [{ kind: 'inline', template: text.trim(), id: path.basename(relative), syntax: 'nunjucks' }];
  return parts.map((template, index) => ({ kind: 'inline', template, id: `${path.basename(relative)}#${index + 1}`, syntax: 'nunjucks' }));
}
