import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProviderRegistry } from '@assay/providers';
import { startMockServer } from '@assay/providers/mock-server';
import { CaseResultSchema, ConfigError, RunLeaseError, RunUploadSchema, type CaseResult, type RunEvent } from '@assay/spec';
import { openSqliteStore, type Store } from '@assay/store';
import { loadSuite } from './config/load-suite.ts';
import { runEval } from './run-eval.ts';

let directory: string;
let store: Store;

function writeProject(files: Record<string, string>): string {
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(directory, name)), { recursive: true });
    writeFileSync(path.join(directory, name), content);
  }
  return path.join(directory, 'suite.yaml');
}

const prompt = '{{role "user"}}\nEcho {{word}}';

beforeEach(() => {
  directory = mkdtempSync(path.join(tmpdir(), 'assay-runner-'));
  store = openSqliteStore({ directory: path.join(directory, '.assay') });
});
afterEach(async () => {
  await store.close();
  rmSync(directory, { recursive: true, force: true });
});

const registry = () => createProviderRegistry({ cwd: directory, cache: false, timeoutMs: 5000, retries: 0 });

describe('runEval', () => {
  it('runs the matrix, streams typed events and stores every result', async () => {
    const cases = Array.from({ length: 12 }, (_, index) => `  - vars: { word: w${index} }\n    assert: [{ type: contains, metric: echo, value: ${index % 4 === 0 ? 'nope' : `w${index}`} }]\n`).join('');
    const file = writeProject({
      'a.prompt': prompt,
      'b.prompt': `{{role "system"}}\nBe brief.\n${prompt}`,
      'suite.yaml': `prompts: [a.prompt, b.prompt]\nproviders: [echo, { id: echo, label: echo-2 }]\ntests:\n${cases}repeat: 2\n`,
    });
    const suite = await loadSuite(file);
    const events: RunEvent[] = [];
    const outcome = await runEval({ suite, store, providers: registry(), configPath: file, onEvent: (event) => events.push(event), batchSize: 7 });

    expect(events[0]).toMatchObject({ type: 'run-start', total: 2 * 2 * 12 * 2, skipped: 0 });
    expect(events.at(-1)).toMatchObject({ type: 'run-end', status: 'completed' });
    expect(events.filter((event) => event.type === 'case-result')).toHaveLength(96);
    expect(outcome.summary.cells).toHaveLength(4);
    for (const cell of outcome.summary.cells) {
      expect(cell).toMatchObject({ n: 24, passed: 18, passRate: 0.75 });
      expect(cell.ci95![0]).toBeLessThan(0.75);
      expect(cell.ci95![1]).toBeGreaterThan(0.75);
    }
    expect(outcome.summary.metrics).toHaveLength(4);
    expect(outcome.summary.metrics[0]).toMatchObject({ metric: 'echo', n: 24, passed: 18, passRate: 0.75 });
    expect(await store.countResults(outcome.runId)).toBe(96);
    const keys = new Set<string>();
    for await (const result of store.iterateResults(outcome.runId)) {
      keys.add(result.key);
      // What the server accepts from `assay eval --upload` (strict, issue 16) is what runEval stores.
      expect(CaseResultSchema.safeParse(result).error?.issues).toBeUndefined();
    }
    expect(keys.size).toBe(96);
    const record = (await store.getRun(outcome.runId))!;
    expect(record.summary!.passed).toBe(72);
    expect(RunUploadSchema.safeParse(record).error?.issues).toBeUndefined();
  });

  it('resumes without repeating stored calls, and retries the ones that errored', async () => {
    const server = await startMockServer({ mode: 'echo' });
    try {
      const cases = Array.from({ length: 10 }, (_, index) => `  - id: c${index}\n    vars: { word: w${index} }\n`).join('');
      const file = writeProject({
        'a.prompt': prompt,
        'suite.yaml': `prompts: [a.prompt]\nproviders:\n  - id: openai:m\n    config: { apiBaseUrl: "${server.url}/v1", apiKey: k }\n    retries: 0\ntests:\n${cases}defaultAssert: [{ type: icontains, value: "{{word}}" }]\n`,
      });
      const suite = await loadSuite(file);
      const first = await runEval({ suite, store, providers: registry(), configPath: file });
      const results: CaseResult[] = [];
      for await (const result of store.iterateResults(first.runId)) results.push(result);
      // A copy of the run as if it had died: the last two calls never stored, one stored with an error.
      const erroredKey = results[3]!.key;
      const kept = results.slice(0, 8);
      const fresh = openSqliteStore({ directory: path.join(directory, 'resume-store') });
      await fresh.createRun((await store.getRun(first.runId))!);
      await fresh.appendResults(first.runId, kept.map((result) => (result.key === erroredKey ? { ...result, error: 'HTTP 503', pass: false } : result)));

      const before = server.stats().requests;
      const resumed = await runEval({ suite, store: fresh, providers: registry(), configPath: file, resumeRunId: first.runId });
      expect(server.stats().requests - before).toBe(3); // 2 missing + 1 errored
      expect(resumed.status).toBe('completed');
      expect(resumed.summary.total).toBe(10);
      expect(resumed.summary.passed).toBe(10);
      expect(await fresh.countResults(first.runId)).toBe(10);
      await fresh.close();
    } finally {
      await server.close();
    }
  });

  it('surfaces a failed store write instead of losing results silently', async () => {
    const file = writeProject({ 'a.prompt': prompt, 'suite.yaml': `prompts: [a.prompt]\nproviders: [echo]\ntests:\n${'  - vars: { word: x }\n'.repeat(30)}` });
    const diskFull = async () => {
      throw new Error('SQLITE_FULL: database or disk is full');
    };
    // The real store, except that every write fails.
    const failing = new Proxy(store, {
      get: (target, property) => {
        if (property === 'appendResults') return diskFull;
        const value = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    await expect(runEval({ suite: await loadSuite(file), store: failing, providers: registry(), configPath: file, batchSize: 5 })).rejects.toThrow(/disk is full/);
  });

  it('refuses to resume a run whose suite changed', async () => {
    const file = writeProject({ 'a.prompt': prompt, 'suite.yaml': 'prompts: [a.prompt]\nproviders: [echo]\ntests:\n  - vars: { word: x }\n' });
    const first = await runEval({ suite: await loadSuite(file), store, providers: registry(), configPath: file });
    writeProject({ 'suite.yaml': 'prompts: [a.prompt]\nproviders: [echo]\ntests:\n  - vars: { word: y }\n' });
    await expect(runEval({ suite: await loadSuite(file), store, providers: registry(), configPath: file, resumeRunId: first.runId })).rejects.toThrow(
      /changed since run/,
    );
  });

  it('fails only the case a provider answers 413 for, with the reason, and goes on with the run (issue 10)', async () => {
    const server = await startMockServer({
      rules: [{ match: { contains: 'HUGE' }, response: { status: 413, content: 'Request too large for this model' } }, { response: { content: '{{last_user}}' } }],
    });
    try {
      const cases = Array.from({ length: 12 }, (_, index) => `  - id: c${index}\n    vars: { word: ${index === 4 ? 'HUGE' : `w${index}`} }\n`).join('');
      const file = writeProject({
        'a.prompt': prompt,
        'suite.yaml': `prompts: [a.prompt]\nproviders:\n  - id: openai:m\n    config: { apiBaseUrl: "${server.url}/v1", apiKey: k }\ntests:\n${cases}defaultAssert: [{ type: icontains, value: "{{word}}" }]\n`,
      });
      const outcome = await runEval({ suite: await loadSuite(file), store, providers: registry(), configPath: file, concurrency: 1 });
      expect(outcome.status).toBe('completed');
      expect(outcome.summary).toMatchObject({ total: 12, passed: 11, errors: 1 });
      const errored = (await store.listResults(outcome.runId, { limit: 10, outcome: 'error' })).items;
      expect(errored.map((result) => result.caseId)).toEqual(['c4']);
      expect(errored[0]!.error).toMatch(/HTTP 413.*Request too large/);
      // Not retried: another attempt would be just as large.
      expect(server.stats().requests).toBe(12);
    } finally {
      await server.close();
    }
  });

  it('fails only the case whose prompt exceeds the context window (a 400 context_length_exceeded), and goes on with the run (issue 10)', async () => {
    const server = await startMockServer({
      rules: [
        { match: { contains: 'HUGE' }, response: { status: 400, content: "This model's maximum context length is 128000 tokens. However, your messages resulted in 210000 tokens." } },
        { match: { contains: 'BAD' }, response: { status: 400, content: "Invalid value for 'temperature'" } },
        { response: { content: '{{last_user}}' } },
      ],
    });
    try {
      const cases = (words: string[]) => words.map((word, index) => `  - id: c${index}\n    vars: { word: ${word} }\n`).join('');
      const suiteFile = (words: string[]) =>
        writeProject({
          'a.prompt': prompt,
          'suite.yaml': `prompts: [a.prompt]\nproviders:\n  - id: openai:m\n    config: { apiBaseUrl: "${server.url}/v1", apiKey: k }\ntests:\n${cases(words)}defaultAssert: [{ type: icontains, value: "{{word}}" }]\n`,
        });
      const file = suiteFile(['w0', 'HUGE', 'w2', 'w3']);
      const outcome = await runEval({ suite: await loadSuite(file), store, providers: registry(), configPath: file, concurrency: 1 });
      expect(outcome.status).toBe('completed');
      expect(outcome.summary).toMatchObject({ total: 4, passed: 3, errors: 1 });
      const errored = (await store.listResults(outcome.runId, { limit: 10, outcome: 'error' })).items;
      expect(errored.map((result) => result.caseId)).toEqual(['c1']);
      expect(errored[0]!.error).toMatch(/HTTP 400.*maximum context length/);
      // Any other 400 is about the settings, which every case shares: it still stops the run.
      const other = suiteFile(['w0', 'BAD', 'w2']);
      await expect(runEval({ suite: await loadSuite(other), store, providers: registry(), configPath: other, concurrency: 1 })).rejects.toThrow(/HTTP 400.*temperature/);
    } finally {
      await server.close();
    }
  });

  it('refuses a provider without its API key before the run exists, naming the provider and the variable (issue 10)', async () => {
    const file = writeProject({ 'a.prompt': prompt, 'suite.yaml': 'prompts: [a.prompt]\nproviders: [echo, anthropic:claude-x]\ntests:\n  - vars: { word: x }\n' });
    const providers = createProviderRegistry({ cwd: directory, env: {}, cache: false, timeoutMs: 5000, retries: 0 });
    const refused = runEval({ suite: await loadSuite(file), store, providers, configPath: file });
    await expect(refused).rejects.toBeInstanceOf(ConfigError);
    await expect(refused).rejects.toThrow(/anthropic:claude-x \(ANTHROPIC_API_KEY is not set\)/);
    expect(await store.listRuns()).toEqual([]);
  });

  it('refuses to resume a run another process holds, before any call, and releases its own lease at the end (issue 10)', async () => {
    const server = await startMockServer({ mode: 'echo' });
    try {
      const file = writeProject({
        'a.prompt': prompt,
        'suite.yaml': `prompts: [a.prompt]\nproviders:\n  - id: openai:m\n    config: { apiBaseUrl: "${server.url}/v1", apiKey: k }\ntests:\n${'  - vars: { word: x }\n'.repeat(3)}`,
      });
      const suite = await loadSuite(file);
      const first = await runEval({ suite, store, providers: registry(), configPath: file });
      expect(await store.getRunLease(first.runId)).toBeUndefined();
      await store.appendResults(first.runId, [{ ...(await store.listResults(first.runId, { limit: 1 })).items[0]!, error: 'HTTP 503', pass: false }]);

      // Another machine's process is running it.
      const holder = '777@another-host#0badcafe';
      const held = await store.acquireRunLease(first.runId, { owner: holder, ttlMs: 60_000 });
      const before = server.stats().requests;
      const refused = runEval({ suite, store, providers: registry(), configPath: file, resumeRunId: first.runId });
      await expect(refused).rejects.toBeInstanceOf(RunLeaseError);
      await expect(refused).rejects.toThrow(`Run ${first.runId} is held by another process (process 777 on another-host), which is running it; its lease expires at ${held.lease.expiresAt}`);
      expect(server.stats().requests).toBe(before);
      expect(await store.getRunLease(first.runId)).toEqual(held.lease);

      // Once that lease has run out, the run is this process's to finish.
      await store.acquireRunLease(first.runId, { owner: holder, ttlMs: 1, now: new Date(Date.now() - 1000) });
      const resumed = await runEval({ suite, store, providers: registry(), configPath: file, resumeRunId: first.runId });
      expect(resumed).toMatchObject({ status: 'completed', summary: { total: 3, errors: 0 } });
      expect(server.stats().requests - before).toBe(1);
      expect(await store.getRunLease(first.runId)).toBeUndefined();
    } finally {
      await server.close();
    }
  });

  it('stops the run with the provider error when a call cannot succeed (401)', async () => {
    const server = await startMockServer({ mode: 'echo', apiKey: 'right' });
    try {
      const file = writeProject({
        'a.prompt': prompt,
        'suite.yaml': `prompts: [a.prompt]\nproviders:\n  - id: openai:m\n    config: { apiBaseUrl: "${server.url}/v1", apiKey: wrong }\ntests:\n${'  - vars: { word: x }\n'.repeat(20)}`,
      });
      const suite = await loadSuite(file);
      await expect(runEval({ suite, store, providers: registry(), configPath: file, concurrency: 2 })).rejects.toMatchObject({ statusCode: 401 });
      const [run] = await store.listRuns();
      expect(run!.status).toBe('failed');
      // It stopped instead of failing all 20 cases one by one.
      expect(server.stats().requests).toBeLessThanOrEqual(2);
    } finally {
      await server.close();
    }
  });
});
