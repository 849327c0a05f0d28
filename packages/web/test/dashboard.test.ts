import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SummaryAccumulator } from '@assay/runner';
import { startServer, type RunningServer } from '@assay/server';

// The dashboard end to end, in real Chromium against the real server (in this process, on a
// fresh SQLite store): first-start setup, a prompt pushed by CI, a label moved with a second
// person's approval, a run opened down to one case, two runs compared; then (issue 11) the
// dashboard as people read it: names instead of ids, members of a project made by
// `assay admin create-key`, counts that add up, repeats, why a case failed, runs that cannot be
// compared. Every page is saved as a screenshot under test-artifacts/dashboard/ (the path is
// printed at the end) for a person to look at.

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
const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

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
  console.log(`Dashboard screenshots: ${artifacts}`);
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
  await uploadResults(id, outcomes.map((pass, index) => triageResult(id, index, pass)), { label });
}

/** Uploads `results` as `assay eval --upload` would, with the summary the runner computes from them. */
async function uploadResults(id: string, results: ReturnType<typeof triageResult>[], options: { label?: string; configPath?: string; repeat?: number } = {}): Promise<void> {
  const createdAt = new Date().toISOString();
  await api('POST', '/runs', {
    run: { id, createdAt, status: 'running', configPath: options.configPath ?? 'evals/suite.yaml', planHash: 'sha256:e2e', total: results.length, options: {}, ...(options.label ? { label: options.label } : {}) },
  });
  await api('POST', `/runs/${id}/results`, { results });
  const accumulator = new SummaryAccumulator([], { repeat: options.repeat ?? 1 });
  for (const result of results) accumulator.add(result as any);
  const summary = accumulator.summarize({ durationMs: 4000, warnings: [] });
  await api('POST', `/runs/${id}/finish`, { status: 'completed', summary, finishedAt: new Date().toISOString() });
}

describe('dashboard in Chromium', () => {
  it('creates the first administrator from the setup link and logs in', async () => {
    expect(server.setupUrl).toBeTruthy();
    await page.goto(server.setupUrl!);
    await page.getByTestId('setup-submit').waitFor();
    await shot(page, '00-setup');
    await page.getByLabel('Email').fill('dana@example.com');
    await page.getByLabel('Name').fill('Dana Admin');
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByTestId('setup-submit').click();
    await page.getByTestId('create-project-form').waitFor();
    await shot(page, '00b-create-project');
    await page.getByLabel('Project name').fill('support-bot');
    await page.getByRole('button', { name: 'Create project' }).click();
    await page.waitForURL(/\/p\/[^/]+\/prompts/);
    projectId = /\/p\/([^/]+)\/prompts/.exec(page.url())![1]!;
    await expect.poll(() => page.getByTestId('user-name').textContent()).toContain('Dana Admin');
    await shot(page, '01-logged-in');

    // The link works once; logging out and in again uses the password.
    await page.getByTestId('logout-button').first().click();
    await page.waitForURL(/\/login/);
    await page.getByTestId('login-submit').waitFor();
    await shot(page, '01b-login');
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
    // Issue 11: the tab says a request waits, and the card says who asked, by name.
    await expect.poll(() => page.getByTestId('tab-requests-count').textContent()).toBe('1 pending');
    expect(await request.getByTestId('change-request-requester').textContent()).toContain('Dana Admin');

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
    const approved = sam.locator('[data-testid="change-request"][data-status="approved"]');
    await approved.waitFor();
    await expect.poll(() => approved.getByTestId('change-request-reviews').textContent()).toContain('Sam Approver approved');
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
    // Issue 11: by name, people and keys alike (the key pushed the prompt), never a bare UUID.
    expect(audit.join('\n')).toContain('Sam Approver');
    expect(audit.join('\n')).toContain('Dana Admin');
    const push = page.locator('[data-testid="audit-row"][data-action="prompt.push"]').first();
    expect(await push.getByTestId('actor').textContent()).toBe('ci-main');
    const keyCreated = page.locator('[data-testid="audit-row"][data-action="api-key.create"]');
    expect(await keyCreated.getByTestId('audit-target').textContent()).toBe('ci-main');
    const actors = await page.getByTestId('actor').allTextContents();
    // Unresolved ids would read `user 1f0c…` or a whole UUID.
    expect(actors.filter((text) => uuid.test(text) || /^(user|API key) [0-9a-f]{8}$/.test(text))).toEqual([]);
    await shot(page, '05b-audit-log');
  });

  it('opens a run, filters its cases and shows one case with model output as text', async () => {
    // Issue 11: the empty page named a flag `assay eval` does not have for uploading (--server).
    await page.goto(`${server.url}/p/${projectId}/runs`);
    const empty = await page.getByTestId('runs-empty').textContent();
    expect(empty).toContain('assay eval --upload');
    expect(empty).toContain(`ASSAY_SERVER=${server.url}`);
    expect(empty).not.toContain('--server');
    await shot(page, '06a-runs-empty');

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

    // Issue 11: the interval shown is the one that agrees with the verdict (adjustedCi, at the level of
    // the Holm step that decided the row) and the note of a row without a detectable size, as the
    // console shows them. 40 cases; the tone metric grades only the first 4. Before: cases 0–19
    // fail (0–3 on tone too); after: every case passes. pass: better, decided at the first Holm step
    // (97.5%); tone: 4 flips, and no outcome of 4 reaches p < 0.05.
    const toneResults = (runId: string, failing: number) =>
      Array.from({ length: 40 }, (_, index) => {
        const pass = index >= failing;
        const result = triageResult(runId, index, pass);
        const tone = { type: 'icontains', pass, score: pass ? 1 : 0, reason: pass ? 'polite' : 'curt', weight: 1, required: false, metric: 'tone' };
        return index < 4 ? { ...result, assertions: [...result.assertions, tone] } : result;
      });
    await uploadResults('run-tone-before', toneResults('run-tone-before', 20), { label: 'tone-before' });
    await uploadResults('run-tone-after', toneResults('run-tone-after', 0), { label: 'tone-after' });
    const comparison = await api('GET', `/projects/${projectId}/compare?a=run-tone-after&b=run-tone-before`);
    expect(comparison.cells.map((row: any) => row.metric)).toEqual(['pass', 'tone']);
    await page.goto(`${server.url}/p/${projectId}/compare?a=run-tone-after&b=run-tone-before`);
    const rows = page.getByTestId('comparison-row');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(2);
    const [pass, tone] = comparison.cells as any[];
    expect(pass.verdict).toBe('better');
    expect(pass.adjustedConfidence).toBeCloseTo(0.975, 10);
    expect(pass.adjustedCi).not.toEqual(pass.ci95);
    const points = (value: number) => `${value > 0 ? '+' : ''}${(value * 100).toFixed(1)}`;
    const passDifference = rows.nth(0).getByTestId('comparison-difference');
    expect(await passDifference.textContent()).toBe(`+50.0 pts [${points(pass.adjustedCi[0])}, ${points(pass.adjustedCi[1])}]`);
    expect(await passDifference.getAttribute('title')).toBe('97.5% interval: the level of the Holm step that decided this row');
    expect(await rows.nth(1).getAttribute('data-verdict')).toBe('no detectable difference');
    expect(await rows.nth(1).getByTestId('comparison-difference').textContent()).toBe('+100.0 pts [0.0, +100.0]');
    expect(tone.note).toBe('too few cases: even all 4 changing one way would give p = 0.125');
    expect(await rows.nth(1).getByTestId('comparison-verdict-detail').textContent()).toBe(tone.note);
    expect(await page.getByTestId('comparison-table').locator('th').allTextContents()).toContain('Difference [Holm CI]');
    expect(await page.getByTestId('compare-summary').textContent()).toContain('Holm-adjusted intervals (95–97.5%: each at the level of the Holm step');
    await shot(page, '07b-compare-too-few-cases');
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
  it('names people and keys on label cards and lists each prompt with its labels and canary weights (issue 11)', async () => {
    // A canary moved by CI's key: the card says which key, the list shows the split.
    await api('PUT', '/prompts/support%2Frefunds/labels/staging', { targets: [{ version: 1, weight: 90 }, { version: 2, weight: 10 }], expectedRevision: 0, message: 'canary' });
    await page.goto(`${server.url}/p/${projectId}/prompts/support%2Frefunds?tab=labels`);
    const staging = page.locator('[data-testid="label-card"][data-label="staging"]');
    await staging.waitFor();
    await expect.poll(() => staging.getByTestId('label-updated-by').textContent()).toBe('API key ci-main');
    expect(await page.locator('[data-testid="label-card"][data-label="production"]').getByTestId('label-updated-by').textContent()).toBe('Dana Admin');
    await staging.getByTestId('label-history-toggle').click();
    await staging.getByTestId('label-history-row').first().waitFor();
    expect(await staging.getByTestId('label-history-row').first().textContent()).toContain('API key ci-main');
    await shot(page, '10-labels-by-name');

    await page.getByTestId('tab-versions').click();
    await page.getByTestId('version-row').first().waitFor();
    await shot(page, '10b-prompt-versions');
    await page.getByTestId('tab-changelog').click();
    await page.getByTestId('tab-changelog').and(page.locator('[aria-selected="true"]')).waitFor();
    await shot(page, '10c-prompt-changelog');
    await page.getByTestId('tab-requests').click();
    await page.getByTestId('change-request').first().waitFor();
    expect(await page.getByTestId('tab-requests-count').count()).toBe(0);
    await shot(page, '10d-prompt-change-requests');

    await page.goto(`${server.url}/p/${projectId}/prompts`);
    const row = page.locator('[data-testid="prompt-row"][data-prompt-name="support/refunds"]');
    await row.getByTestId('prompt-label').first().waitFor();
    expect(await row.locator('[data-testid="prompt-label"][data-label="production"]').textContent()).toBe('production v2');
    expect(await row.locator('[data-testid="prompt-label"][data-label="staging"]').textContent()).toBe('staging v1 90% · v2 10%');
    await shot(page, '11-prompts-with-labels');
  });

  it('lists the instance administrator as a member of a project made by `assay admin create-key`, and names them and its key (issue 11)', async () => {
    // What `assay admin create-key --project newcomer --role editor --name ci-newcomer` does (packages/cli/src/commands/admin.ts).
    const system = { actor: { type: 'system' as const } };
    const { project } = await server.registry.ensureProject({ organization: 'default', project: 'newcomer' }, system);
    const { secret } = await server.registry.createApiKey(project.id, { name: 'ci-newcomer', role: 'editor' }, system);
    const push = await fetch(`${server.url}/api/prompts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'onboarding/welcome', source: source('Welcome {{name}}.', 'low'), message: 'first' }),
    });
    expect(push.status).toBe(201);

    await page.goto(`${server.url}/p/${project.id}/settings`);
    const dana = page.locator('[data-testid="member-row"][data-email="dana@example.com"]');
    await dana.waitFor();
    expect(await dana.getAttribute('data-instance-admin')).toBe('true');
    expect(await dana.textContent()).toContain('instance admin');
    expect(await page.getByTestId('members-section').getByTestId('empty').count()).toBe(0);
    await shot(page, '12-settings-instance-admin');

    // Dana moves a label there without being a member: the card names her, not `user <uuid>`.
    await page.goto(`${server.url}/p/${project.id}/prompts/onboarding%2Fwelcome?tab=labels`);
    await page.getByLabel('Label name').fill('staging');
    await page.getByLabel('Version', { exact: true }).selectOption('1');
    await page.getByTestId('move-label-submit').click();
    const card = page.locator('[data-testid="label-card"][data-label="staging"]');
    await card.waitFor();
    await expect.poll(() => card.getByTestId('label-updated-by').textContent()).toBe('Dana Admin');

    await page.goto(`${server.url}/p/${project.id}/audit`);
    await page.getByTestId('audit-row').first().waitFor();
    const pushRow = page.locator('[data-testid="audit-row"][data-action="prompt.push"]');
    expect(await pushRow.getByTestId('actor').textContent()).toBe('ci-newcomer');
    expect(await page.locator('[data-testid="audit-row"][data-action="label.set"]').getByTestId('actor').textContent()).toBe('Dana Admin');
    await shot(page, '12b-newcomer-audit');
  });

  it('counts failed and errored cases apart, and shows why a case failed before its output (issue 11)', async () => {
    // 30 cases: 12 pass, 14 fail their assertions (is-json first, the javascript after it fails because of it), 4 errors.
    const results = Array.from({ length: 30 }, (_, index) => {
      if (index < 12) return triageResult('run-errors', index, true);
      if (index < 26) {
        return triageResult('run-errors', index, false, {
          output: 'Sure! Here is the category: billing',
          assertions: [
            { type: 'is-json', pass: false, score: 0, reason: 'Output is not valid JSON: Unexpected token S', weight: 1, required: false },
            { type: 'javascript', pass: false, score: 0, reason: "TypeError: Cannot read properties of undefined (reading 'category')", weight: 1, required: false },
          ],
        });
      }
      return triageResult('run-errors', index, false, { output: '', assertions: [], error: 'openai:gpt-4o-mini: 429 Too Many Requests after 3 retries' });
    });
    await uploadResults('run-errors', results, { label: 'errors' });

    await page.goto(`${server.url}/p/${projectId}/runs`);
    const row = page.locator('[data-testid="run-row"][data-run-id="run-errors"]');
    await row.waitFor();
    expect(await row.getByTestId('run-failed').textContent()).toBe('14');
    expect(await row.getByTestId('run-errors').textContent()).toBe('4');
    await shot(page, '13-runs-list');

    await row.getByRole('link').first().click();
    await page.getByTestId('run-summary').waitFor();
    const stats = await page.getByTestId('run-summary').textContent();
    expect(stats).toContain('Passed12');
    expect(stats).toContain('Failed14');
    expect(stats).toContain('Errors4');
    // The Failed filter lists exactly the cases the Failed count counts.
    await page.getByLabel('Outcome').selectOption('fail');
    await expect.poll(() => page.getByTestId('cases-total').textContent()).toBe('14 case(s)');
    const failedRow = page.getByTestId('case-row').first();
    const why = await failedRow.getByTestId('case-why').textContent();
    expect(why).toMatch(/^✗ is-json: Output is not valid JSON/);
    expect(why).toContain('+1 more');
    expect(await failedRow.getByTestId('case-row-output').textContent()).toContain('Sure! Here is the category');
    await failedRow.click();
    const panel = page.getByTestId('case-panel');
    await panel.waitFor();
    const reasons = await panel.getByTestId('case-why-item').allTextContents();
    expect(reasons).toHaveLength(2);
    expect(reasons[0]).toContain('is-json');
    expect(reasons[1]).toContain('javascript');
    // Root cause above the output in the panel too.
    const order = await panel.evaluate((element) => {
      const whyBox = element.querySelector('[data-testid="case-why-failed"]');
      const output = element.querySelector('[data-testid="case-output"]');
      return whyBox && output ? whyBox.compareDocumentPosition(output) & Node.DOCUMENT_POSITION_FOLLOWING : 0;
    });
    expect(order).toBeTruthy();
    await shot(page, '14-failed-case-why');
    await panel.getByTestId('case-panel-close').click();

    await page.getByLabel('Outcome').selectOption('error');
    await expect.poll(() => page.getByTestId('cases-total').textContent()).toBe('4 case(s)');
    expect(await page.getByTestId('case-row').first().getByTestId('case-why').textContent()).toContain('429 Too Many Requests');
    await shot(page, '14b-error-cases');
  });

  it('shows pass@k, pass^k and the flaky cases of a run with repeats, as the console does (issue 11)', async () => {
    // 10 cases × 3 repeats: cases 0–5 always pass, 6–8 pass once or twice (flaky), 9 never passes.
    const results = Array.from({ length: 10 }, (_, index) =>
      Array.from({ length: 3 }, (_, repeat) => {
        const pass = index < 6 || (index < 9 && repeat <= index - 6 && repeat < 2);
        return triageResult('run-repeats', index, pass, { key: `k-${index}-${repeat}`, repeat });
      }),
    ).flat();
    await uploadResults('run-repeats', results, { label: 'repeats', repeat: 3 });
    const repeats = (await api('GET', '/runs/run-repeats')).run.summary.cells[0].repeats;
    expect(repeats.flakyCases).toBe(3);

    await page.goto(`${server.url}/p/${projectId}/runs/run-repeats`);
    const section = page.getByTestId('repeats-section');
    await section.waitFor();
    const cell = section.getByTestId('repeats-cell');
    expect(await cell.getAttribute('data-cell')).toBe('triage × openai:gpt-4o-mini');
    expect(await cell.getByTestId('repeats-pass-at-k').textContent()).toBe(`${(repeats.passAtK * 100).toFixed(1)}%`);
    expect(await cell.getByTestId('repeats-pass-all-k').textContent()).toBe('60.0%');
    expect(await cell.getByTestId('repeats-flaky-count').textContent()).toBe('3 of 10 case(s) (30.0%)');
    // The design effect worded as the console and the HTML report word it (issue 11: "interval widened ×1.73" here, "3.00" there).
    expect(repeats.designEffect).toBeGreaterThan(1);
    expect(await cell.getByTestId('repeats-design-effect').textContent()).toBe(
      `${repeats.designEffect.toFixed(2)} (interval ×${Math.sqrt(repeats.designEffect).toFixed(2)} wider)`,
    );
    const flaky = await cell.getByTestId('flaky-case').allTextContents();
    expect(flaky).toHaveLength(3);
    expect(flaky.join('\n')).toContain('ticket-007 passed 2 of 3');
    await shot(page, '15-repeats');
  });

  it('says why runs of different suites cannot be compared, with what each holds (issue 11)', async () => {
    const other = (['openai:gpt-4o-mini', 'anthropic:claude-haiku'] as const).flatMap((providerId, cell) =>
      Array.from({ length: 5 }, (_, index) => triageResult('run-other', index, true, { key: `k-${cell}-${index}`, promptId: 'summarize', providerId })),
    );
    await uploadResults('run-other', other, { label: 'other-suite', configPath: 'evals/summaries.yaml' });
    await page.goto(`${server.url}/p/${projectId}/compare?a=run-other&b=run-main`);
    const banner = page.getByTestId('error-banner');
    await banner.waitFor();
    const text = await banner.textContent();
    expect(text).not.toContain('Invalid prompt file');
    expect(text).toContain('These runs cannot be compared');
    expect(text).toContain('different suites');
    expect(text).toContain('evals/summaries.yaml');
    const panel = page.getByTestId('not-comparable');
    await panel.waitFor();
    expect(await panel.getByTestId('not-comparable-baseline').textContent()).toContain('triage × openai:gpt-4o-mini');
    expect(await panel.getByTestId('not-comparable-candidate').textContent()).toContain('summarize × anthropic:claude-haiku');
    await shot(page, '16-not-comparable');

    await page.goto(`${server.url}/p/${projectId}/no-such-page`);
    await page.getByTestId('not-found').waitFor();
    await shot(page, '17-not-found');
    await page.goto(`${server.url}/p/${projectId}/settings`);
    await page.getByTestId('members-table').waitFor();
    await shot(page, '18-settings');
    expect(pageErrors).toEqual([]);
  });
});
