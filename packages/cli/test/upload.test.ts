import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseResult, RunRecord, RunSummary } from '@assay/spec';
import { openSqliteStore } from '@assay/store';
import { binPath, makeProject, runCli } from './cli-harness.ts';
import { startProxy, startTestServer, type TestServer } from './server-harness.ts';

// `assay eval --upload` and `assay runs upload` against a real server in this process.

let t: TestServer;
let editorKey: string;

beforeAll(async () => {
  t = await startTestServer();
  editorKey = await t.key('editor');
});
afterAll(async () => t?.[Symbol.asyncDispose]());

function cli(args: string[], cwd: string, env: Record<string, string | undefined> = {}) {
  return runCli(args, { cwd, env: { ASSAY_SERVER: t.url, ASSAY_API_KEY: editorKey, ASSAY_DATABASE_URL: undefined, ASSAY_DATA_DIR: undefined, ...env } });
}

describe('uploading runs', () => {
  it('eval --upload stores the run locally, uploads it, and prints its dashboard link', async () => {
    await using project = makeProject({});
    const cwd = project.directory;
    expect((await runCli(['init', '.'], { cwd })).code).toBe(0);
    const result = await cli(['eval', '-c', 'evals/suite.yaml', '--no-progress', '--upload', '--label', 'main'], cwd);
    expect(result.stderr).not.toContain('Error');
    expect(result.code).toBe(0);
    const runId = /Uploaded run (\S+) to (\S+)\n/.exec(result.stdout)?.[1];
    expect(runId, result.stdout).toBeTruthy();
    expect(result.stdout).toContain(`Uploaded run ${runId} to ${t.url}/p/${t.projectId}/runs/${runId}\n`);

    const local = openSqliteStore({ directory: path.join(cwd, '.assay') });
    const stored = (await local.getRun(runId!))!;
    await local.close();
    const { body } = await t.api('GET', `/api/runs/${runId}`, editorKey);
    expect(body.run).toMatchObject({ id: runId, status: 'completed', label: 'main', total: 3, projectId: t.projectId, finishedAt: stored.finishedAt, configPath: stored.configPath });
    expect(body.run.summary).toEqual(stored.summary);
    const results = (await t.api('GET', `/api/runs/${runId}/results?limit=10`, editorKey)).body;
    expect(results.total).toBe(3);
    expect(results.items.every((item: CaseResult) => item.runId === runId && item.pass)).toBe(true);
    expect((await t.api('GET', '/api/runs?label=main', editorKey)).body.items.map((item: any) => item.id)).toEqual([runId]);

    // Uploading it again changes nothing and sends no results (the server has them all).
    await using proxy = await startProxy(t.url);
    const again = await cli(['runs', 'upload', 'main'], cwd, { ASSAY_SERVER: proxy.url });
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(`Uploaded run ${runId} to ${proxy.url}/p/${t.projectId}/runs/${runId}\n`);
    expect(proxy.seen.map((line) => line.replace(runId!, '<id>'))).toEqual(['POST /api/runs', 'POST /api/runs/<id>/finish']);
    expect((await t.api('GET', `/api/runs/${runId}/results?limit=1`, editorKey)).body.total).toBe(3);
  });

  it('uploads every run of a suite with a server: block, its url overridden by ASSAY_SERVER', async () => {
    await using project = makeProject({});
    const cwd = project.directory;
    expect((await runCli(['init', '.'], { cwd })).code).toBe(0);
    const suiteFile = path.join(cwd, 'evals/suite.yaml');
    const { readFileSync, writeFileSync } = await import('node:fs');
    writeFileSync(suiteFile, `${readFileSync(suiteFile, 'utf8')}\nserver:\n  url: ${t.url}\n`);
    const result = await cli(['eval', '-c', 'evals/suite.yaml', '--no-progress'], cwd, { ASSAY_SERVER: undefined });
    expect(result.code, result.stderr).toBe(0);
    const runId = /Uploaded run (\S+) to /.exec(result.stdout)?.[1];
    expect(runId, result.stdout).toBeTruthy();
    expect((await t.api('GET', `/api/runs/${runId}`, editorKey)).body.run.id).toBe(runId);

    writeFileSync(suiteFile, `${readFileSync(suiteFile, 'utf8')}  upload: false\n`);
    const quiet = await cli(['eval', '-c', 'evals/suite.yaml', '--no-progress'], cwd, { ASSAY_SERVER: undefined });
    expect(quiet.code).toBe(0);
    expect(quiet.stdout).not.toContain('Uploaded run');
  });

  it('fails before the run spends any call when the key is missing', async () => {
    await using project = makeProject({});
    const cwd = project.directory;
    expect((await runCli(['init', '.'], { cwd })).code).toBe(0);
    const result = await cli(['eval', '-c', 'evals/suite.yaml', '--no-progress', '--upload'], cwd, { ASSAY_API_KEY: undefined });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/No API key: set ASSAY_API_KEY/);
    expect(result.stdout).not.toMatch(/Run \S+/);
    const viewer = await cli(['eval', '-c', 'evals/suite.yaml', '--no-progress', '--upload'], cwd, { ASSAY_API_KEY: await t.key('viewer') });
    expect(viewer.code).toBe(2);
    expect(viewer.stderr).toMatch(/viewer key; uploading runs needs the editor role/);
  });

  it('runs upload sends results in batches of 2,000 and completes an upload that broke off', async () => {
    await using project = makeProject({});
    const cwd = project.directory;
    const { run, results } = await storeFinishedRun(cwd, 'big-run-1');

    // An earlier upload stopped after its first batch.
    expect((await t.api('POST', '/api/runs', editorKey, { run: { ...run, status: 'running', finishedAt: undefined } })).status).toBe(201);
    expect((await t.api('POST', `/api/runs/${run.id}/results`, editorKey, { results: results.slice(0, 2000) })).body.stored).toBe(2000);

    await using proxy = await startProxy(t.url);
    const upload = await cli(['runs', 'upload', run.id], cwd, { ASSAY_SERVER: proxy.url });
    expect(upload.stderr).toContain('4500 result(s) on the server (the run was there already; its upload is complete now)');
    expect(upload.code).toBe(0);
    expect(proxy.seen.filter((line) => line.endsWith('/results'))).toHaveLength(3);
    const { body } = await t.api('GET', `/api/runs/${run.id}`, editorKey);
    expect(body.run).toMatchObject({ status: 'completed', finishedAt: run.finishedAt });
    expect((await t.api('GET', `/api/runs/${run.id}/results?limit=1&outcome=fail`, editorKey)).body.total).toBe(1500);

    const unknown = await cli(['runs', 'upload', 'nope'], cwd);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/No run with id or label "nope"/);
  });
});

describe('an upload that breaks off (issue 10)', () => {
  it('leaves the run running on the server, without the summary, saying how many results arrived, until an upload finishes it', async () => {
    await using project = makeProject({});
    const cwd = project.directory;
    const summary: RunSummary = { total: 4500, passed: 3000, failed: 1500, errors: 0, cost: 0, tokens: 0, durationMs: 1, cells: [], metrics: [], thresholds: [], gates: [], warnings: [] };
    const { run } = await storeFinishedRun(cwd, 'killed-upload-1', summary);

    // The client is killed (kill -9) while it sends its second batch.
    const client: { process?: ChildProcess } = {};
    let batches = 0;
    await using proxy = await startProxy(t.url, async (_method, url) => {
      if (url.endsWith('/results') && ++batches === 2) {
        const exited = new Promise((resolve) => client.process!.on('exit', resolve));
        client.process!.kill('SIGKILL');
        await exited;
      }
    });
    const child = spawn(process.execPath, [binPath, 'runs', 'upload', run.id], {
      cwd,
      env: { ...process.env, ASSAY_SERVER: proxy.url, ASSAY_API_KEY: editorKey, ASSAY_DATABASE_URL: '', ASSAY_DATA_DIR: '' },
      stdio: 'ignore',
    });
    client.process = child;
    const killed = await new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    expect(killed).toBe('SIGKILL');
    expect(proxy.seen.some((line) => line.endsWith('/finish'))).toBe(false);

    const partial = await t.api('GET', `/api/runs/${run.id}`, editorKey);
    expect(partial.body.run.status).toBe('running');
    expect(partial.body.run.summary).toBeUndefined();
    expect(partial.body.run.finishedAt).toBeUndefined();
    expect(partial.body.stored).toBeLessThan(4500);
    expect(partial.body.run.total).toBe(4500);
    expect((await t.api('GET', '/api/runs?status=completed', editorKey)).body.items.map((item: { id: string }) => item.id)).not.toContain(run.id);

    // Uploading it again finishes it.
    const again = await cli(['runs', 'upload', run.id], cwd);
    expect(again.code).toBe(0);
    const finished = await t.api('GET', `/api/runs/${run.id}`, editorKey);
    expect(finished.body).toMatchObject({ run: { status: 'completed', finishedAt: run.finishedAt, summary }, stored: 4500 });
  });
});

/** A completed run of 4,500 results (a third failed) in the project's local store, as `assay eval` leaves it. */
async function storeFinishedRun(cwd: string, id: string, summary?: RunSummary): Promise<{ run: RunRecord; results: CaseResult[] }> {
  const run: RunRecord = {
    id,
    createdAt: '2026-11-20T10:00:00.000Z',
    status: 'completed',
    configPath: path.join(cwd, 'suite.yaml'),
    planHash: 'sha256:abc',
    total: 4500,
    options: {},
    finishedAt: '2026-11-20T10:05:00.000Z',
  };
  const results = Array.from({ length: 4500 }, (_, index) => caseResult(id, index));
  const local = openSqliteStore({ directory: path.join(cwd, '.assay') });
  try {
    await local.createRun(run);
    await local.appendResults(id, results);
    await local.finishRun(id, { status: 'completed', ...(summary ? { summary } : {}), finishedAt: run.finishedAt! });
  } finally {
    await local.close();
  }
  return { run, results };
}

function caseResult(runId: string, index: number): CaseResult {
  const pass = index % 3 !== 0;
  return {
    runId,
    key: `key-${index}`,
    promptId: 'triage',
    providerId: 'echo',
    caseId: `case-${index}`,
    caseIndex: index,
    repeat: 0,
    vars: { ticket: `ticket ${index}` },
    messages: [{ role: 'user', content: `Classify ticket ${index}` }],
    output: `answer ${index}`,
    toolCalls: [],
    pass,
    score: pass ? 1 : 0,
    assertions: [],
    latencyMs: 12,
    usage: { inputTokens: 20, outputTokens: 10, cachedInputTokens: 0, reasoningTokens: 0, totalTokens: 30 },
    cost: null,
    cached: false,
    finishedAt: '2026-11-20T10:00:01.000Z',
  };
}
