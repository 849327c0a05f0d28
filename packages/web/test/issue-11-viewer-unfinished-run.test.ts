import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startViewer, type RunningViewer } from '@assay/server';
import { openStore } from '@assay/store';

// Issue 11: under `assay view` the banner of an unfinished run said "its upload broke off:
// `assay runs upload <id>` completes it", but the viewer reads the folder's own .assay/, where
// nothing is uploaded. It now names `assay eval --resume <id>`. Real Chromium against the real
// viewer; the dashboard as `npm run build:web` built it.

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const webRoot = path.join(repoRoot, 'packages/web/dist');
const artifacts = path.join(repoRoot, 'test-artifacts/view');
const chromiumPath = '/usr/bin/chromium';

let directory: string;
let viewer: RunningViewer;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

/** A run of 3 planned calls as `assay eval` leaves it in the store when it stops after the first. */
async function storeUnfinishedRun(id: string, status: 'running' | 'interrupted'): Promise<void> {
  const store = await openStore({ cwd: directory, env: {} });
  try {
    await store.createRun({ id, createdAt: '2026-12-07T10:00:00.000Z', status, configPath: 'suite.yaml', planHash: 'sha256:view', total: 3, options: {} } as never);
    await store.appendResults(id, [
      {
        runId: id, key: `${id}-0`, promptId: 'greet', providerId: 'echo', caseId: 'alice', caseIndex: 0, repeat: 0,
        vars: { name: 'Alice' }, messages: [{ role: 'user', content: 'Say hello to Alice.' }], output: 'Say hello to Alice.', toolCalls: [],
        pass: true, score: 1, assertions: [{ type: 'icontains', pass: true, score: 1, reason: 'contains "hello"', weight: 1, required: false }],
        latencyMs: 1, usage: { inputTokens: 5, outputTokens: 5, cachedInputTokens: 0, reasoningTokens: 0, totalTokens: 10 }, cost: null, cached: false,
        finishedAt: '2026-12-07T10:00:01.000Z',
      },
    ] as never);
  } finally {
    await store.close();
  }
}

beforeAll(async () => {
  if (!existsSync(chromiumPath)) throw new Error(`This test needs Chromium at ${chromiumPath} (apt-get install chromium).`);
  if (!existsSync(path.join(webRoot, 'index.html'))) throw new Error('The dashboard is not built: run `npm run build:web` (npm ci does it).');
  mkdirSync(artifacts, { recursive: true });
  directory = mkdtempSync(path.join(tmpdir(), 'assay-view-unfinished-'));
  await storeUnfinishedRun('run-killed', 'running');
  await storeUnfinishedRun('run-stopped', 'interrupted');
  viewer = await startViewer({ cwd: directory, env: {}, port: 0, webRoot });
  browser = await chromium.launch({ executablePath: chromiumPath, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
  page = await (await browser.newContext({ viewport: { width: 1360, height: 900 } })).newPage();
  page.setDefaultTimeout(10_000);
  page.on('pageerror', (error) => pageErrors.push(error.message));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await viewer?.close();
  if (directory) rmSync(directory, { recursive: true, force: true });
});

it('tells how to finish an unfinished local run with assay eval --resume, not with an upload', async () => {
  await page.goto(`${viewer.url}/p/local/runs/run-killed`);
  const banner = page.getByTestId('run-arrived');
  await banner.waitFor();
  expect(await banner.textContent()).toBe(
    '1 of 3 results are storedThe run is still going, or it stopped before it finished: assay eval --resume run-killed in this folder runs the rest.',
  );
  await page.screenshot({ path: path.join(artifacts, 'unfinished-run.png'), fullPage: true });

  await page.goto(`${viewer.url}/p/local/runs/run-stopped`);
  await page.getByTestId('run-header').filter({ hasText: 'run-stopped' }).waitFor();
  expect(await banner.textContent()).toBe('1 of 3 results are storedThe rest of the planned calls were not run: assay eval --resume run-stopped in this folder runs the rest.');
  expect(pageErrors).toEqual([]);
});
