import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '@assay/store';
import { makeProject, runCli, simplePrompt } from './cli-harness.ts';

// Issue 16: a gateway that echoes request headers in its errors put `Bearer sk-…` into the
// terminal, every result file, .assay/assay.db and (after upload) the server.
const openaiKey = 'sk-proj-Issue16SecretAb12Cd34Ef56';
const gatewayKey = 'gw-live-7f3a9c1d2e4b5a6c';
const headerKey = 'hdr-key-0a1b2c3d4e5f6789';
const secrets = [openaiKey, gatewayKey, headerKey, 'Issue16SecretAb12Cd34Ef56'];

/** OpenAI chat completions that fail the way a careless gateway does: the error quotes the request's headers. */
let status = 500;
let server: Server;
let url: string;
beforeAll(async () => {
  server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const { authorization, 'x-api-key': apiKey } = request.headers;
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          error: { message: `upstream rejected the call (authorization: ${authorization}; x-api-key: ${apiKey ?? 'none'})`, type: 'server_error', param: null, code: null },
          request: { headers: request.headers },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const suite = () =>
  [
    'prompts:\n  - prompts/hello.prompt',
    'providers:',
    `  - id: openai:gpt-4o-mini\n    config: { apiBaseUrl: "${url}" }`,
    `  - id: openai-compatible:gateway-model\n    config: { apiBaseUrl: "${url}", apiKeyEnv: GATEWAY_KEY, headers: { x-api-key: ${headerKey} } }`,
    'tests:\n  - vars: { name: Ada }\n  - vars: { name: Grace }',
    'options:\n  retries: 0\n  cache: false',
    'output:\n  - out/results.json\n  - out/results.jsonl\n  - out/results.csv\n  - out/results.xml\n  - out/report.html',
    '',
  ].join('\n');

/** Every file the run wrote (store, WAL, result files), minus the suite that holds the header key by design. */
function writtenFiles(directory: string): string[] {
  return readdirSync(directory, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name !== 'suite.yaml')
    .map((entry) => path.join(entry.parentPath, entry.name));
}

function expectNoSecret(text: string, where: string) {
  for (const secret of secrets) expect(text.includes(secret), `${secret} in ${where}`).toBe(false);
}

describe('issue 16: provider error bodies are redacted before they are printed or stored', () => {
  const env = { OPENAI_API_KEY: openaiKey, GATEWAY_KEY: gatewayKey };

  it('a 500 echoing the Authorization header leaves no key in the store, any result file or the console', async () => {
    status = 500;
    await using project = makeProject({ 'prompts/hello.prompt': simplePrompt, 'suite.yaml': suite() });
    const result = await runCli(['eval', '-c', 'suite.yaml', '--no-progress', '--show-failures', '10'], { cwd: project.directory, env });
    expect(result.code).toBe(1);
    expectNoSecret(result.stdout + result.stderr, 'the console');
    expect(result.stdout).toContain('Bearer sk-…[redacted]');

    const store = openSqliteStore({ directory: path.join(project.directory, '.assay') });
    try {
      const [run] = await store.listRuns({ limit: 1 });
      const errors: string[] = [];
      for await (const stored of store.iterateResults(run!.id)) errors.push(stored.error ?? '');
      expect(errors).toHaveLength(4);
      for (const error of errors) {
        expect(error).toMatch(/HTTP 500: upstream rejected the call \(authorization: Bearer (sk-|gw-)…\[redacted\]; x-api-key: (none|hdr-…\[redacted\])\)/);
        expectNoSecret(error, 'a stored error');
      }
    } finally {
      await store.close();
    }

    const json = JSON.parse(readFileSync(path.join(project.directory, 'out/results.json'), 'utf8'));
    expect(JSON.stringify(json)).toContain('authorization: Bearer sk-…[redacted]');
    for (const file of writtenFiles(project.directory)) expectNoSecret(readFileSync(file, 'latin1'), path.relative(project.directory, file));
  });

  it('a fatal 400 echoing the key stops the run with the redacted message', async () => {
    status = 400;
    await using project = makeProject({ 'prompts/hello.prompt': simplePrompt, 'suite.yaml': suite() });
    const result = await runCli(['eval', '-c', 'suite.yaml', '--no-progress'], { cwd: project.directory, env });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/HTTP 400: upstream rejected the call \(authorization: Bearer (sk-|gw-)…\[redacted\]/);
    expectNoSecret(result.stdout + result.stderr, 'the console');
    for (const file of writtenFiles(project.directory)) expectNoSecret(readFileSync(file, 'latin1'), path.relative(project.directory, file));
  });

  it('the live demo names its base URL without the credentials in it', async () => {
    status = 400;
    await using project = makeProject({});
    const baseUrl = url.replace('http://', `http://demo:${gatewayKey}@`);
    const result = await runCli(['demo', '--no-progress'], { cwd: project.directory, env: { OPENAI_BASE_URL: baseUrl, OPENAI_API_KEY: openaiKey } });
    expect(result.stdout).toContain(`LIVE: calling ${url.replace('http://', 'http://[redacted]@')}`);
    expectNoSecret(result.stdout + result.stderr, 'the console');
  });
});
