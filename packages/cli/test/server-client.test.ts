import { describe, expect, it } from 'vitest';
import { AssayError, ConfigError } from '@assay/spec';
import { maxResultsPerUpload } from '@assay/server';
import { formatError } from '../src/format-error.ts';
import { createServerClient, parseRetryAfter, serverUrl } from '../src/server-client.ts';
import { ServerError } from '../src/server-error.ts';
import { uploadBatchSize } from '../src/upload-run.ts';
import { startHttpServer, startTestServer } from './server-harness.ts';

/** Retry settings whose waits are recorded, not slept. */
function recordedRetry() {
  const delays: number[] = [];
  return { delays, retry: { sleep: async (milliseconds: number) => void delays.push(milliseconds), random: () => 0.5 } };
}

/** The error a call fails with (and a test failure if it does not fail). */
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: unknown) => error as ServerError,
  );

const problem = (response: import('node:http').ServerResponse, status: number, body: Record<string, unknown>, headers: Record<string, string> = {}) => {
  response.writeHead(status, { 'content-type': 'application/problem+json', ...headers });
  response.end(JSON.stringify({ status, ...body }));
};

describe('the server client', () => {
  it('retries 503 with backoff and jitter, then succeeds (real HTTP, waits recorded)', async () => {
    let requests = 0;
    await using edge = await startHttpServer((request, response) => {
      requests++;
      if (requests <= 2) return problem(response, 503, { title: 'Store unavailable', detail: 'Try again shortly.' });
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ items: [], nextCursor: null }));
    });
    const { delays, retry } = recordedRetry();
    const messages: string[] = [];
    const client = createServerClient({ server: edge.url, apiKey: 'assay_test', env: {}, retry, onRetry: (message) => messages.push(message) });
    expect(await client.listPrompts()).toEqual({ items: [], nextCursor: null });
    expect(requests).toBe(3);
    // 500 ms doubling, times 0.75 with this jitter.
    expect(delays).toEqual([375, 750]);
    expect(messages[0]).toMatch(/GET \/api\/prompts answered 503; retrying in 0\.4 s \(attempt 2 of 5\)/);
  });

  it('honours Retry-After, gives up after five attempts, and never prints the key', async () => {
    let requests = 0;
    await using edge = await startHttpServer((_request, response) => {
      requests++;
      problem(response, 429, { title: 'Too many requests', detail: 'Slow down.' }, { 'retry-after': '3' });
    });
    const { delays, retry } = recordedRetry();
    const client = createServerClient({ server: edge.url, apiKey: 'assay_secret-value', env: {}, retry });
    const error = await client.listPrompts().catch((caught: unknown) => caught);
    expect(ServerError.isInstance(error)).toBe(true);
    expect((error as ServerError).status).toBe(429);
    expect(requests).toBe(5);
    expect(delays.every((delay) => delay >= 3000)).toBe(true);
    const { message } = formatError(error);
    expect(message).toContain('Too many requests: Slow down. (gave up after 5 attempts)');
    expect(message).not.toContain('secret-value');
  });

  it('stops retrying when the next wait would pass the 30 s budget', async () => {
    let requests = 0;
    await using edge = await startHttpServer((_request, response) => {
      requests++;
      problem(response, 503, { title: 'Store unavailable' }, { 'retry-after': '60' });
    });
    const { delays, retry } = recordedRetry();
    const error = await createServerClient({ server: edge.url, apiKey: 'k', env: {}, retry }).listPrompts().catch((caught: unknown) => caught);
    expect((error as ServerError).status).toBe(503);
    expect((error as ServerError).exitCode).toBe(1);
    expect(requests).toBe(1);
    expect(delays).toEqual([]);
  });

  it('retries a refused connection, then says the server cannot be reached', async () => {
    const edge = await startHttpServer(() => {});
    const url = edge.url;
    await edge[Symbol.asyncDispose]();
    const { delays, retry } = recordedRetry();
    const error = await createServerClient({ server: url, apiKey: 'k', env: {}, retry }).health().catch((caught: unknown) => caught);
    expect(AssayError.isInstance(error)).toBe(true);
    expect((error as AssayError).message).toMatch(new RegExp(`Cannot reach the Assay server at ${url} \\(connection refused, ECONNREFUSED\\) after 5 attempts`));
    expect((error as AssayError).hint).toContain('assay serve');
    expect(delays).toHaveLength(4);
  });

  it('repeats a cut request only when repeating it is safe', async () => {
    let requests = 0;
    await using edge = await startHttpServer((request) => {
      requests++;
      request.socket.destroy();
    });
    const { retry } = recordedRetry();
    const client = createServerClient({ server: edge.url, apiKey: 'k', env: {}, retry });
    // A change request sent twice could open two requests: not retried.
    await expect(client.createChangeRequest({ promptName: 'a', label: 'production', targets: [{ version: 1, weight: 100 }] })).rejects.toThrow(/Cannot reach/);
    expect(requests).toBe(1);
    // A push of the same content answers the same version: retried.
    await expect(client.pushPrompt({ name: 'a', source: 'x' })).rejects.toThrow(/after 5 attempts/);
    expect(requests).toBe(6);
  });

  it('encodes prompt names and sends the key as a Bearer token', async () => {
    const seen: { url?: string; authorization?: string }[] = [];
    await using edge = await startHttpServer((request, response) => {
      seen.push({ url: request.url, authorization: request.headers.authorization });
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"prompt":{},"labels":[]}');
    });
    await createServerClient({ server: `${edge.url}/`, env: { ASSAY_API_KEY: ' assay_k ' } }).getPrompt('support/triage');
    expect(seen).toEqual([{ url: '/api/prompts/support%2Ftriage', authorization: 'Bearer assay_k' }]);
  });

  it('needs a key for everything but health, and says how to make one', async () => {
    await using t = await startTestServer();
    const client = createServerClient({ server: t.url, env: {} });
    expect(await client.health()).toEqual({ status: 'ok', dialect: 'sqlite' });
    const error = await client.listPrompts().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).hint).toContain('assay admin create-key --project <name> --role editor');
    expect((error as ConfigError).docs).toBe('prompts-registry.md');
    expect(formatError(error).exitCode).toBe(2);
  });

  it('turns problem+json into one message with the server’s hint and ours', async () => {
    await using t = await startTestServer();
    const unknown = await failure(createServerClient({ server: t.url, apiKey: 'assay_not-a-key', env: {} }).listPrompts());
    expect(unknown.status).toBe(401);
    expect(unknown.message).toBe('Unauthenticated: The API key is unknown, revoked or expired.');
    expect(unknown.hint).toMatch(/Check ASSAY_API_KEY/);
    expect(unknown.exitCode).toBe(2);
    expect(formatError(unknown).message).not.toContain('assay_not-a-key');

    const viewer = createServerClient({ server: t.url, apiKey: await t.key('viewer'), env: {} });
    const forbidden = await failure(viewer.pushPrompt({ name: 'a', source: '---\nmodel: x\n---\nHi' }));
    expect(forbidden.status).toBe(403);
    expect(forbidden.hint).toContain('Use a key with the editor role (this one has viewer)');
    expect(forbidden.exitCode).toBe(1);

    const editor = createServerClient({ server: t.url, apiKey: await t.key('editor'), env: {} });
    const invalid = await failure(editor.pushPrompt({ name: 'bad name!', source: 'x' }));
    expect(invalid.status).toBe(422);
    expect(invalid.message).toMatch(/^Invalid input: .*\(name: /);
    expect(invalid.docs).toBe('api.md#invalid-input');
  });

  it('parses Retry-After as seconds or a date, and validates the server URL', () => {
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter(null)).toBe(0);
    expect(parseRetryAfter(new Date(Date.now() + 10_000).toUTCString())).toBeGreaterThan(8000);
    expect(serverUrl(undefined)).toBe('http://127.0.0.1:7400');
    expect(serverUrl('https://user:pw@assay.example.com/')).toBe('https://assay.example.com');
    expect(() => serverUrl('assay.example.com')).toThrow(/must be an http:\/\/ or https:\/\/ URL/);
  });

  it('uploads results in batches the server accepts', () => {
    expect(uploadBatchSize).toBe(maxResultsPerUpload);
  });
});
