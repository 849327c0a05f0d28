import { readFileSync } from 'node:fs';
import { stripTypeScriptTypes } from 'node:module';
import path from 'node:path';
import Handlebars from 'handlebars';
import { javascriptModuleBody, parseYamlSource } from '@assay/core';
import { ConfigError, modelGradedTypes, type Assertion, type AssertionType } from '@assay/spec';

const templateCache = new Map<string, HandlebarsTemplateDelegate>();

/**
 * promptfoo renders `{{var}}` inside assertion values with the case's vars (e.g. `contains: "{{answer}}"`).
 * Values without `{{` are returned untouched, so the common case costs nothing.
 */
export function renderAssertionValue(assertion: Assertion, vars: Record<string, unknown>): Assertion {
  // An assert-set's assertions are rendered one by one; the set itself has no value.
  if (Array.isArray(assertion.assert)) {
    const children = assertion.assert.map((child) => renderAssertionValue(child, vars));
    return children.every((child, index) => child === assertion.assert![index]) ? assertion : { ...assertion, assert: children };
  }
  const value = assertion.value;
  if (typeof value === 'string' && value.includes('{{') && assertion.type.replace(/^not-/, '') !== 'javascript') {
    return { ...assertion, value: render(value, vars) };
  }
  if (Array.isArray(value) && value.some((item) => typeof item === 'string' && item.includes('{{'))) {
    return { ...assertion, value: value.map((item) => (typeof item === 'string' ? render(item, vars) : item)) };
  }
  // Judge prompts are text for a model: strings anywhere in their value may use the case's vars
  // (`pairwise: { reference: "{{answer}}" }`, a judge file's `value: "{{reference}}"`).
  if (typeof value === 'object' && value !== null && hasTemplate(value) && modelGradedTypes.includes(assertion.type.replace(/^not-/, '') as AssertionType)) {
    return { ...assertion, value: renderDeep(value, vars) };
  }
  return assertion;
}

function hasTemplate(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('{{');
  if (Array.isArray(value)) return value.some(hasTemplate);
  if (typeof value === 'object' && value !== null) return Object.values(value).some(hasTemplate);
  return false;
}

function renderDeep(value: unknown, vars: Record<string, unknown>): unknown {
  if (typeof value === 'string') return value.includes('{{') ? render(value, vars) : value;
  if (Array.isArray(value)) return value.map((item) => renderDeep(item, vars));
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, renderDeep(item, vars)]));
  return value;
}

/**
 * A value that is not a valid template is a mistake in the suite: a ConfigError (the caller adds
 * the file and line of the assertion), not a crash when the case runs.
 */
function render(template: string, vars: Record<string, unknown>): string {
  let compiled = templateCache.get(template);
  if (!compiled) {
    compiled = Handlebars.compile(template, { noEscape: true, strict: false });
    templateCache.set(template, compiled);
  }
  try {
    return compiled(vars);
  } catch (error) {
    // Handlebars says "Parse error on line 1:", the line, a caret, then what it expected.
    const lines = (error as Error).message.split('\n');
    const got = /got '([^']+)'/.exec(lines.at(-1) ?? '')?.[1];
    const detail = `${lines[0]!.replace(/:$/, '')}${got ? ` (unexpected ${got === 'EOF' ? 'end of text' : got})` : ''}`;
    throw new ConfigError(`Assertion value ${JSON.stringify(template.length > 80 ? `${template.slice(0, 80)}…` : template)} is not a valid template: ${detail}`, {
      hint: '{{var}} inserts a variable; Handlebars blocks need their closing tag ({{#if x}}…{{/if}}). Nunjucks filters and tags ({{ x | upper }}, {% if %}) are not Handlebars. For literal braces write \\{{not a var}}.',
      docs: 'assertions.md',
    });
  }
}

const fileCache = new Map<string, unknown>();
const javascriptFile = /\.(?:js|cjs|mjs)$/;
const typescriptFile = /\.(?:ts|cts|mts)$/;

/**
 * promptfoo's `file://` assertion values, read when the suite loads, relative to the suite's
 * folder: `.json`/`.yaml`/`.yml` parsed, `.txt` as trimmed text; in a list, each `file://` item.
 * A `javascript` value or a `transform` naming a `.js` file (`file://check.js`, or
 * `file://check.js:name` for a named export) runs that file's export in the sandbox
 * (javascriptModuleBody): the file is read as code, never loaded into Node.
 *
 * @throws ConfigError (without a line; the caller adds it) for a file that is missing, cannot run,
 *   or is of a kind Assay does not read.
 */
export function readAssertionFiles(assertion: Assertion, directory: string): Assertion {
  let out = assertion;
  if (Array.isArray(assertion.assert)) {
    const children = assertion.assert.map((child) => readAssertionFiles(child, directory));
    if (children.some((child, index) => child !== assertion.assert![index])) out = { ...out, assert: children };
  }
  const code = assertion.type.replace(/^not-/, '') === 'javascript';
  const { value, transform } = assertion;
  if (isFileReference(value)) out = { ...out, value: code ? readCodeFile(value, directory, 'javascript') : readValueFile(value, directory) };
  else if (Array.isArray(value) && value.some(isFileReference)) out = { ...out, value: value.map((item) => (isFileReference(item) ? readValueFile(item, directory) : item)) };
  if (typeof transform === 'string' ? isFileReference(transform) : transform?.some(isFileReference)) {
    const read = (piece: string) => (isFileReference(piece) ? (readCodeFile(piece, directory, 'transform') as string) : piece);
    out = { ...out, transform: typeof transform === 'string' ? read(transform) : transform!.map(read) };
  }
  return out;
}

function isFileReference(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith('file://');
}

function fileError(message: string, hint: string): ConfigError {
  return new ConfigError(message, { hint, docs: 'promptfoo.md' });
}

function readText(reference: string, file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw fileError(
      code === 'ENOENT' ? `Assertion file not found: ${reference}` : `Assertion file ${reference} cannot be read: ${code ?? (error as Error).message}`,
      `Looked for ${file}; file:// paths are relative to the config file.`,
    );
  }
}

/** A `file://x.js[:name]` of a javascript assertion or a transform, as a function body for the sandbox. */
function readCodeFile(reference: string, directory: string, what: 'javascript' | 'transform'): string {
  const cached = fileCache.get(`code:${directory}:${reference}`);
  if (typeof cached === 'string') return cached;
  const written = reference.slice('file://'.length);
  // `file://check.js:customFunction` names an export (a colon after the extension).
  const named = /^(.*\.[A-Za-z]+):([\w$]+)$/.exec(written);
  const file = path.resolve(directory, named ? named[1]! : written);
  if (/\.(?:py|rb)$/.test(file)) {
    throw fileError(
      `${what === 'transform' ? 'A transform' : 'A javascript assertion'} names ${path.extname(file) === '.py' ? 'a Python' : 'a Ruby'} file (${reference}), which Assay cannot run`,
      'Assay runs JavaScript only, in a sandbox. Rewrite the check as a .js file exporting (output, context) => result, or inline JavaScript.',
    );
  }
  const typescript = typescriptFile.test(file);
  if (!javascriptFile.test(file) && !typescript) {
    throw fileError(
      `${reference} is not a JavaScript or TypeScript file (.js, .cjs, .mjs, .ts, .cts, .mts)`,
      `Other files are not run; write the ${what === 'transform' ? 'transform' : 'check'} in JavaScript, in a file or inline.`,
    );
  }
  const source = readText(reference, file);
  const converted = javascriptModuleBody(typescript ? withoutTypes(source, reference) : source, reference, named?.[2]);
  if ('problem' in converted) {
    throw fileError(
      `${reference} ${converted.problem}`,
      'Assay reads the file as code and runs its export in the sandbox (no require, import, files or network; see assertions.md#the-sandbox). Keep the function self-contained, or write it inline.',
    );
  }
  fileCache.set(`code:${directory}:${reference}`, converted.body);
  return converted.body;
}

/** TypeScript as JavaScript, its types erased by Node (as promptfoo runs .ts files); enums and other syntax with run-time meaning are refused. */
function withoutTypes(source: string, reference: string): string {
  // Node announces the function as experimental on its first use; that is not the user's concern.
  const emitWarning = process.emitWarning;
  process.emitWarning = () => undefined;
  try {
    return stripTypeScriptTypes(source, { mode: 'strip' });
  } catch (error) {
    throw fileError(
      `${reference} cannot be read as TypeScript: ${(error as Error).message.split('\n')[0]}`,
      'Only type annotations are erased; TypeScript with run-time meaning (enum, namespace, parameter properties) is not. Write it as JavaScript, or use plain annotations.',
    );
  } finally {
    process.emitWarning = emitWarning;
  }
}

/** A `file://` value of any other assertion: parsed YAML/JSON, or trimmed text. */
function readValueFile(reference: string, directory: string): unknown {
  const file = path.resolve(directory, reference.slice('file://'.length));
  const key = `value:${file}`;
  if (fileCache.has(key)) return fileCache.get(key);
  const extension = path.extname(file).toLowerCase();
  let value: unknown;
  if (extension === '.txt') value = readText(reference, file).trim();
  else if (['.json', '.yaml', '.yml'].includes(extension)) {
    // A mistake inside the file is reported at its own line.
    value = parseYamlSource(readText(reference, file), path.relative(process.cwd(), file) || file).value;
  } else {
    throw fileError(
      `Assertion value ${reference}: Assay reads .txt, .json, .yaml and .yml files as values`,
      javascriptFile.test(file) || typescriptFile.test(file) || /\.(?:py|rb)$/.test(file)
        ? 'A script as the value of this type is not run: compute the check in a `javascript` assertion (value: file://check.js) instead.'
        : 'Save the value as a .txt (text), .json or .yaml file, or write it inline.',
    );
  }
  fileCache.set(key, value);
  return value;
}
