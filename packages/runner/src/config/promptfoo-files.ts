// The files a promptfoo config points at: test files and globs, vars files, scenario files,
// text prompt files, and promptfoo's var expansion over them. Paths are relative to the config.
import { globSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseYamlSource } from '@assay/core';
import { ConfigError } from '@assay/spec';
import type { PromptSpec } from './prompts.ts';

/** A `tests:` entry: `file://cases.csv`, or a glob (`file://cases/*.yaml`) matching one file or more, in name order. */
export function testFiles(entry: string, directory: string): string[] {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(entry)?.[1];
  if (scheme && scheme !== 'file') {
    throw new ConfigError(`Test source "${entry}" is not supported`, {
      field: 'tests',
      hint: 'Assay reads tests from files (file://cases.csv, .jsonl, .yaml, .json, or a glob of them). Export the dataset to one of those.',
      docs: 'promptfoo.md',
    });
  }
  const pattern = entry.replace(/^file:\/\//, '');
  if (!isGlob(pattern)) return [path.resolve(directory, pattern)];
  const files = matchingFiles(pattern, directory).map((file) => path.resolve(directory, file));
  if (files.length === 0) {
    throw new ConfigError(`No test files match "${entry}"`, {
      field: 'tests',
      hint: 'Globs are relative to the config file. Check the folder and the extension.',
      docs: 'promptfoo.md',
    });
  }
  return files;
}

export const isGlob = (pattern: string): boolean => /[*?[{]/.test(pattern);

/** The files a glob matches, relative to `directory` (where promptfoo resolves them), in name order. */
export function matchingFiles(pattern: string, directory: string): string[] {
  return globSync(pattern, { cwd: directory }).sort();
}

/** A `file://` reference's YAML (or JSON) value, and its path as messages show it. */
function readYamlReference(reference: string, directory: string, what: string): { value: unknown; shown: string } {
  const file = path.resolve(directory, reference.slice('file://'.length));
  const shown = path.relative(process.cwd(), file) || file;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new ConfigError(`${what} file not found: ${reference}`, { file: shown, hint: 'file:// paths are relative to the config file.', docs: 'promptfoo.md' });
  }
  return { value: parseYamlSource(text, shown).value, shown };
}

/** `scenarios:` as a list of scenario objects; `file://` entries are read from YAML or JSON (one scenario or a list). */
export function scenarioList(scenarios: unknown, directory: string): Record<string, unknown>[] {
  if (scenarios === undefined) return [];
  const list: Record<string, unknown>[] = [];
  for (const entry of Array.isArray(scenarios) ? scenarios : [scenarios]) {
    if (typeof entry === 'string' && entry.startsWith('file://')) {
      const { value } = readYamlReference(entry, directory, 'Scenario');
      for (const item of Array.isArray(value) ? value : [value]) if (item && typeof item === 'object') list.push(item as Record<string, unknown>);
    } else if (entry && typeof entry === 'object') list.push(entry as Record<string, unknown>);
    else {
      throw new ConfigError('A scenario is an object with `config` and `tests`, or a file:// path to one', {
        field: 'scenarios',
        hint: 'Write `- config: [{ vars: {...} }]\n  tests: [{ vars: {...}, assert: [...] }]`.',
        docs: 'promptfoo.md',
      });
    }
  }
  return list;
}

/**
 * promptfoo's var expansion: a var holding a list of strings, or a `file://` glob, gives one case
 * per value (every combination when several do). Other lists are values like any other. Each
 * `file://` value is then read (see loadVarFile).
 */
export function varCombinations(vars: Record<string, unknown>, directory: string, expand: boolean): Record<string, unknown>[] {
  let combinations: Record<string, unknown>[] = [{}];
  for (const [name, value] of Object.entries(vars)) {
    let values: unknown[] = [value];
    if (expand && Array.isArray(value) && typeof value[0] === 'string') values = value;
    else if (expand && typeof value === 'string' && value.startsWith('file://') && isGlob(value)) {
      values = matchingFiles(value.slice('file://'.length), directory).map((file) => `file://${file}`);
      if (values.length === 0) {
        throw new ConfigError(`No files match the var "${name}": ${value}`, {
          field: `vars.${name}`,
          hint: 'Globs in vars are relative to the config file; each matching file becomes one case.',
          docs: 'promptfoo.md',
        });
      }
    }
    const loaded = values.map((item) => loadVarFile(item, directory));
    combinations = combinations.flatMap((combination) => loaded.map((item) => ({ ...combination, [name]: item })));
  }
  return combinations;
}

/** A test's `vars: file://vars.yaml` (or .json): the file's object. Anything else is returned as it is. */
export function loadVarsFile(vars: unknown, directory: string): unknown {
  if (typeof vars !== 'string' || !vars.startsWith('file://') || !/\.(ya?ml|json)$/i.test(vars)) return vars;
  const { value, shown } = readYamlReference(vars, directory, 'Vars');
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError('A vars file must hold one mapping of variable names to values', {
      file: shown,
      line: 1,
      hint: 'Write `name: value` lines (YAML) or one JSON object.',
      docs: 'promptfoo.md',
    });
  }
  return value;
}

/** promptfoo reads `file://` var values from disk: text as a string, `.json` parsed. */
function loadVarFile(value: unknown, directory: string): unknown {
  if (typeof value !== 'string' || !value.startsWith('file://')) return value;
  const file = path.resolve(directory, value.slice('file://'.length));
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new ConfigError(`Var file not found: ${value}`, {
      file: path.relative(process.cwd(), file),
      hint: 'file:// paths in vars are relative to the config file.',
      docs: 'promptfoo.md',
    });
  }
  return file.endsWith('.json') ? JSON.parse(text) : text;
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
  if (parts.length <= 1) return [{ kind: 'inline', template: text.trim(), id: path.basename(relative) }];
  return parts.map((template, index) => ({ kind: 'inline', template, id: `${path.basename(relative)}#${index + 1}` }));
}
