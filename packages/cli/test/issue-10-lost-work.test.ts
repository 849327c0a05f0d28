import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockServer } from '@assay/providers/mock-server';
import { openSqliteStore } from '@assay/store';
import { binPath, makeProject, runCli, simplePrompt, waitForStore, waitForStoredResults } from './cli-harness.ts';

// Issue 10, "faults that lose work or lie": runs killed with kill -9, two resumes of one run at
// once, a resume of a run whose calls errored, and a missing key; real `assay` processes.

type MockServer = Awaited<ReturnType<typeof startMockServer>>;

/**
 * An HTTP hop between `assay` and a mock model server that can hold every request until it is
 * opened again, so a test knows a process is mid-run (its calls are waiting) without racing it.
 * `target` may be changed between runs.
 */
async function startGate(initialTarget: string) {
  let target = initialTarget;
  let opened: Promise<void> = Promise.resolve();
  let open = () => {};
  let forwarded = 0;
  let onHeld: (() => void) | undefined;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', async () => {
      onHeld?.();
      await opened;
      forwarded++;
      const answer = await fetch(target + request.url, {
        method: request.method,
        headers: { 'content-type': request.headers['content-type'] ?? 'application/json' },
        ...(chunks.length ? { body: Buffer.concat(chunks) } : {}),
      });
      response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
      response.end(Buffer.from(await answer.arrayBuffer()));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    forwarded: () => forwarded,
    retarget(url: string) {
      target = url;
    },
    /** Holds requests from now on; resolves once the first one is waiting. */
    hold(): Promise<void> {
      opened = new Promise((resolve) => (open = resolve));
      return new Promise((resolve) => (onHeld = resolve));
    },
    release() {
      onHeld = undefined;
      open();
    },
    async [Symbol.asyncDispose]() {
      open();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const suiteFor = (baseUrl: string, caseCount: number, extra = '') =>
  `prompts:\n  - prompts/hello.prompt\nproviders:\n  - id: openai:gpt-4o-mini\n    config: { apiBaseUrl: "${baseUrl}/v1", apiKey: test }\n${extra}tests:\n${Array.from({ length: caseCount }, (_, index) => `  - vars: { name: p${index} }\n`).join('')}defaultAssert:\n  - type: icontains\n    value: "{{name}}"\noptions:\n  concurrency: 2\n`;

describe('issue 10: runs that lose work or lie', () => {
  let echo: MockServer;
  beforeAll(async () => {
    echo = await startMockServer({ mode: 'echo', faults: { latencyMs: 20 } });
  });
  afterAll(async () => {
    await echo.close();
  });

  it('kill -9: `assay runs` shows the run interrupted with the command to resume it; a second resume while one is going refuses (exit 2) and makes no call', async () => {
    const caseCount = 40;
    await using gate = await startGate(echo.url);
    await using project = makeProject({ 'prompts/hello.prompt': simplePrompt, 'suite.yaml': suiteFor(gate.url, caseCount) });
    const dataDirectory = path.join(project.directory, '.assay');
    const child = spawn(process.execPath, [binPath, 'eval', '-c', 'suite.yaml', '--no-progress', '--no-cache'], { cwd: project.directory, stdio: 'ignore' });
    const killed = new Promise((resolve) => child.on('exit', resolve));
    const { runId } = await waitForStoredResults(dataDirectory, 5);
    child.kill('SIGKILL');
    await killed;

    const listed = await runCli(['runs'], { cwd: project.directory });
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`^${runId} .* interrupted .*\\(continue: assay eval --resume ${runId}\\)$`, 'm'));

    // The first resume takes the run over from the dead process and is held mid-run at the gate.
    const stored = await waitForStore(dataDirectory, async (store) => store.countResults(runId));
    const before = gate.forwarded();
    const held = gate.hold();
    const first = spawn(process.execPath, [binPath, 'eval', '--resume', runId, '--no-progress'], { cwd: project.directory, stdio: ['ignore', 'pipe', 'pipe'] });
    let firstOutput = '';
    first.stdout.on('data', (chunk) => (firstOutput += chunk));
    first.stderr.on('data', (chunk) => (firstOutput += chunk));
    const firstExit = new Promise<number | null>((resolve) => first.on('exit', (code) => resolve(code)));
    await held;
    // Claimed before its first call: the lease names the resuming process.
    await waitForStore(dataDirectory, async (store) => ((await store.getRunLease(runId))?.owner.startsWith(`${first.pid}@`) ? true : undefined));
    expect((await runCli(['runs'], { cwd: project.directory })).stdout).toMatch(new RegExp(`^${runId} .* running `, 'm'));

    const second = await runCli(['eval', '--resume', runId, '--no-progress'], { cwd: project.directory });
    expect(second.code).toBe(2);
    expect(second.stderr).toContain(`Run ${runId} is held by another process (process ${first.pid} on ${hostname()}), which is running it; its lease expires at `);
    expect(second.stderr).toContain(`assay eval --resume ${runId}`);
    expect(second.stdout).not.toMatch(/calls/);

    gate.release();
    expect(await firstExit, firstOutput).toBe(0);
    // Only the first resume called the model, each remaining call once.
    expect(gate.forwarded() - before).toBe(caseCount - stored);
    const store = openSqliteStore({ directory: dataDirectory });
    try {
      expect(await store.getRun(runId)).toMatchObject({ status: 'completed', summary: { total: caseCount, passed: caseCount } });
      expect(await store.getRunLease(runId)).toBeUndefined();
    } finally {
      await store.close();
    }
    expect((await runCli(['runs'], { cwd: project.directory })).stdout).toMatch(new RegExp(`^${runId} .* completed .* ${caseCount}/${caseCount} passed`, 'm'));
  });

  it('resumes a run that completed with errored calls, retrying exactly those, and recomputes its summary and status', async () => {
    const failing = await startMockServer({
      rules: [
        { match: { regex: 'p(3|7)\\b' }, response: { status: 503, content: 'overloaded' } },
        { response: { content: '{{last_user}}' } },
      ],
    });
    try {
      await using gate = await startGate(failing.url);
      await using project = makeProject({ 'prompts/hello.prompt': simplePrompt, 'suite.yaml': suiteFor(gate.url, 10, '    retries: 0\n') });
      const first = await runCli(['eval', '-c', 'suite.yaml', '--no-progress', '--no-cache'], { cwd: project.directory });
      expect(first.code).toBe(1);
      const runId = /Run (\S+) failed: 8\/10 cases passed/.exec(first.stdout)?.[1];
      expect(runId, first.stdout).toBeTruthy();

      // The provider recovered.
      gate.retarget(echo.url);
      const before = gate.forwarded();
      const resumed = await runCli(['eval', '--resume', runId!, '--no-progress'], { cwd: project.directory });
      expect(resumed.stderr).not.toContain('Error');
      expect(resumed.code).toBe(0);
      expect(resumed.stderr).toContain('(resuming: 8 of 10 calls already done)');
      expect(resumed.stdout).toContain(`Run ${runId} passed: 10/10 cases passed.`);
      expect(gate.forwarded() - before).toBe(2);

      const store = openSqliteStore({ directory: path.join(project.directory, '.assay') });
      try {
        expect(await store.getRun(runId!)).toMatchObject({ status: 'completed', summary: { total: 10, passed: 10, errors: 0 } });
        expect(await store.countResults(runId!)).toBe(10);
      } finally {
        await store.close();
      }

      // Now nothing is left to do, with or without the id.
      const again = await runCli(['eval', '--resume', runId!, '--no-progress'], { cwd: project.directory });
      expect(again.code).toBe(2);
      expect(again.stderr).toContain(`Run ${runId} already completed and none of its calls errored; nothing to resume`);
      expect((await runCli(['eval', '--resume', '--no-progress'], { cwd: project.directory })).stderr).toContain('No run to resume');
    } finally {
      await failing.close();
    }
  });

  it('refuses a provider without its key before any run is stored: no "failed 0/0" run', async () => {
    await using project = makeProject({
      'prompts/hello.prompt': simplePrompt,
      'suite.yaml': 'prompts:\n  - prompts/hello.prompt\nproviders:\n  - openai:gpt-4o-mini\ntests:\n  - vars: { name: Ada }\n',
    });
    const result = await runCli(['eval', '-c', 'suite.yaml', '--no-progress', '--no-cache'], { cwd: project.directory });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('No API key for openai:gpt-4o-mini (OPENAI_API_KEY is not set)');
    expect(result.stderr).toContain('Hint: set OPENAI_API_KEY');
    expect(result.stdout).not.toMatch(/Run \S+/);
    expect((await runCli(['runs'], { cwd: project.directory })).stdout).toBe('No runs yet. Start one with `assay eval`.\n');
  });
});
