import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeProject } from './cli-harness.ts';
import { useTestServer } from './server-harness.ts';

// Issue 11: an uploaded run says which registry versions it tested — each cell carries the prompt
// name and version whose content hash is that of the prompt the run used.

const prompt = (body: string) => `---\nmodel: openai/gpt-4o-mini\nmetadata:\n  owner: support\n  riskTier: low\n---\n{{role "user"}}\n${body}\n{{> policy}}\n`;

const harness = useTestServer();
const cli = harness.cli;

async function uploadedCells(stdout: string) {
  const runId = /Uploaded run (\S+) to /.exec(stdout)?.[1];
  expect(runId, stdout).toBeTruthy();
  const run = (await harness.server.api('GET', `/api/runs/${runId}`, harness.editorKey)).body.run;
  return run.summary.cells.map((cell: { prompt: string; provider: string; promptHash?: string; registryVersion?: unknown }) => ({
    prompt: cell.prompt,
    hash: typeof cell.promptHash,
    registryVersion: cell.registryVersion,
  }));
}

describe('runs link to the registry versions they tested', () => {
  it('a run of local files identical to pushed versions names them on each cell; a changed file names none', async () => {
    await using project = makeProject({
      'prompts/support/answer.prompt': prompt('Answer: {{question}}'),
      'prompts/support/triage.prompt': prompt('Triage: {{question}}'),
      'prompts/support/_policy.prompt': 'Follow the refund policy.',
      'evals/suite.yaml': 'prompts:\n  - ../prompts/support/answer.prompt\n  - ../prompts/support/triage.prompt\nproviders:\n  - echo\ntests:\n  - vars: { question: Where is my refund? }\n',
    });
    const cwd = project.directory;
    expect((await cli(['prompts', 'push'], cwd)).code).toBe(0);
    // A second version of triage; the run's file is still v1's content.
    writeFileSync(path.join(cwd, 'prompts/support/triage.prompt'), prompt('Triage carefully: {{question}}'));
    expect((await cli(['prompts', 'push'], cwd)).stdout).toContain('support/triage  v2 (new');
    writeFileSync(path.join(cwd, 'prompts/support/triage.prompt'), prompt('Triage: {{question}}'));

    const first = await cli(['eval', '-c', 'evals/suite.yaml', '--no-progress', '--upload'], cwd);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/Uploaded run \S+ to \S+\nTested registry versions: answer = support\/answer v1, triage = support\/triage v1\n/);
    expect(await uploadedCells(first.stdout)).toEqual([
      { prompt: 'answer', hash: 'string', registryVersion: { name: 'support/answer', version: 1 } },
      { prompt: 'triage', hash: 'string', registryVersion: { name: 'support/triage', version: 1 } },
    ]);

    // A changed partial changes what was tested: no version has that content.
    writeFileSync(path.join(cwd, 'prompts/support/_policy.prompt'), 'Follow the new refund policy.');
    const second = await cli(['eval', '-c', 'evals/suite.yaml', '--no-progress', '--upload'], cwd);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).not.toContain('Tested registry versions');
    const cells = await uploadedCells(second.stdout);
    expect(cells.map((cell: { registryVersion?: unknown }) => cell.registryVersion)).toEqual([undefined, undefined]);

    // Pushed afterwards, the versions link when the run is read.
    expect((await cli(['prompts', 'push'], cwd)).stdout).toBe('support/answer  v2 (new, with _policy.prompt)\nsupport/triage  v3 (new, with _policy.prompt)\n');
    expect((await uploadedCells(second.stdout)).map((cell: { registryVersion?: unknown }) => cell.registryVersion)).toEqual([
      { name: 'support/answer', version: 2 },
      { name: 'support/triage', version: 3 },
    ]);
  });

  it('the server does not take a link from the client', async () => {
    const run = { id: 'forged-1', createdAt: '2026-11-20T10:00:00.000Z', status: 'running', configPath: '/x/suite.yaml', planHash: 'h', total: 0, options: {} };
    expect((await harness.server.api('POST', '/api/runs', harness.editorKey, { run })).status).toBe(201);
    const cell = { prompt: 'solo', provider: 'echo', n: 0, passed: 0, errors: 0, passRate: null, ci95: null, meanScore: null, scoreCi95: null, cost: 0, costPerCase: null, costPerPass: null, tokens: 0, meanLatencyMs: null };
    const summary = { total: 0, passed: 0, failed: 0, errors: 0, cost: 0, tokens: 0, durationMs: 1, metrics: [], thresholds: [], gates: [], warnings: [] };
    const forged = { ...summary, cells: [{ ...cell, promptHash: 'a'.repeat(64), registryVersion: { name: 'support/answer', version: 1 } }] };
    const finished = await harness.server.api('POST', '/api/runs/forged-1/finish', harness.editorKey, { status: 'completed', summary: forged, finishedAt: '2026-11-20T10:01:00.000Z' });
    expect(finished.status).toBe(200);
    expect(finished.body.run.summary.cells[0].registryVersion).toBeUndefined();
  });
});
