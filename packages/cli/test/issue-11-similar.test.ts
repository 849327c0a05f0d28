// Issue 11: promptfoo's `similar` assertion (embedding similarity) in a promptfoo config, through
// the CLI against the mock server's /v1/embeddings; recorded, then replayed with the server gone.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startMockServer } from '@assay/providers/mock-server';
import { describe, expect, it } from 'vitest';
import { makeProject, runCli } from './cli-harness.ts';

type Results = { results: { vars: Record<string, string>; pass: boolean; assertions: { type: string; pass: boolean; score: number; reason: string }[] }[] };

/** A promptfoo config whose model (the mock in echo mode) answers with the `answer` var. */
const config = (url: string, embedding: string) => `
prompts:
  - '{{answer}}'
providers:
  - id: openai:chat:gpt-4o-mini
    config: { apiBaseUrl: ${url}/v1, apiKey: mock-key }
${embedding}
tests:
  - vars: { answer: The capital of France is Paris }
    assert:
      - type: similar
        value: Paris is the capital of France
        threshold: 0.9
      - type: not-similar
        value: [Refunds take five working days, Our office opens at nine]
      - type: similar:euclidean
        value: The capital of France is Paris
        threshold: 0.1
  - vars: { answer: Refunds take five working days }
    assert:
      - type: similar
        value: [Paris is the capital of France, Refunds take 5 working days]
        threshold: 0.7
`;

const embeddingOptions = (url: string) => `defaultTest:
  options:
    provider:
      embedding:
        id: openai:embedding:text-embedding-3-small
        config: { apiBaseUrl: ${url}/v1, apiKey: mock-key }`;

const read = (directory: string, file: string): Results => JSON.parse(readFileSync(path.join(directory, file), 'utf8'));
const assertionsOf = (results: Results) => results.results.map((result) => result.assertions.map(({ type, pass, score }) => ({ type, pass, score })));

describe('similar in a promptfoo config (issue 11)', () => {
  it('is evaluated against /v1/embeddings, recorded, and replayed with the server stopped', async () => {
    const server = await startMockServer({ mode: 'echo' });
    await using project = makeProject({ 'promptfooconfig.yaml': config(server.url, embeddingOptions(server.url)) });
    const recorded = await runCli(['eval', '-c', 'promptfooconfig.yaml', '--record', 'cassette.jsonl', '--no-progress', '-o', 'recorded.json'], { cwd: project.directory });
    await server.close();
    expect(recorded.code, recorded.stderr + recorded.stdout).toBe(0);

    const results = read(project.directory, 'recorded.json');
    expect(results.results.map((result) => result.pass)).toEqual([true, true]);
    const [first, second] = results.results.map((result) => result.assertions);
    // Same words in another order: cosine 1, distance 0; unrelated texts: about 0.
    expect(first![0]).toMatchObject({ type: 'similar', pass: true, score: expect.closeTo(1, 9) });
    expect(first![0]!.reason).toContain('openai:embedding:text-embedding-3-small');
    expect(first![1]).toMatchObject({ type: 'not-similar', pass: true });
    expect(first![1]!.score).toBeGreaterThan(0.8);
    expect(first![2]).toMatchObject({ type: 'similar:euclidean', pass: true, score: expect.closeTo(1, 9) });
    expect(second![0]!.reason).toContain('to "Refunds take 5 working days" (the closest of 2 values)');

    // Every text embedded once: the outputs and the expected values, one line each.
    const lines = readFileSync(path.join(project.directory, 'cassette.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    const embedded = lines.filter((line) => line.request.embed !== undefined).map((line) => line.request.embed);
    expect(embedded.sort()).toEqual(
      ['Our office opens at nine', 'Paris is the capital of France', 'Refunds take 5 working days', 'Refunds take five working days', 'The capital of France is Paris'].sort(),
    );

    const replayed = await runCli(['eval', '-c', 'promptfooconfig.yaml', '--replay', 'cassette.jsonl', '--no-progress', '-o', 'replayed.json'], { cwd: project.directory });
    expect(replayed.code, replayed.stderr + replayed.stdout).toBe(0);
    expect(assertionsOf(read(project.directory, 'replayed.json'))).toEqual(assertionsOf(results));
  });

  it('stops the run with the variable to set when the default embedding model has no key', async () => {
    const server = await startMockServer({ mode: 'echo' });
    try {
      await using project = makeProject({ 'promptfooconfig.yaml': config(server.url, '') });
      const result = await runCli(['eval', '-c', 'promptfooconfig.yaml', '--no-progress', '--no-cache'], { cwd: project.directory });
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain('openai:text-embedding-3-small: no API key for the embedding model (OPENAI_API_KEY is not set)');
      expect(result.stderr).toMatch(/set OPENAI_API_KEY, or name another embedding model/);
      expect(server.stats().requests).toBeGreaterThan(0);
    } finally {
      await server.close();
    }
  });

  it('refuses an embedding model Assay cannot call at its line, before any call', async () => {
    await using project = makeProject({
      'promptfooconfig.yaml': `prompts: ['{{answer}}']\nproviders: [echo]\ntests:\n  - vars: { answer: hi }\n    assert:\n      - type: similar\n        value: hello\n        provider: anthropic:claude-sonnet-4-5\n`,
    });
    const result = await runCli(['eval', '-c', 'promptfooconfig.yaml', '--no-progress'], { cwd: project.directory });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('promptfooconfig.yaml:8');
    expect(result.stderr).toContain('no embedding models from provider "anthropic"');
  });
});
