import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startMockServer } from '@assay/providers/mock-server';
import { makeProject, runCli, simplePrompt } from './cli-harness.ts';

/** A config mistake: exit 2, one message naming the place and a hint, no stack trace. */
function expectUserError(result: { code: number | null; stderr: string }, ...fragments: (string | RegExp)[]) {
  expect(result.code).toBe(2);
  for (const fragment of fragments) expect(result.stderr).toMatch(fragment);
  expect(result.stderr).toContain('Hint:');
  expect(result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+\)?/);
}

const suite = (body: string) => `prompts:\n  - prompts/hello.prompt\nproviders:\n  - echo\n${body}`;

describe('bad input gives a clear error with file, line and hint (exit 2)', () => {
  it('malformed YAML', async () => {
    await using project = makeProject({ 'suite.yaml': 'prompts: [a.prompt\nproviders:\n  - echo\n' });
    const result = await runCli(['eval', '-c', 'suite.yaml', '--no-progress'], { cwd: project.directory });
    expectUserError(result, /suite\.yaml:\d+:\d+: Invalid YAML/);
  });

  it('unknown assertion type, with a suggestion', async () => {
    await using project = makeProject({
      'prompts/hello.prompt': simplePrompt,
      'suite.yaml': suite('tests:\n  - vars: { name: Ada }\n    assert:\n      - type: contians\n        value: Ada\n'),
    });
    const result = await runCli(['eval', '-c', 'suite.yaml', '--no-progress'], { cwd: project.directory });
    expectUserError(result, /suite\.yaml:8:\d+/, /contians/, /contains/);
  });

  it('a field of the wrong type', async () => {
    await using project = makeProject({
      'prompts/hello.prompt': simplePrompt,
      'suite.yaml': suite('repeat: three\ntests:\n  - vars: { name: Ada }\n'),
    });
    const result = await runCli(['validate', '-c', 'suite.yaml'], { cwd: project.directory });
    expectUserError(result, /suite\.yaml:5:\d+/, /field repeat/);
  });

  it('an unknown top-level field, with a suggestion', async () => {
    await using project = makeProject({
      'prompts/hello.prompt': simplePrompt,
      'suite.yaml': suite('treshold: 0.9\ntests:\n  - vars: { name: Ada }\n'),
    });
    const result = await runCli(['validate', '-c', 'suite.yaml'], { cwd: project.directory });
    expectUserError(result, /suite\.yaml:5:\d+/, /Unknown field "treshold"/, /Did you mean "threshold"/);
  });

  it('a missing prompt file', async () => {
    await using project = makeProject({ 'suite.yaml': suite('tests:\n  - vars: { name: Ada }\n') });
    const result = await runCli(['eval', '-c', 'suite.yaml', '--no-progress'], { cwd: project.directory });
    expectUserError(result, /suite\.yaml:2:\d+/, /Prompt file not found: prompts\/hello\.prompt/);
  });

  it('a template variable with no value', async () => {
    await using project = makeProject({
      'prompts/hello.prompt': simplePrompt,
      'suite.yaml': suite('tests:\n  - vars: { nome: Ada }\n'),
    });
    const result = await runCli(['validate', '-c', 'suite.yaml'], { cwd: project.directory });
    expectUserError(result, /suite\.yaml:6/, /Template variable "name"/, /field vars\.name/);
  });

  it('an invalid JSON schema', async () => {
    await using project = makeProject({
      'prompts/hello.prompt': simplePrompt,
      'suite.yaml': suite('tests:\n  - vars: { name: Ada }\n    assert:\n      - type: json-schema\n        value: { type: objekt }\n'),
    });
    const result = await runCli(['validate', '-c', 'suite.yaml'], { cwd: project.directory });
    expectUserError(result, /suite\.yaml:8:\d+/, /schema/i);
  });

  it('a malformed dataset row names the dataset line', async () => {
    await using project = makeProject({
      'prompts/hello.prompt': simplePrompt,
      'cases.jsonl': '{"vars": {"name": "Ada"}}\n{"vars": {"name": "Bob"\n',
      'suite.yaml': suite('dataset: cases.jsonl\n'),
    });
    const result = await runCli(['validate', '-c', 'suite.yaml'], { cwd: project.directory });
    expectUserError(result, /cases\.jsonl:2/, /Invalid JSON on line 2/);
  });

  it('an unknown provider id', async () => {
    await using project = makeProject({
      'prompts/hello.prompt': simplePrompt,
      'suite.yaml': 'prompts:\n  - prompts/hello.prompt\nproviders:\n  - openia:gpt-4o\ntests:\n  - vars: { name: Ada }\n',
    });
    const result = await runCli(['validate', '-c', 'suite.yaml'], { cwd: project.directory });
    expectUserError(result, /suite\.yaml:4:\d+/, /openia/);
  });

  it('a mistyped API type in a provider id fails at its line, before any request is sent (issue 10)', async () => {
    const server = await startMockServer({ mode: 'echo' });
    try {
      await using project = makeProject({
        'prompts/hello.prompt': simplePrompt,
        'suite.yaml': `prompts:\n  - prompts/hello.prompt\nproviders:\n  - id: openai:chatt:gpt-4o-mini\n    config: { apiBaseUrl: "${server.url}/v1", apiKey: k }\ntests:\n  - vars: { name: Ada }\n`,
      });
      const result = await runCli(['eval', '-c', 'suite.yaml', '--no-progress', '--no-cache'], { cwd: project.directory });
      expectUserError(result, /suite\.yaml:4:\d+: unknown API type "chatt"/, /did you mean "openai:chat:gpt-4o-mini" or "openai:gpt-4o-mini"\?/);
      expect(server.stats().requests).toBe(0);
    } finally {
      await server.close();
    }
  });

  it.each([
    ['an Assay suite', 'suite.yaml', suite('\ndataset: data/missing.csv\n'), /suite\.yaml:6:\d+: Dataset file not found: data\/missing\.csv/],
    ['an Assay suite with tests: "all of them"', 'suite.yaml', suite('tests: "all of them"\n'), /suite\.yaml:5:\d+: `tests:` is a list of test cases, not "all of them"/],
    ['a promptfoo config', 'promptfooconfig.yaml', 'prompts:\n  - "Hi {{name}}"\nproviders:\n  - echo\ntests: file://data/missing.csv\n', /promptfooconfig\.yaml:5:\d+: Dataset file not found: file:\/\/data\/missing\.csv/],
    ['a promptfoo config with tests: "all of them"', 'promptfooconfig.yaml', 'prompts:\n  - "Hi {{name}}"\nproviders:\n  - echo\ntests: "all of them"\n', /promptfooconfig\.yaml:5:\d+: Dataset file not found: all of them/],
  ])('a missing dataset in %s names the line that references it and the path (issue 10)', async (_, file, content, location) => {
    await using project = makeProject({ 'prompts/hello.prompt': simplePrompt, [file]: content });
    const result = await runCli(['eval', '-c', file, '--no-progress'], { cwd: project.directory });
    expectUserError(result, location);
  });

  it('an unreachable provider', async () => {
    // Bind and close a server to get a port nothing listens on.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    await using project = makeProject({
      'prompts/hello.prompt': simplePrompt,
      'suite.yaml': `prompts:\n  - prompts/hello.prompt\nproviders:\n  - id: openai:gpt-4o-mini\n    config: { apiBaseUrl: "http://127.0.0.1:${port}/v1", apiKey: k }\ntests:\n  - vars: { name: Ada }\n`,
    });
    const result = await runCli(['eval', '-c', 'suite.yaml', '--no-progress', '--no-cache'], { cwd: project.directory });
    expectUserError(result, /unreachable/i, new RegExp(String(port)));
  });

  it('a 401 from the provider', async () => {
    const server = createServer((request, response) => {
      response.writeHead(401, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' } }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      await using project = makeProject({
        'prompts/hello.prompt': simplePrompt,
        'suite.yaml': `prompts:\n  - prompts/hello.prompt\nproviders:\n  - id: openai:gpt-4o-mini\n    config: { apiBaseUrl: "http://127.0.0.1:${port}/v1", apiKey: wrong }\ntests:\n  - vars: { name: Ada }\n`,
      });
      const result = await runCli(['eval', '-c', 'suite.yaml', '--no-progress', '--no-cache'], { cwd: project.directory });
      expectUserError(result, /401/, /OPENAI_API_KEY|apiKey/);
    } finally {
      server.close();
    }
  });

  it('a missing config file', async () => {
    await using project = makeProject({});
    const result = await runCli(['eval', '-c', 'nope.yaml'], { cwd: project.directory });
    expectUserError(result, /Config file not found: nope\.yaml/);
  });

  it('an unknown command-line option is a usage error', async () => {
    await using project = makeProject({});
    const result = await runCli(['eval', '--frobnicate'], { cwd: project.directory });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown option/);
  });
});
