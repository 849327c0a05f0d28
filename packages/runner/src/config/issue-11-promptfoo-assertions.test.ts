import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createProviderRegistry } from '@assay/providers';
import { ConfigError, type CaseResult } from '@assay/spec';
import { openSqliteStore } from '@assay/store';
import { runEval } from '../run-eval.ts';
import { parseExpectedCell } from './dataset.ts';
import { loadSuite } from './load-suite.ts';
import { useTemporaryFolder } from './temporary-folder.ts';

// Issue 11: promptfoo's assertion semantics, seen through whole configs.

const folder = useTemporaryFolder('assay-issue-11-');
const write = folder.write;

const configError = async (file = 'promptfooconfig.yaml'): Promise<ConfigError> => {
  const caught = await loadSuite(path.join(folder.path, file)).then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(ConfigError.isInstance(caught)).toBe(true);
  return caught as ConfigError;
};

/** Runs the config on `echo` (the output is the prompt) and returns each case's result. */
async function evalConfig(config: string): Promise<CaseResult[]> {
  write({ 'promptfooconfig.yaml': config });
  const suite = await loadSuite(path.join(folder.path, 'promptfooconfig.yaml'));
  const store = openSqliteStore({ directory: path.join(folder.path, '.assay') });
  const results: CaseResult[] = [];
  try {
    await runEval({
      suite,
      store,
      providers: createProviderRegistry({ cwd: folder.path, cache: false, timeoutMs: 5000, retries: 0 }),
      configPath: path.join(folder.path, 'promptfooconfig.yaml'),
      onEvent: (event) => {
        if (event.type === 'case-result') results.push(event.result);
      },
    });
  } finally {
    await store.close();
  }
  return results.sort((a, b) => a.caseIndex - b.caseIndex);
}

describe('a test threshold', () => {
  it('decides the test from the weighted score even when an assertion fails', async () => {
    const results = await evalConfig(`
prompts: ['{{reply}}']
providers: [echo]
tests:
  - vars: { reply: Paris is lovely }
    threshold: 0.6
    assert:
      - { type: contains, value: Paris, weight: 2 }
      - { type: contains, value: London }
  - vars: { reply: Paris is lovely }
    threshold: 0.7
    assert:
      - { type: contains, value: Paris, weight: 2 }
      - { type: contains, value: London }
  - vars: { reply: Paris is lovely }
    assert:
      - { type: contains, value: Paris, weight: 2 }
      - { type: contains, value: London }
`);
    expect(results.map((result) => [result.pass, Number(result.score.toFixed(3))])).toEqual([
      [true, 0.667],
      [false, 0.667],
      [false, 0.667],
    ]);
  });
});

describe('CSV __expected cells (promptfoo assertionFromString)', () => {
  it('reads types, thresholds and values as promptfoo does', () => {
    expect(parseExpectedCell('  The time is 10:30  ')).toEqual({ type: 'equals', value: 'The time is 10:30' });
    expect(parseExpectedCell('Answer: 42')).toEqual({ type: 'equals', value: 'Answer: 42' });
    expect(parseExpectedCell('Contains: x')).toEqual({ type: 'equals', value: 'Contains: x' });
    expect(parseExpectedCell('is-json')).toEqual({ type: 'is-json' });
    expect(parseExpectedCell('not-contains:  secret ')).toEqual({ type: 'not-contains', value: 'secret' });
    expect(parseExpectedCell('levenshtein(3): hello')).toEqual({ type: 'levenshtein', value: 'hello', threshold: 3 });
    // promptfoo gives these types a threshold of 0.75 when the cell names none.
    expect(parseExpectedCell('levenshtein: hello')).toEqual({ type: 'levenshtein', value: 'hello', threshold: 0.75 });
    expect(parseExpectedCell('contains-any: "a, b", c')).toEqual({ type: 'contains-any', value: '"a, b", c' });
    expect(parseExpectedCell('regex: ^\\d+:\\d+$')).toEqual({ type: 'regex', value: '^\\d+:\\d+$' });
    expect(parseExpectedCell('grade: is polite')).toEqual({ type: 'llm-rubric', value: 'is polite' });
    expect(parseExpectedCell('llm-rubric: mentions: the refund')).toEqual({ type: 'llm-rubric', value: 'mentions: the refund' });
    expect(parseExpectedCell('fn: output.length > 3')).toEqual({ type: 'javascript', value: 'output.length > 3' });
    expect(parseExpectedCell('javascript: output === "a:b"')).toEqual({ type: 'javascript', value: 'output === "a:b"' });
    expect(parseExpectedCell('file://checks/length.js')).toEqual({ type: 'javascript', value: 'file://checks/length.js' });
    expect(parseExpectedCell('similar(0.9): a reference')).toEqual({ type: 'similar', value: 'a reference', threshold: 0.9 });
    expect(() => parseExpectedCell('python: output == "x"')).toThrow(/Python assertion, which Assay cannot run/);
  });

  it('refuses a python: cell at its row, and runs the others', async () => {
    write({
      'tests.csv': 'reply,__expected\nhello there,icontains: HELLO\nbye,python: output == "bye"\n',
      'promptfooconfig.yaml': "prompts: ['{{reply}}']\nproviders: [echo]\ntests: file://tests.csv\n",
    });
    const error = await configError();
    expect(error).toMatchObject({ file: expect.stringContaining('tests.csv'), line: 3, field: '__expected' });
    expect(error.hint).toContain('javascript:');

    write({ 'tests.csv': 'reply, __expected\nhello there,icontains: HELLO\n10:30,10:30\nabc,javascript: const n = output.length; n === 3\n' });
    const results = await evalConfig("prompts: ['{{reply}}']\nproviders: [echo]\ntests: file://tests.csv\n");
    expect(results.map((result) => result.pass)).toEqual([true, true, true]);
  });
});

describe('CSV __config columns and TypeScript assertion files', () => {
  it('sets the threshold of the N-th __expected assertion, and runs a .ts file with its types erased', async () => {
    write({
      'check.ts': 'export default function (output: string, context: { vars: Record<string, string> }): boolean {\n  return output.toLowerCase().includes(context.vars.word);\n}\n',
      'tests.csv': 'reply,word,__expected,__expected2,__config:__expected2:threshold\nhello world,hello,javascript:file://check.ts,levenshtein: hello worlds,0\nhello world,hello,javascript:file://check.ts,levenshtein: hello worlds,1\n',
    });
    const results = await evalConfig("prompts: ['{{reply}}']\nproviders: [echo]\ntests: file://tests.csv\n");
    expect(results.map((result) => result.assertions.map((assertion) => assertion.pass))).toEqual([
      [true, false],
      [true, true],
    ]);
  });
});

describe('an assertion value that is not a valid template', () => {
  it('is a config error at the assertion, not a crash', async () => {
    write({
      'promptfooconfig.yaml': "prompts: ['{{reply}}']\nproviders: [echo]\ntests:\n  - vars: { reply: hi }\n    assert:\n      - type: contains\n        value: '{{#if reply}}x'\n",
    });
    const error = await configError();
    expect(error.message).toMatch(/^Assertion value "\{\{#if reply\}\}x" is not a valid template: Parse error on line 1 \(unexpected end of text\)/);
    expect(error).toMatchObject({ file: expect.stringContaining('promptfooconfig.yaml'), line: 6 });
  });

  it('in a CSV row, names the row', async () => {
    write({
      'tests.csv': 'reply,__expected\nhi,contains: {{ reply | upper }}\n',
      'promptfooconfig.yaml': "prompts: ['{{reply}}']\nproviders: [echo]\ntests: file://tests.csv\n",
    });
    expect(await configError()).toMatchObject({ file: expect.stringContaining('tests.csv'), line: 2 });
  });
});

describe('file:// assertion values', () => {
  it('reads text, YAML/JSON values and JavaScript files, relative to the config', async () => {
    write({
      'expected/city.txt': '  Paris\n',
      'expected/words.json': '["lovely", "Paris"]',
      'checks/assert.js': "module.exports = {\n  customFunction: (output, context) => {\n    console.log('Prompt:', context.prompt);\n    return { pass: output.includes(context.vars.city), score: 0.75, reason: 'Contains city' };\n  },\n};\n",
      'checks/upper.mjs': 'export default function (output, context) {\n  return { text: output.toUpperCase(), city: context.vars.city };\n}\n',
    });
    const results = await evalConfig(`
prompts: ['{{reply}}']
providers: [echo]
tests:
  - vars: { reply: Paris is lovely, city: Paris }
    assert:
      - { type: equals, value: file://expected/city.txt, transform: "output.split(' ')[0]" }
      - { type: contains-all, value: file://expected/words.json }
      - { type: contains-any, value: ['file://expected/city.txt', London] }
      - { type: javascript, value: 'file://checks/assert.js:customFunction' }
      - { type: javascript, value: 'output.text === "PARIS IS LOVELY" && output.city === "Paris"', transform: file://checks/upper.mjs }
`);
    expect(results[0]!.assertions.map((assertion) => [assertion.pass, assertion.reason])).toEqual([
      [true, expect.any(String)],
      [true, expect.any(String)],
      [true, expect.any(String)],
      [true, 'Contains city'],
      [true, expect.any(String)],
    ]);
    expect(results[0]!.assertions[3]!.score).toBe(0.75);
  });

  it('names the file and the assertion line when the file is missing, is Python, or cannot run in the sandbox', async () => {
    const at = (value: string) =>
      write({ 'promptfooconfig.yaml': `prompts: ['{{reply}}']\nproviders: [echo]\ntests:\n  - vars: { reply: hi }\n    assert:\n      - type: javascript\n        value: ${value}\n` });
    at('file://missing.js');
    expect(await configError()).toMatchObject({ message: 'Assertion file not found: file://missing.js', line: 6 });
    at('file://check.py');
    expect((await configError()).message).toContain('names a Python file (file://check.py), which Assay cannot run');
    write({ 'imports.js': "const helper = require('./helper');\nimport x from './x.js';\nexport default () => true;\n" });
    at('file://imports.js');
    const error = await configError();
    expect(error.message).toBe('file://imports.js imports another module (line 2); the sandbox has no modules or files, so the file must be self-contained');
    expect(error).toMatchObject({ line: 6, docs: 'promptfoo.md' });
  });
});
