// Issue 10: the response cache ignored the provider's base URL. The same suite pointed at a second
// server (only `apiBaseUrl` changed) silently returned the first server's answers, and nothing on
// the console said they came from the cache.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockServer } from '@assay/providers/mock-server';
import { makeProject, runCli } from './cli-harness.ts';

type MockServer = Awaited<ReturnType<typeof startMockServer>>;

const answering = (content: string) => startMockServer({ mode: 'rules', rules: [{ response: { content } }] });

/** The suite, calling `server` with `key`; nothing else changes between runs. */
const suite = (server: MockServer, key: string) =>
  `prompts:\n  - template: 'Where is {{city}}?'\nproviders:\n  - id: openai:gpt-4o-mini\n    config: { apiBaseUrl: "${server.url}/v1", apiKey: ${key} }\ntests:\n  - vars: { city: Paris }\n  - vars: { city: Rome }\n`;

/** Every file under `directory`, read as text. */
function filesUnder(directory: string): string {
  return readdirSync(directory, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => readFileSync(path.join(entry.parentPath, entry.name), 'utf8'))
    .join('\n');
}

describe('the response cache is keyed by the server it answers for (issue 10)', () => {
  let serverA: MockServer;
  let serverB: MockServer;
  beforeAll(async () => {
    serverA = await answering('Answer from server A.');
    serverB = await answering('Answer from server B.');
  });
  afterAll(async () => {
    await serverA.close();
    await serverB.close();
  });

  it("a suite pointed at another server gets that server's answers, and the console counts the cached ones", async () => {
    await using project = makeProject({});
    /** Runs the suite against `server` with `key`: every answer is that server's, `cached` of them from the cache. */
    const evaluate = async (server: MockServer, key: string, answer: string, cached: number) => {
      writeFileSync(path.join(project.directory, 'suite.yaml'), suite(server, key));
      const result = await runCli(['eval', '-c', 'suite.yaml', '--no-progress', '-o', 'results.json'], { cwd: project.directory, env: { ASSAY_DATA_DIR: undefined } });
      expect(result.code, result.stderr).toBe(0);
      const output = JSON.parse(readFileSync(path.join(project.directory, 'results.json'), 'utf8'));
      expect((output.results as { output: string }[]).map((entry) => entry.output)).toEqual([answer, answer]);
      expect((output.results as { cached: boolean }[]).filter((entry) => entry.cached)).toHaveLength(cached);
      expect(output.summary.cached).toBe(cached);
      expect(result.stdout).toContain(`${cached} of 2 calls answered from cache.`);
    };

    await evaluate(serverA, 'key-for-server-a', 'Answer from server A.', 0);
    expect(serverA.stats().requests).toBe(2);
    // Only the base URL changes (and the key, which must not matter either way).
    await evaluate(serverB, 'key-for-server-b', 'Answer from server B.', 0);
    expect(serverB.stats().requests).toBe(2);
    // Again on B, with yet another key for the same server: both answers come from the cache.
    await evaluate(serverB, 'another-key-for-b', 'Answer from server B.', 2);
    expect(serverB.stats().requests).toBe(2);

    // The cache records which server answered, and no key.
    const cache = filesUnder(path.join(project.directory, '.assay', 'cache'));
    expect(cache).toContain(`"baseUrl":"${serverB.url}/v1"`);
    expect(cache).not.toMatch(/key-for-server|another-key/);
  });
});
