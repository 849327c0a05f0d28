// Dashboard run-view benchmark: how long the run page of a 20,000-case run takes to show its
// summary and first page of cases in real Chromium, against the same page for a 50-case run
// measured in the same process (the reference).
//
//   npm run bench:dashboard -- [--cases 20000] [--rounds 7]
//
// Target (issue 4): the 20,000-case run view opens in under a second.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import type { CaseResult, RunRecord } from '@assay/spec';
import { SummaryAccumulator } from '@assay/runner';
import { startServer } from '@assay/server';

const { values: args } = parseArgs({
  options: { cases: { type: 'string', default: '20000' }, rounds: { type: 'string', default: '7' } },
});
const cases = Number(args.cases);
const rounds = Number(args.rounds);
const referenceCases = 50;
const targetMs = 1000;

const directory = mkdtempSync(path.join(os.tmpdir(), 'assay-bench-dashboard-'));
const server = await startServer({ cwd: directory, port: 0 });
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});

try {
  const system = { actor: { type: 'system' as const } };
  const { project } = await server.registry.ensureProject({ organization: 'default', project: 'bench' }, system);
  const password = 'benchmark password';
  const user = await server.registry.createUser({ email: 'bench@example.com', name: 'Bench', password, isAdmin: true }, system);
  await server.registry.setMember(project.id, user.id, 'admin', system);
  await seedRun(project.id, 'reference', referenceCases);
  const seeded = performance.now();
  await seedRun(project.id, 'large', cases);
  console.log(`seeded a ${cases.toLocaleString('en-US')}-case run in ${((performance.now() - seeded) / 1000).toFixed(1)} s`);

  const login = await fetch(`${server.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: user.email, password }) });
  const token = /assay_session=([^;]+)/.exec(login.headers.get('set-cookie') ?? '')?.[1];
  if (!token) throw new Error(`login failed: ${login.status}`);
  const context = await browser.newContext();
  await context.addCookies([{ name: 'assay_session', value: token, url: server.url }]);
  const page = await context.newPage();

  async function open(runId: string): Promise<number> {
    const started = performance.now();
    await page.goto(`${server.url}/p/${project.id}/runs/${runId}`);
    await page.locator('[data-testid="case-row"]').first().waitFor();
    await page.locator('[data-testid="run-summary"]').first().waitFor();
    return performance.now() - started;
  }

  // One warm-up of each: the browser's cache of the app's assets is then as a returning user's.
  await open('reference');
  await open('large');
  const reference: number[] = [];
  const large: number[] = [];
  for (let round = 0; round < rounds; round++) {
    reference.push(await open('reference'));
    large.push(await open('large'));
  }
  const referenceMs = median(reference);
  const largeMs = median(large);
  console.log(`run view, ${referenceCases} cases (reference): median ${referenceMs.toFixed(0)} ms over ${rounds} rounds`);
  console.log(`run view, ${cases.toLocaleString('en-US')} cases: median ${largeMs.toFixed(0)} ms (max ${Math.max(...large).toFixed(0)} ms), ${(largeMs / referenceMs).toFixed(2)}× the reference`);
  console.log(`target: under ${targetMs} ms — ${largeMs < targetMs ? 'met' : 'NOT met'}`);
} finally {
  await browser.close();
  await server.close();
  rmSync(directory, { recursive: true, force: true });
}

async function seedRun(projectId: string, id: string, count: number): Promise<void> {
  const run: RunRecord = { id, projectId, createdAt: new Date().toISOString(), status: 'running', configPath: 'bench.yaml', planHash: 'bench', total: count, options: {} };
  await server.store.createRun(run);
  const accumulator = new SummaryAccumulator([{ prompt: 'support', provider: 'openai:gpt-4o-mini' }]);
  for (let start = 0; start < count; start += 1000) {
    const batch: CaseResult[] = [];
    for (let index = start; index < Math.min(count, start + 1000); index++) {
      const pass = index % 7 !== 0;
      batch.push({
        runId: id,
        key: `key-${index}`,
        promptId: 'support',
        providerId: 'openai:gpt-4o-mini',
        caseId: `case-${index}`,
        caseIndex: index,
        repeat: 0,
        vars: { question: `How do I reset my password? (${index})` },
        messages: [{ role: 'user', content: `How do I reset my password? (${index})` }],
        output: `To reset your password, open Settings → Security and choose "Reset". Case ${index}. `.repeat(4),
        toolCalls: [],
        pass,
        score: pass ? 1 : 0,
        assertions: [{ type: 'contains', pass, score: pass ? 1 : 0, reason: pass ? 'found "Settings"' : 'missing "Settings"', weight: 1, required: false }],
        latencyMs: 300 + (index % 200),
        usage: { inputTokens: 120, outputTokens: 60, cachedInputTokens: 0, reasoningTokens: 0, totalTokens: 180 },
        cost: 0.00006,
        cached: false,
        finishedAt: new Date().toISOString(),
      } as CaseResult);
    }
    for (const result of batch) accumulator.add(result);
    await server.store.appendResults(id, batch);
  }
  const summary = accumulator.summarize({ durationMs: 60_000, warnings: [] });
  await server.store.finishRun(id, { status: 'completed', summary, finishedAt: new Date().toISOString() });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
