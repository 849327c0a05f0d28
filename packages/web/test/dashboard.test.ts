import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '@assay/server';

// The dashboard end to end, in real Chromium against the real server (in this process, on a
// fresh SQLite store): first-start setup, a prompt pushed by CI, a label moved with a second
// person's approval, a run opened down to one case, two runs compared. Each test saves a
// screenshot under test-artifacts/dashboard/.

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const webRoot = path.join(repoRoot, 'packages/web/dist');
const artifacts = path.join(repoRoot, 'test-artifacts/dashboard');
const chromiumPath = '/usr/bin/chromium';

let server: RunningServer;
let browser: Browser;
let directory: string;
let admin: BrowserContext;
let page: Page;
let projectId: string;
let apiKey: string;
const pageErrors: string[] = [];

beforeAll(async () => {
  if (!existsSync(chromiumPath)) {
    throw new Error(`The dashboard tests need Chromium at ${chromiumPath}. Install it with \`apt-get install chromium\`; playwright-core drives it and never downloads a browser.`);
  }
  if (!existsSync(path.join(webRoot, 'index.html'))) {
    // `npm ci` builds the dashboard (prepare script); a checkout that skipped it builds it here.
    const build = spawnSync(process.execPath, [path.join(repoRoot, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'packages/web/vite.config.ts', '--logLevel', 'warn'], { cwd: repoRoot, encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`npm run build:web failed:\n${build.stdout}\n${build.stderr}`);
  }
  mkdirSync(artifacts, { recursive: true });
  directory = mkdtempSync(path.join(tmpdir(), 'assay-dashboard-'));
  server = await startServer({ cwd: directory, env: {}, port: 0, webRoot });
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  admin = await browser.newContext({ viewport: { width: 1360, height: 900 } });
  page = await watch(await admin.newPage());
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (directory) rmSync(directory, { recursive: true, force: true });
});

async function watch(target: Page): Promise<Page> {
  target.on('pageerror', (error) => pageErrors.push(error.message));
  // A request the dashboard makes to anywhere but its own server would be a leak.
  target.on('request', (request) => {
    if (!request.url().startsWith(server.url)) pageErrors.push(`request to ${request.url()}`);
  });
  return target;
}

async function shot(target: Page, name: string): Promise<void> {
  await target.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });
}

/** What CI does with its key: plain HTTP against the API. */
async function api(method: string, url: string, body?: unknown): Promise<any> {
  const response = await fetch(`${server.url}/api${url}`, {
    method,
    headers: { authorization: `Bearer ${apiKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

function source(body: string, riskTier: string): string {
  return `---\nmodel: openai/gpt-4o-mini\nmetadata:\n  owner: support-team\n  riskTier: ${riskTier}\n  lastReviewed: 2026-01-15\n---\n${body}\n`;
}

/** A result as `assay eval` stores it, of case `index` of the triage suite. */
function triageResult(runId: string, index: number, pass: boolean, overrides: Record<string, unknown> = {}) {
  return {
    runId,
    key: `k-${index}`,
    promptId: 'triage',
    providerId: 'openai:gpt-4o-mini',
    caseId: `ticket-${String(index).padStart(3, '0')}`,
    caseIndex: index,
    repeat: 0,
    vars: { ticket: `Ticket number ${index}` },
    messages: [{ role: 'user', content: `Ticket number ${index}` }],
    output: index === 3 ? '<img src=x onerror="document.title=\'pwned\'"> billing' : pass ? 'billing' : 'other',
    toolCalls: [],
    pass,
    score: pass ? 1 : 0,
    assertions: [{ type: 'equals', pass, score: pass ? 1 : 0, reason: pass ? 'matched "billing"' : 'expected "billing"', weight: 1, required: false }],
    latencyMs: 200 + index,
    usage: { inputTokens: 30, outputTokens: 5, cachedInputTokens: 0, reasoningTokens: 0, totalTokens: 35 },
    cost: 0.00002,
    cached: false,
    finishedAt: new Date().toISOString(),
    ...overrides,
  };
}

async function uploadRun(id: string, label: string, outcomes: boolean[]): Promise<void> {
  await api('POST', '/runs', { run: { id, createdAt: new Date().toISOString(), status: 'running', configPath: 'evals/suite.yaml', planHash: 'sha256:e2e', total: outcomes.length, options: {}, label } });
  const results = outcomes.map((pass, index) => triageResult(id, index, pass));
  await api('POST', `/runs/${id}/results`, { results });
  const passed = outcomes.filter(Boolean).length;
  const summary = { total: outcomes.length, passed, failed: outcomes.length - passed, errors: 0, cost: 0.001, tokens: 0, durationMs: 5000, cells: [], metrics: [], thresholds: [], gates: [], warnings: [] };
  await api('POST', `/runs/${id}/finish`, { status: 'completed', summary, finishedAt: new Date().toISOString() });
}

describe('dashboard in Chromium', () => {
  it('creates the first administrator from the setup link and logs in', async () => {
    expect(server.setupUrl).toBeTruthy();
    await page.goto(server.setupUrl!);
    await page.getByLabel('Email').fill('dana@example.com');
    await page.getByLabel('Name').fill('Dana Admin');
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByTestId('setup-submit').click();
    await page.getByTestId('create-project-form').waitFor();
    await page.getByLabel('Project name').fill('support-bot');
    await page.getByRole('button', { name: 'Create project' }).click();
    await page.waitForURL(/\/p\/[^/]+\/prompts/);
    projectId = /\/p\/([^/]+)\/prompts/.exec(page.url())![1]!;
    await expect.poll(() => page.getByTestId('user-name').textContent()).toContain('Dana Admin');
    await shot(page, '01-logged-in');

    // The link works once; logging out and in again uses the password.
    await page.getByTestId('logout-button').first().click();
    await page.waitForURL(/\/login/);
    await page.getByLabel('Email').fill('dana@example.com');
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByTestId('login-submit').click();
    await page.waitForURL(/\/p\/[^/]+\/prompts/);
  });

  it('creates an API key in settings and shows a prompt pushed with it', async () => {
    await page.goto(`${server.url}/p/${projectId}/settings`);
    await page.getByLabel('Key name').fill('ci-main');
    await page.getByLabel('Key role').selectOption('editor');
    await page.getByTestId('create-api-key-submit').click();
    apiKey = await page.getByTestId('secret-value').inputValue();
    expect(apiKey).toMatch(/^assay_/);

    await api('POST', '/prompts', { name: 'support/refunds', source: source('Decide the refund for {{ticket}}.', 'high'), message: 'first version' });
    await api('POST', '/prompts', { name: 'support/refunds', source: source('Decide the refund for {{ticket}}. Cite the policy.', 'high'), message: 'cite the policy' });
    await page.goto(`${server.url}/p/${projectId}/prompts`);
    const row = page.locator('[data-testid="prompt-row"][data-prompt-name="support/refunds"]');
    await row.waitFor();
    expect(await row.textContent()).toContain('high');
    await shot(page, '02-prompt-pushed');

    await row.getByRole('link').first().click();
    await page.waitForURL(/\/prompts\/support%2Frefunds/);
    await page.getByTestId('version-row').first().waitFor();
    expect(await page.getByTestId('version-row').count()).toBe(2);
  });

  it('moves a protected label through a second person’s approval', async () => {
    // A second person with the approver role, created by the administrator in settings.
    await page.goto(`${server.url}/p/${projectId}/settings`);
    await page.getByLabel('New user name').fill('Sam Approver');
    await page.getByLabel('New user email').fill('sam@example.com');
    await page.getByLabel('Initial password').fill('another long password');
    await page.getByLabel('New user role').selectOption('approver');
    await page.getByTestId('create-user-submit').click();
    await page.locator('[data-testid="member-row"][data-email="sam@example.com"]').waitFor();
    expect(await page.locator('[data-testid="member-row"][data-email="sam@example.com"]').getByTestId('member-role').inputValue()).toBe('approver');

    await page.goto(`${server.url}/p/${projectId}/prompts/support%2Frefunds?tab=labels`);
    const moveButton = page.getByTestId('move-label-button');
    if (await moveButton.count()) await moveButton.first().click();
    await page.getByLabel('Label name').fill('production');
    await page.getByLabel('Version', { exact: true }).selectOption('2');
    await page.getByTestId('move-label-submit').click();
    await page.getByTestId('request-approval-button').waitFor();
    expect(await page.getByTestId('error-banner').or(page.getByTestId('move-label-notice')).first().textContent()).toMatch(/approv/i);
    await page.getByTestId('request-approval-button').click();
    const request = page.locator('[data-testid="change-request"][data-status="pending"]');
    await request.waitFor();

    // Approving one's own request is refused.
    await request.getByTestId('approve-button').click();
    await expect.poll(() => page.getByTestId('error-banner').first().textContent()).toMatch(/own change request/);
    await shot(page, '03-self-approval-refused');

    const samContext = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    const sam = await watch(await samContext.newPage());
    await sam.goto(`${server.url}/login`);
    await sam.getByLabel('Email').fill('sam@example.com');
    await sam.getByLabel('Password').fill('another long password');
    await sam.getByTestId('login-submit').click();
    await sam.waitForURL(/\/p\/[^/]+\/prompts/);
    await sam.goto(`${server.url}/p/${projectId}/prompts/support%2Frefunds?tab=requests`);
    // An approver is not an admin: no audit log in the nav (the server would answer 403).
    await sam.getByTestId('nav-prompts').waitFor();
    expect(await sam.getByTestId('nav-audit').count()).toBe(0);
    await sam.locator('[data-testid="change-request"][data-status="pending"]').getByTestId('approve-button').click();
    await sam.locator('[data-testid="change-request"][data-status="approved"]').waitFor();
    await shot(sam, '04-approved-by-second-person');
    // Sam replaces the initial password the administrator set.
    await sam.goto(`${server.url}/p/${projectId}/settings`);
    await sam.getByLabel('Current password').fill('another long password');
    await sam.getByLabel('New password').fill('sams own secret phrase');
    await sam.getByTestId('change-password-submit').click();
    await sam.getByTestId('password-changed').waitFor();
    await samContext.close();
    const oldPassword = await fetch(`${server.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'sam@example.com', password: 'another long password' }) });
    expect(oldPassword.status).toBe(401);

    await page.goto(`${server.url}/p/${projectId}/prompts/support%2Frefunds?tab=requests`);
    await page.locator('[data-testid="change-request"][data-status="approved"]').getByTestId('apply-button').click();
    await page.locator('[data-testid="change-request"][data-status="applied"]').waitFor();
    await page.goto(`${server.url}/p/${projectId}/prompts/support%2Frefunds?tab=labels`);
    const production = page.locator('[data-testid="label-card"][data-label="production"]');
    await production.waitFor();
    expect(await production.getByTestId('label-targets').textContent()).toContain('v2');
    await shot(page, '05-label-moved');

    // The audit log names both people.
    await page.goto(`${server.url}/p/${projectId}/audit`);
    await page.getByTestId('audit-row').first().waitFor();
    const audit = await page.locator('[data-testid="audit-row"]').allTextContents();
    expect(audit.join('\n')).toMatch(/change-request\.approve/);
    expect(audit.join('\n')).toMatch(/change-request\.apply/);
  });

  it('opens a run, filters its cases and shows one case with model output as text', async () => {
    await uploadRun('run-main', 'main', Array.from({ length: 120 }, (_, index) => index % 4 !== 0));
    await uploadRun('run-pr', 'pr-7', Array.from({ length: 120 }, () => true));
    await page.goto(`${server.url}/p/${projectId}/runs`);
    await page.locator('[data-testid="run-row"][data-run-id="run-main"]').waitFor();
    await page.locator('[data-testid="run-row"][data-run-id="run-main"]').getByRole('link').first().click();
    await page.waitForURL(/\/runs\/run-main/);
    await page.getByTestId('case-row').first().waitFor();
    await expect.poll(() => page.getByTestId('cases-total').textContent()).toContain('120');
    await page.getByLabel('Outcome').selectOption('fail');
    await expect.poll(() => page.getByTestId('cases-total').textContent()).toContain('30');

    await page.getByLabel('Outcome').selectOption('');
    await expect.poll(() => page.getByTestId('cases-total').textContent()).toContain('120');
    await page.getByTestId('case-row').filter({ hasText: 'ticket-003' }).click();
    const panel = page.getByTestId('case-panel');
    await panel.waitFor();
    expect(await panel.getByTestId('case-output').textContent()).toContain('<img src=x');
    expect(await panel.locator('img').count()).toBe(0);
    expect(await page.title()).not.toBe('pwned');
    await shot(page, '06-run-case');
  });

  it('says how many results of an unfinished upload have arrived, and shows no summary for it (issue 10)', async () => {
    // An upload whose client was killed after its first batch: no /finish.
    await api('POST', '/runs', { run: { id: 'run-half', createdAt: new Date().toISOString(), status: 'running', configPath: 'evals/suite.yaml', planHash: 'sha256:e2e', total: 300, options: {} } });
    await api('POST', '/runs/run-half/results', { results: Array.from({ length: 120 }, (_, index) => triageResult('run-half', index, true)) });
    await page.goto(`${server.url}/p/${projectId}/runs/run-half`);
    const arrived = page.getByTestId('run-arrived');
    await arrived.waitFor();
    expect(await arrived.textContent()).toContain('120 of 300 results have arrived');
    expect(await page.getByTestId('run-summary').textContent()).toContain('has not finished');
    expect(await page.getByTestId('run-header').textContent()).toContain('running');
    await shot(page, '06b-unfinished-upload');

    await page.goto(`${server.url}/p/${projectId}/runs/run-main`);
    await page.getByTestId('run-summary').waitFor();
    expect(await page.getByTestId('run-arrived').count()).toBe(0);
  });

  it('compares two runs with verdicts and flipped cases', async () => {
    await page.goto(`${server.url}/p/${projectId}/runs`);
    await page.locator('[data-testid="run-row"][data-run-id="run-main"]').getByTestId('run-select').check();
    await page.locator('[data-testid="run-row"][data-run-id="run-pr"]').getByTestId('run-select').check();
    await page.getByTestId('compare-button').click();
    await page.waitForURL(/\/compare\?/);
    const better = page.locator('[data-testid="comparison-row"][data-verdict="better"]');
    await better.first().waitFor();
    expect(await page.getByTestId('flipped-to-pass').first().textContent()).toContain('ticket-000');
    await shot(page, '07-compare');
    expect(pageErrors).toEqual([]);
  });

  it('shows and compares a run stored in a malformed shape instead of a blank page (issue 16)', async () => {
    // Written through the store, as a server that did not check uploads would have stored it.
    const runs = server.store.project(projectId);
    const createdAt = new Date().toISOString();
    const summary = { total: 3, passed: 'three', failed: 0, cells: [{ prompt: 'triage' }], warnings: 'none' };
    await runs.createRun({ id: 'run-broken', createdAt, status: 'completed', configPath: 'evals/suite.yaml', planHash: 'sha256:old', total: 3, options: {}, label: 'broken', summary } as any);
    const outputs: unknown[] = [['an', 'array', 'output'], 42, 'billing'];
    const assertions: unknown[] = [{ not: 'a list' }, [null, { type: 'equals' }], 'text'];
    await runs.appendResults(
      'run-broken',
      outputs.map((output, index) => triageResult('run-broken', index, index !== 1, { output, assertions: assertions[index], messages: 'not a list', usage: null })) as any,
    );

    await page.goto(`${server.url}/p/${projectId}/runs/run-broken`);
    await page.getByTestId('run-header').waitFor();
    const runProblems = await page.getByTestId('run-shape-problems').textContent();
    expect(runProblems).toContain('summary.gates: expected a list');
    expect(runProblems).toContain('summary.passed: expected a number');
    expect(await page.getByTestId('run-summary').textContent()).toContain('Cases3');
    await expect.poll(() => page.getByTestId('case-row').count()).toBe(3);
    expect(await page.getByTestId('cases-shape-problems').textContent()).toContain('output: expected text');
    await page.getByTestId('case-row').filter({ hasText: 'ticket-000' }).click();
    const panel = page.getByTestId('case-panel');
    await panel.waitFor();
    expect(await panel.getByTestId('case-output').textContent()).toContain('"array"');
    expect(await panel.getByTestId('case-shape-problems').textContent()).toContain('assertions: expected a list');
    await shot(page, '08-malformed-run');
    await panel.getByTestId('case-panel-close').click();

    await page.goto(`${server.url}/p/${projectId}/compare?a=run-broken&b=run-main`);
    await page.getByTestId('comparison-row').first().waitFor();
    expect(await page.getByTestId('compare-warnings').textContent()).toContain('Run run-broken: 2 stored result(s) have no readable list of assertions');
    await shot(page, '09-malformed-compare');
    expect(pageErrors).toEqual([]);
  });
});
