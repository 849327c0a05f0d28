import { createReadStream, readFileSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { CsvError, parse as parseCsv } from 'csv-parse';
import { ConfigError, TestCaseSchema, assertionTypes, type TestCase } from '@assay/spec';
import { formatFieldPath, parseYamlSource } from '@assay/core';
import type { ErrorAt } from './config-location.ts';

export interface LoadedTestCase extends TestCase {
  /** The file and line the case came from. */
  sourceFile: string;
  sourceLine: number | undefined;
}

/** Where a config names a dataset file: errors about the file itself (missing, too large, of an unknown kind) point there. */
export interface DatasetReference {
  /** Errors at the field that names the file (`dataset:`, a `tests:` entry). */
  at: ErrorAt;
  /** The reference as the user wrote it (`file://data/cases.csv`). */
  written: string;
  /** What the field takes, added to the hint of a missing file (`tests:` takes a list of cases or a file of them). */
  expects?: string;
}

/** A dataset file, checked and ready to be read, row by row, as many times as the run needs. */
export interface DatasetFile {
  file: string;
  /**
   * The cases, in file order, each validated (a mistake names its line). JSONL and CSV are
   * streamed: a pass holds one row at a time. A file changed since it was opened is an error,
   * so every pass of a run reads the same cases.
   */
  rows(): AsyncGenerator<LoadedTestCase>;
}

/**
 * Opens a dataset file: `.jsonl` (one case per line), `.csv` (columns are vars; `__id`,
 * `__description`, `__tags`, `__expected*` are special), or `.yaml`/`.json` (a list of cases,
 * read whole). A mistake inside the file names its line; one about the file itself names the
 * line of `reference`, the place in the config that points at it.
 */
export function openDatasetFile(file: string, reference?: DatasetReference): DatasetFile {
  const fail = (message: string, hint: string): ConfigError =>
    reference ? reference.at(message, hint, 'datasets.md') : new ConfigError(message, { file, hint, docs: 'datasets.md' });
  const written = reference?.written ?? file;
  const where = reference ? `Looked for ${file}; paths are relative to the config file.` : 'Paths in a suite are relative to the suite file.';
  let stats;
  try {
    stats = statSync(file);
  } catch {
    throw fail(`Dataset file not found: ${written}`, `${where} Check the spelling, or create the file.${reference?.expects ? ` ${reference.expects}` : ''}`);
  }
  if (stats.isDirectory()) throw fail(`Dataset ${written} is a folder, not a file`, `${where} Name one file, e.g. ${written.replace(/\/+$/, '')}/cases.jsonl.`);
  const extension = path.extname(file).toLowerCase();
  const read = datasetReaders[extension];
  if (read === undefined) throw fail(`Unsupported dataset format "${extension || '(no extension)'}": ${written}`, 'Use .jsonl, .csv, .yaml or .json.');
  if (read.whole && stats.size > maxWholeFileBytes) {
    throw fail(
      `Dataset file ${written} is larger than ${maxWholeFileBytes / 1024 / 1024} MB`,
      'A .yaml or .json dataset is read whole; write a large one as .jsonl (one case per line) or .csv, which are streamed.',
    );
  }
  const stamp = `${stats.size}:${stats.mtimeMs}`;
  const cannotRead = (error: unknown): ConfigError =>
    fail(`Dataset file ${written} cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, 'Check its permissions.');
  return {
    file,
    async *rows() {
      // Before and after each pass: a file edited while a run reads it would mix two datasets.
      const unchanged = () => {
        let now;
        try {
          now = statSync(file);
        } catch (error) {
          throw cannotRead(error);
        }
        if (`${now.size}:${now.mtimeMs}` !== stamp) {
          throw fail(`Dataset file ${written} changed since the suite was loaded`, 'Run again without editing the dataset during the run: each pass over it must read the cases that were checked.');
        }
      };
      unchanged();
      yield* read.rows(file, cannotRead);
      unchanged();
    },
  };
}

/** Largest .yaml/.json dataset read whole (JSONL and CSV are streamed and have no limit). */
const maxWholeFileBytes = 512 * 1024 * 1024;

interface DatasetReader {
  /** Read into memory at once (YAML, JSON) rather than streamed. */
  whole: boolean;
  rows(file: string, cannotRead: (error: unknown) => ConfigError): AsyncGenerator<LoadedTestCase>;
}

const datasetReaders: Readonly<Record<string, DatasetReader>> = {
  '.jsonl': { whole: false, rows: jsonlRows },
  '.ndjson': { whole: false, rows: jsonlRows },
  '.csv': { whole: false, rows: csvRows },
  '.yaml': { whole: true, rows: yamlListRows },
  '.yml': { whole: true, rows: yamlListRows },
  '.json': { whole: true, rows: yamlListRows },
};

/** A file's stream; a read error (EACCES, EISDIR) ends `into` with that error. */
function readInto<T extends NodeJS.WritableStream & { destroy(error?: Error): unknown }>(file: string, into: T): T {
  const input = createReadStream(file);
  input.on('error', (error) => into.destroy(error));
  input.pipe(into);
  return into;
}

/** A case read from `file` (a dataset row, or one converted from it), validated; a mistake names its line. */
export function validateCase(value: unknown, file: string, line: number | undefined, locate?: (path: PropertyKey[]) => number | undefined): LoadedTestCase {
  const normalized = normalizeCaseShape(value);
  const parsed = TestCaseSchema.safeParse(normalized);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`Invalid test case: ${issue.message}`, {
      file,
      line: locate?.(issue.path as PropertyKey[]) ?? line,
      field: formatFieldPath(issue.path as PropertyKey[]) || undefined,
      hint: 'A case is {"vars": {...}, "assert": [...]} with optional id, description, tags, threshold.',
      docs: 'datasets.md',
    });
  }
  return { ...parsed.data, sourceFile: file, sourceLine: line };
}

/** A row with no `vars` key is taken as the vars themselves (the common JSONL shape). */
function normalizeCaseShape(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const record = value as Record<string, unknown>;
  if ('vars' in record || 'assert' in record) return record;
  const { id, description, tags, ...vars } = record;
  return { id, description, tags, vars };
}

async function* jsonlRows(file: string, cannotRead: (error: unknown) => ConfigError): AsyncGenerator<LoadedTestCase> {
  const input = createReadStream(file, { encoding: 'utf8' });
  const lines = createInterface({ input, crlfDelay: Infinity });
  let lineNumber = 0;
  try {
    for await (const text of lines) {
      lineNumber++;
      const line = text.trim();
      if (!line) continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (error) {
        throw new ConfigError(`Invalid JSON on line ${lineNumber}: ${(error as Error).message}`, {
          file,
          line: lineNumber,
          hint: 'Each line of a .jsonl file is one complete JSON object.',
          docs: 'datasets.md',
        });
      }
      yield validateCase(value, file, lineNumber);
    }
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw cannotRead(error);
  } finally {
    lines.close();
    input.destroy();
  }
}

async function* csvRows(file: string, cannotRead: (error: unknown) => ConfigError): AsyncGenerator<LoadedTestCase> {
  const parser = readInto(
    file,
    parseCsv({
      // promptfoo trims header names: " __expected" is the special column.
      columns: (header: string[]) => checkCsvHeader(header.map((column) => column.trim()), file),
      skip_empty_lines: true,
      bom: true,
      relax_column_count: false,
      // As promptfoo (its fallback when strict parsing fails): a quote inside an unquoted cell is
      // text (`python: output == "x"`, `javascript: output === "a"`).
      relax_quotes: true,
      info: true,
    }),
  );
  try {
    for await (const { record: row, info } of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
      // The line the record starts on (a quoted cell may span lines).
      const line = info.lines - countNewlines(row);
      const vars: Record<string, unknown> = {};
      const assert: { type: string; value?: unknown; threshold?: number; metric?: string }[] = [];
      let id: string | undefined;
      let description: string | undefined;
      let tags: string[] | undefined;
      let threshold: number | undefined;
      let metric: string | undefined;
      let metadata: Record<string, string> | undefined;
      let thresholds: Map<number, number> | undefined;
      for (const [column, cell] of Object.entries(row)) {
        if (column === '__id') id = cell || undefined;
        else if (column === '__description') description = cell || undefined;
        else if (column === '__tags') tags = cell ? cell.split(',').map((tag) => tag.trim()).filter(Boolean) : undefined;
        else if (column === '__metric') metric = cell || undefined;
        else if (column === '__threshold') threshold = cell ? parseThreshold(cell, file, line) : undefined;
        else if (column.startsWith('__metadata:')) {
          if (cell) (metadata ??= {})[column.slice('__metadata:'.length)] = cell;
        } else if (column.startsWith('__config:')) {
          // promptfoo's `__config:__expected<N>:threshold`: the threshold of the row's N-th assertion.
          if (cell.trim()) (thresholds ??= new Map()).set(configTarget(column), parseConfigThreshold(cell, column, file, line));
        } else if (column.startsWith('__expected')) {
          if (cell.trim()) assert.push(expectedCell(cell, column, file, line));
        } else vars[column] = cell;
      }
      if (metric) for (const assertion of assert) assertion.metric = metric;
      for (const [index, value] of thresholds ?? []) if (assert[index]) assert[index].threshold = value;
      yield validateCase({ id, description, tags, vars, assert: assert.length ? assert : undefined, threshold, metadata }, file, line);
    }
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    if (error instanceof CsvError) {
      const lineMatch = /line (\d+)/i.exec((error as Error).message);
      throw new ConfigError(`Invalid CSV: ${(error as Error).message}`, {
        file,
        line: lineMatch ? Number(lineMatch[1]) : undefined,
        hint: 'Quote fields that contain commas or newlines; every row needs as many fields as the header.',
        docs: 'datasets.md',
      });
    }
    throw cannotRead(error);
  } finally {
    parser.destroy();
  }
}

function expectedCell(cell: string, column: string, file: string, line: number): { type: string; value?: unknown; threshold?: number } {
  try {
    return parseExpectedCell(cell);
  } catch (error) {
    if (!(error instanceof ExpectedCellError)) throw error;
    throw new ConfigError(error.message, { file, line, field: column, hint: error.hint, docs: 'datasets.md' });
  }
}

function countNewlines(row: Record<string, string>): number {
  let count = 0;
  for (const cell of Object.values(row)) for (let index = cell.indexOf('\n'); index !== -1; index = cell.indexOf('\n', index + 1)) count++;
  return count;
}

function checkCsvHeader(columns: string[], file: string): string[] {
  for (const column of columns) {
    if (column.startsWith('__') && !isSpecialColumn(column)) {
      throw new ConfigError(`Unknown special column "${column}" in the CSV header`, {
        file,
        line: 1,
        field: column,
        hint:
          column === '__prefix' || column === '__suffix'
            ? `Assay does not add per-case text around the prompt; put the text in a variable and use it in the prompt template (rename the column to "${column.slice(2)}").`
            : `Columns starting with "__" are reserved: ${specialColumns}. Rename it to a plain name to use it as a variable.`,
        docs: 'datasets.md',
      });
    }
  }
  return columns;
}

const specialColumns = '__id, __description, __tags, __expected (and __expected2, __expected3…), __metric, __threshold, __metadata:<key>, __config:__expected<N>:threshold';
const configColumn = /^__config:__expected(\d*):threshold$/;

/** The index, among the row's assertions, that a `__config:__expected<N>:threshold` column sets (as promptfoo counts: `__expected` and `__expected1` are the first). */
function configTarget(column: string): number {
  const number = configColumn.exec(column)![1]!;
  return number === '' ? 0 : Math.max(0, Number(number) - 1);
}

function parseConfigThreshold(cell: string, column: string, file: string, line: number): number {
  const value = Number(cell.trim());
  if (!Number.isFinite(value) || value < 0) {
    throw new ConfigError(`${column} must be a number >= 0, got "${cell}"`, {
      file,
      line,
      field: column,
      hint: 'The threshold of that __expected assertion, e.g. 0.8 (a score), or a limit such as 3 for levenshtein. Leave the cell empty for none.',
      docs: 'datasets.md',
    });
  }
  return value;
}

function isSpecialColumn(column: string): boolean {
  return (
    ['__id', '__description', '__tags', '__metric', '__threshold'].includes(column) ||
    /^__expected\d*$/.test(column) ||
    (column.startsWith('__metadata:') && column.length > '__metadata:'.length) ||
    configColumn.test(column)
  );
}

function parseThreshold(cell: string, file: string, line: number): number {
  const value = Number(cell);
  if (!Number.isFinite(value) || value < 0 || value > 1) {
    throw new ConfigError(`__threshold must be a number from 0 to 1, got "${cell}"`, {
      file,
      line,
      field: '__threshold',
      hint: 'The weighted score the case must reach, e.g. 0.8 (as `threshold` on a case). Leave the cell empty for none.',
      docs: 'datasets.md',
    });
  }
  return value;
}

/** promptfoo's assertion type names (its `__expected` cells name them), and Assay's own. */
const promptfooTypes = [
  'answer-relevance', 'bleu', 'classifier', 'contains', 'contains-all', 'contains-any', 'contains-html', 'contains-json', 'contains-sql', 'contains-xml',
  'context-faithfulness', 'context-recall', 'context-relevance', 'conversation-relevance', 'cost', 'equals', 'factuality', 'finish-reason', 'g-eval', 'gleu',
  'guardrails', 'icontains', 'icontains-all', 'icontains-any', 'is-html', 'is-json', 'is-refusal', 'is-sql', 'is-valid-function-call',
  'is-valid-openai-function-call', 'is-valid-openai-tools-call', 'is-xml', 'javascript', 'latency', 'levenshtein', 'llm-rubric', 'pi', 'meteor',
  'model-graded-closedqa', 'model-graded-factuality', 'moderation', 'perplexity', 'perplexity-score', 'python', 'regex', 'rouge-n', 'ruby', 'similar',
  'starts-with', 'trace-error-spans', 'trace-span-count', 'trace-span-duration', 'webhook',
];
/** Longest first, so `contains-any` is not read as `contains` followed by text. */
const cellTypes = [...new Set([...promptfooTypes, ...assertionTypes])].sort((a, b) => b.length - a.length);
const cellPattern = new RegExp(`^(not-)?(${cellTypes.map((type) => type.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})(?:\\((\\d+(?:\\.\\d+)?)\\))?(?::([\\s\\S]*))?$`);
/** Types to which promptfoo gives a threshold of 0.75 when the cell names none. */
const defaultThresholdTypes = new Set(['answer-relevance', 'classifier', 'context-faithfulness', 'context-recall', 'context-relevance', 'cost', 'latency', 'levenshtein', 'perplexity-score', 'perplexity', 'rouge-n', 'starts-with']);
const javascriptExtensions = /\.(?:[cm]?js|[cm]?ts|jsx|tsx)(?::[\w$]+)?$/;

/** A CSV cell that cannot become an assertion: why, and what to write instead. */
export class ExpectedCellError extends Error {
  readonly hint: string;
  constructor(message: string, hint: string) {
    super(message);
    this.hint = hint;
  }
}

/**
 * promptfoo's `__expected` cell syntax, read as promptfoo reads it (its `assertionFromString`):
 * `javascript:`, `fn:` and `eval:` code (or `file://x.js`), `grade:` or `llm-rubric:` text,
 * `<type>` alone (`is-json`), `<type>: <value>`, `<type>(<threshold>): <value>`
 * (`levenshtein(3): hello`), each optionally `not-`. Only promptfoo's exact, lower-case type
 * names count: any other cell (`Answer: 42`, `Contains: x`) is the value of an `equals`. The cell is
 * trimmed first. `python:` cells are refused: Assay runs no Python.
 *
 * @throws ExpectedCellError for a `python:` cell or a Python file.
 */
export function parseExpectedCell(raw: string): { type: string; value?: unknown; threshold?: number } {
  const cell = raw.trim();
  const legacy = /^(javascript|fn|eval):/.exec(cell);
  if (legacy) return { type: 'javascript', value: cell.slice(legacy[0].length).trim() };
  if (cell.startsWith('file://') && javascriptExtensions.test(cell)) return { type: 'javascript', value: cell };
  if (cell.startsWith('grade:')) return { type: 'llm-rubric', value: cell.slice('grade:'.length).trim() };
  if (cell.startsWith('llm-rubric:')) return { type: 'llm-rubric', value: cell.slice('llm-rubric:'.length).trim() };
  if (cell.startsWith('python:') || (cell.startsWith('file://') && /\.py(?::|$)/.test(cell))) {
    throw new ExpectedCellError(
      `__expected \`${cell.length > 60 ? `${cell.slice(0, 60)}…` : cell}\` is a Python assertion, which Assay cannot run`,
      'Assay runs no Python. Rewrite the check as `javascript: <expression>` (it runs in a sandbox, see assertions.md#javascript), or use a built-in type such as `contains:` or `regex:`.',
    );
  }
  const match = cellPattern.exec(cell);
  if (!match) return { type: 'equals', value: cell };
  const [, not = '', type = '', thresholdText, value] = match;
  const threshold = thresholdText === undefined ? (defaultThresholdTypes.has(type) ? 0.75 : undefined) : Number.parseFloat(thresholdText);
  const assertion: { type: string; value?: unknown; threshold?: number } = { type: `${not}${type}` };
  // contains-json and is-json keep their value as written; the others are trimmed.
  const text = type === 'contains-json' || type === 'is-json' ? value : value?.trim();
  if (text !== undefined && text !== '') assertion.value = text;
  if (threshold !== undefined) assertion.threshold = threshold;
  return assertion;
}

async function* yamlListRows(file: string, cannotRead: (error: unknown) => ConfigError): AsyncGenerator<LoadedTestCase> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw cannotRead(error);
  }
  const source = parseYamlSource(text, file);
  if (!Array.isArray(source.value)) {
    throw new ConfigError('A dataset file must hold a list of cases', {
      file,
      line: 1,
      hint: 'Write a YAML/JSON list: - vars: {...}',
      docs: 'datasets.md',
    });
  }
  for (const [index, value] of source.value.entries()) {
    yield validateCase(value, file, source.locate([index])?.line, (issuePath) => source.locate([index, ...issuePath])?.line);
  }
}
