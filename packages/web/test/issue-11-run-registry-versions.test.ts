import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { promptVersionInput } from '@assay/core';
import { startServer, type RunningServer } from '@assay/server';

// Issue 11: the run page shows which registry version each prompt of the run was (prompt name and
// version, linking to the prompt's page). Real Chromium against the real server; the dashboard as
// `npm run build:web` built it (packages/web/dist, built here when missing).

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const webRoot = path.join(repoRoot, 'packages/web/dist');
const artifacts = path.join(repoRoot, 'test-artifacts/dashboard');
const chromiumPath = '/usr/bin/chromium';
const system = { actor: { type: 'system' as const } };
const source = '---\nmodel: openai/gpt-4o-mini\nmetadata:\n  owner: support\n  riskTier: low\n---\nClassify {{ticket}}\n';

let server: RunningServer;
let browser: Browser;
let directory: string;

beforeAll(async () => {
  if (!existsSync(chromiumPath)) throw new Error(`This test needs Chromium at ${chromiumPath} (apt-get install chromium).`);
  if (!existsSync(path.join(webRoot, 'index.html'))) throw new Error('The dashboard is not built: run `npm run build:web` (npm ci does it).');
  mkdirSync(artifacts, { recursive: true });
  directory = mkdtempSync(path.join(tmpdir(), 'assay-run-links-'));
  server = await startServer({ cwd: directory, env: {}, port: 0, webRoot });
  browser = await chromium.launch({ executablePath: chromiumPath, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (directory) rmSync(directory, { recursive: true, force: true });
});

it('the run page names the registry version each prompt was, linking to the prompt', async () => {
  const { project } = await server.registry.ensureProject({ organization: 'default', project: 'support' }, system);
  await server.registry.createUser({ email: 'ada@example.com', name: 'Ada', password: 'long enough password', isAdmin: true }, system);
  const { secret } = await server.registry.createApiKey(project.id, { name: 'ci', role: 'editor' }, system);
  const api = async (method: string, url: string, body: unknown) => {
    const response = await fetch(`${server.url}/api${url}`, { method, headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(response.status, await response.clone().text()).toBeLessThan(300);
    return response.json();
  };
  await api('POST', '/prompts', { name: 'support/triage', source });
  const { contentHash } = await promptVersionInput(source, { name: 'triage' });

  const run = { id: 'run-links', createdAt: '2026-11-20T10:00:00.000Z', status: 'running', configPath: '/x/suite.yaml', planHash: 'h', total: 0, options: {} };
  await api('POST', '/runs', { run });
  const cell = { provider: 'echo', n: 0, passed: 0, errors: 0, passRate: null, ci95: null, meanScore: null, scoreCi95: null, cost: 0, costPerCase: null, costPerPass: null, tokens: 0, meanLatencyMs: null };
  const cells = [{ ...cell, prompt: 'triage', promptHash: contentHash }, { ...cell, prompt: 'draft', promptHash: 'b'.repeat(64) }];
  const summary = { total: 0, passed: 0, failed: 0, errors: 0, cost: 0, tokens: 0, durationMs: 1, cells, metrics: [], thresholds: [], gates: [], warnings: [] };
  await api('POST', '/runs/run-links/finish', { status: 'completed', summary, finishedAt: '2026-11-20T10:01:00.000Z' });

  const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${server.url}/login`);
  await page.getByLabel('Email').fill('ada@example.com');
  await page.getByLabel('Password').fill('long enough password');
  await page.getByTestId('login-submit').click();
  await page.waitForURL(/\/p\/[^/]+\//);
  await page.goto(`${server.url}/p/${project.id}/runs/run-links`);
  const tested = page.getByTestId('run-registry-versions');
  await tested.waitFor();
  expect(await tested.textContent()).toBe('Registry versions tested:triage = support/triage v1');
  const link = tested.getByRole('link', { name: 'support/triage v1' });
  expect(await link.getAttribute('href')).toBe(`/p/${project.id}/prompts/support%2Ftriage`);
  await page.screenshot({ path: path.join(artifacts, 'issue-11-run-registry-versions.png'), fullPage: true });
  await link.click();
  await page.waitForURL(/\/prompts\/support%2Ftriage/);
  expect(errors).toEqual([]);
  await context.close();
}, 60_000);
