import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProject, runCli } from './cli-harness.ts';
import { startCli, type RunningCli } from './long-running-cli.ts';

// Issue 11: `assay view` shows a folder's runs in the dashboard without a server, read-only, with
// no login, on 127.0.0.1. Two real runs (the echo provider, offline) are made with the real CLI,
// `assay view` runs as a child process, and Chromium opens the runs, a run, a case and a comparison.
// Screenshots go to test-artifacts/view/.

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const webRoot = path.join(repoRoot, 'packages/web/dist');
const artifacts = path.join(repoRoot, 'test-artifacts/view');
const chromiumPath = '/usr/bin/chromium';

const prompt = (verb: string) => `---\nmodel: openai/gpt-4o-mini\n---\n{{role "user"}}\nSay ${verb} to {{name}}.\n`;
const suite = `prompts:
  - prompts/greet.prompt
providers:
  - echo
tests:
  - id: alice
    vars: { name: Alice }
    assert: [{ type: icontains, value: hello }]
  - id: bob
    vars: { name: Bob }
    assert: [{ type: icontains, value: hello }]
  - id: carol
    vars: { name: Carol }
    assert: [{ type: icontains, value: goodbye }]
`;

let project: ReturnType<typeof makeProject>;
let viewer: RunningCli;
let url: string;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];
const visited: string[] = [];

beforeAll(async () => {
  if (!existsSync(chromiumPath)) {
    throw new Error(`This test needs Chromium at ${chromiumPath}. Install it with \`apt-get install chromium\`; playwright-core drives it and never downloads a browser.`);
  }
  if (!existsSync(path.join(webRoot, 'index.html'))) {
    const build = spawnSync(process.execPath, [path.join(repoRoot, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'packages/web/vite.config.ts', '--logLevel', 'warn'], { cwd: repoRoot, encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`npm run build:web failed:\n${build.stdout}\n${build.stderr}`);
  }
  mkdirSync(artifacts, { recursive: true });
  project = makeProject({ 'prompts/greet.prompt': prompt('hello'), 'suite.yaml': suite });
  const env = { ASSAY_DATA_DIR: undefined, ASSAY_DATABASE_URL: undefined };
  // Run 1 (labelled baseline): carol fails. Run 2, after the prompt changed: alice and bob fail.
  const first = await runCli(['eval', '-c', 'suite.yaml', '--no-progress', '--label', 'baseline'], { cwd: project.directory, env });
  expect(first.code, first.stdout + first.stderr).toBe(1);
  writeFileSync(path.join(project.directory, 'prompts/greet.prompt'), prompt('goodbye'));
  const second = await runCli(['eval', '-c', 'suite.yaml', '--no-progress', '--label', 'candidate'], { cwd: project.directory, env });
  expect(second.code, second.stdout + second.stderr).toBe(1);

  viewer = startCli(['view', '--port', '0'], { cwd: project.directory });
  url = (await viewer.waitFor(/^Assay viewer on (http:\/\/127\.0\.0\.1:\d+) \(read-only; 2 run\(s\) in \.assay\/assay\.db\)$/m))[1]!;
  await viewer.waitFor(/Press Ctrl-C to stop\./);

  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  page = await (await browser.newContext({ viewport: { width: 1360, height: 900 } })).newPage();
  // A step that cannot happen fails with what it waited for, well before the test's own timeout.
  page.setDefaultTimeout(10_000);
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('request', (request) => {
    if (!request.url().startsWith(url)) pageErrors.push(`request to ${request.url()}`);
  });
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) visited.push(frame.url());
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  if (viewer && viewer.child.exitCode === null) viewer.child.kill('SIGKILL');
  await project?.[Symbol.asyncDispose]();
});

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });
}

describe('assay view in Chromium', () => {
  it('opens on the runs list, with no login and no registry, settings or logout', async () => {
    await page.goto(`${url}/`);
    await page.waitForURL(/\/p\/local\/runs$/);
    const rows = page.getByTestId('run-row');
    await expect.poll(() => rows.count()).toBe(2);
    const table = await page.getByTestId('runs-table').innerText();
    expect(table).toContain('baseline');
    expect(table).toContain('candidate');
    expect(await page.getByTestId('viewer-badge').innerText()).toMatch(/read-only viewer/i);
    expect(await page.getByTestId('viewer-source').innerText()).toBe('.assay/assay.db');
    for (const testId of ['logout-button', 'nav-prompts', 'nav-settings', 'nav-audit', 'project-switcher', 'login-submit']) {
      expect(await page.getByTestId(testId).count(), testId).toBe(0);
    }
    await shot('01-runs');

    // The login, setup and registry pages are not there: each goes to the runs.
    for (const target of ['/login', '/setup?token=x', '/p/local/prompts', '/p/local/settings', '/p/local/audit']) {
      await page.goto(`${url}${target}`);
      await page.waitForURL(/\/p\/local\/runs$/);
      await page.getByTestId('runs-table').waitFor();
      expect(await page.getByTestId('login-submit').count(), target).toBe(0);
    }
    expect(visited.filter((address) => /^\/(login|setup)$/.test(new URL(address).pathname))).toEqual([]);
  });

  it('opens a run and one of its cases', async () => {
    await page.goto(`${url}/p/local/runs`);
    await page.locator('[data-testid="run-row"]', { hasText: 'candidate' }).getByRole('link').click();
    await page.waitForURL(/\/p\/local\/runs\/[^/]+$/);
    const summary = await page.getByTestId('run-summary').innerText();
    expect(summary).toMatch(/Cases\s+3/i);
    expect(summary).toMatch(/Failed\s+2/i);
    await expect.poll(() => page.getByTestId('case-row').count()).toBe(3);
    await shot('02-run');

    await page.locator('[data-testid="case-row"][data-case-id="alice"]').click();
    const panel = page.getByTestId('case-panel');
    await panel.waitFor();
    expect(await page.getByTestId('case-output').innerText()).toContain('Say goodbye to Alice.');
    const assertion = page.getByTestId('assertion-row');
    expect(await assertion.count()).toBe(1);
    expect(await assertion.getAttribute('data-pass')).toBe('false');
    expect(await assertion.innerText()).toContain('icontains');
    await shot('03-case');
  });

  it('compares the two runs', async () => {
    await page.goto(`${url}/p/local/runs`);
    await expect.poll(() => page.getByTestId('run-select').count()).toBe(2);
    for (const box of await page.getByTestId('run-select').all()) await box.check();
    await page.getByTestId('compare-button').click();
    await page.waitForURL(/\/p\/local\/compare\?a=.+&b=.+/);
    await page.getByTestId('comparison-table').waitFor();
    expect(await page.getByTestId('comparison-row').count()).toBeGreaterThan(0);
    const flipped = await page.getByTestId('flipped-cell').innerText();
    // Candidate (newer) against baseline: alice and bob went from pass to fail, carol the other way.
    for (const id of ['alice', 'bob', 'carol']) expect(flipped).toContain(id);
    await shot('04-compare');
  });

  it('refuses every write, from the page and from outside, and changes nothing', async () => {
    const fromPage = await page.evaluate(async () => {
      const statuses: number[] = [];
      for (const [method, path] of [['POST', '/api/runs'], ['POST', '/api/projects/local/runs'], ['PUT', '/api/projects/local/settings'], ['DELETE', '/api/runs/x'], ['POST', '/api/login']]) {
        statuses.push((await fetch(path, { method, headers: { 'content-type': 'application/json' }, body: method === 'DELETE' ? undefined : '{}' })).status);
      }
      return statuses;
    });
    expect(fromPage).toEqual([405, 405, 405, 405, 405]);
    const refused = await fetch(`${url}/api/runs/anything/finish`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"status":"completed"}' });
    expect(refused.status).toBe(405);
    expect(refused.headers.get('allow')).toBe('GET, HEAD');
    expect((await refused.json()).detail).toContain('read-only');
    // Reads work without any credential; the registry does not exist here.
    expect((await (await fetch(`${url}/api/runs`)).json()).total).toBe(2);
    expect((await fetch(`${url}/api/projects/local/prompts`)).status).toBe(404);
    expect(pageErrors).toEqual([]);
  });

  it('answers only requests addressed to a loopback name (no DNS rebinding)', async () => {
    const status = (host: string) =>
      new Promise<number>((resolve, reject) => {
        const { hostname, port } = new URL(url);
        http.get({ hostname, port, path: '/api/runs', headers: { host } }, (response) => {
          response.resume();
          resolve(response.statusCode!);
        }).on('error', reject);
      });
    const { port } = new URL(url);
    expect(await status('attacker.example')).toBe(403);
    expect(await status(`127.0.0.1.attacker.example:${port}`)).toBe(403);
    expect(await status(`localhost:${port}`)).toBe(200);
  });

  it('stops on Ctrl-C with exit 0', async () => {
    viewer.child.kill('SIGINT');
    expect(await viewer.exited).toEqual([0, null]);
  });
});

describe('assay view options', () => {
  it('refuses a non-loopback address with exit 2 and says what to use instead', async () => {
    await using empty = makeProject({});
    const result = await runCli(['view', '--host', '0.0.0.0'], { cwd: empty.directory });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('assay view listens on this machine only (127.0.0.1, ::1 or localhost), not on 0.0.0.0');
    expect(result.stderr).toContain('assay serve');
    expect(existsSync(path.join(empty.directory, '.assay'))).toBe(false);
  });

  it('--open opens the runs page in the browser', async () => {
    await using empty = makeProject({});
    // The edge: xdg-open (as `open` runs it) starts $BROWSER with the address; this one writes it down.
    const opened = path.join(empty.directory, 'opened.txt');
    const browserScript = path.join(empty.directory, 'browser.sh');
    writeFileSync(browserScript, `#!/bin/sh\nprintf '%s' "$1" > '${opened}'\n`);
    chmodSync(browserScript, 0o755);
    const running = startCli(['view', '--port', '0', '--open'], {
      cwd: empty.directory,
      env: { BROWSER: browserScript, DISPLAY: undefined, WAYLAND_DISPLAY: undefined, XDG_CURRENT_DESKTOP: undefined, DESKTOP_SESSION: undefined },
    });
    try {
      const runsUrl = (await running.waitFor(/^ {2}Runs: (\S+)$/m))[1]!;
      // Poll for the file the browser writes (the condition is the synchronisation; this only paces it).
      while (!existsSync(opened) || readFileSync(opened, 'utf8') === '') await new Promise((resolve) => setTimeout(resolve, 25));
      expect(readFileSync(opened, 'utf8')).toBe(runsUrl);
      expect(runsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/p\/local\/runs$/);
    } finally {
      running.child.kill('SIGTERM');
      expect(await running.exited).toEqual([0, null]);
    }
  });

  it('moves to a free port when the one asked for is taken, and says so', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as net.AddressInfo).port;
    await using empty = makeProject({});
    const running = startCli(['view', '--port', String(taken)], { cwd: empty.directory });
    try {
      const chosen = Number((await running.waitFor(/^Assay viewer on http:\/\/127\.0\.0\.1:(\d+) \(read-only; 0 run\(s\)/m))[1]);
      expect(chosen).not.toBe(taken);
      expect(running.stderr()).toContain(`Port ${taken} is in use; using ${chosen}.`);
      expect(running.stdout()).toContain('No runs here yet: run `assay eval` in this folder');
      expect((await (await fetch(`http://127.0.0.1:${chosen}/api/runs`)).json())).toEqual({ items: [], total: 0 });
      // The page of a folder without runs says how to make one here, not how to upload.
      await page.goto(`http://127.0.0.1:${chosen}/`);
      await page.getByTestId('viewer-no-runs').waitFor();
      const empty = await page.getByTestId('viewer-no-runs').innerText();
      expect(empty).toContain('Run assay eval in this folder');
      expect(empty).not.toContain('upload');
      await shot('05-no-runs');
      running.child.kill('SIGTERM');
      expect(await running.exited).toEqual([0, null]);
    } finally {
      blocker.close();
    }
  });
});
