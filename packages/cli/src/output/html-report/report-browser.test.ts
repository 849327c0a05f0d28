import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeRun } from '../fake-run.ts';
import { writeOutputFile } from '../write-output.ts';
import { hostileOutput, reportFixture } from './report-fixture.ts';

/**
 * Opens generated reports in a real browser: no network requests, no console errors, charts
 * drawn, the case table and case view working. Uses the system's Chromium (never downloads one)
 * and saves screenshots to test-artifacts/html-report/ for a person to look at.
 */
const chromiumPath = '/usr/bin/chromium';
const artifacts = fileURLToPath(new URL('../../../../../test-artifacts/html-report/', import.meta.url));

let browser: Browser;
let directory: string;

beforeAll(async () => {
  if (!existsSync(chromiumPath)) {
    // Fail, never skip: a report nobody rendered is a report nobody checked.
    throw new Error(`The HTML report tests need Chromium at ${chromiumPath}. Install it with \`apt-get install chromium\` (Debian/Ubuntu); playwright-core drives it and never downloads a browser.`);
  }
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  directory = await mkdtemp(join(tmpdir(), 'assay-html-report-browser-'));
  await mkdir(artifacts, { recursive: true });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  if (directory) await rm(directory, { recursive: true, force: true });
});

interface OpenedReport {
  context: BrowserContext;
  page: Page;
  /** Every request for anything but the report file itself. */
  requests: string[];
  /** Console errors and uncaught page errors. */
  errors: string[];
}

async function openReport(file: string, viewport = { width: 1440, height: 900 }): Promise<OpenedReport> {
  const context = await browser.newContext({ viewport, javaScriptEnabled: true });
  const requests: string[] = [];
  const errors: string[] = [];
  const reportUrl = pathToFileURL(file).href;
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url === reportUrl) return route.continue();
    requests.push(url);
    return route.abort();
  });
  const page = await context.newPage();
  page.on('request', (request) => {
    if (request.url() !== reportUrl && !requests.includes(request.url())) requests.push(request.url());
  });
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(reportUrl);
  await page.waitForSelector('html[data-report-ready]', { timeout: 60_000 });
  return { context, page, requests, errors };
}

/** Share of a canvas's pixels that are drawn (not transparent), and whether Chart.js owns it. */
function canvasInk(page: Page, id: string) {
  return page.evaluate((canvasId) => {
    const canvas = document.getElementById(canvasId) as HTMLCanvasElement | null;
    if (!canvas) return { exists: false, chart: false, ink: 0 };
    const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let drawn = 0;
    for (let index = 3; index < pixels.length; index += 4) if (pixels[index]! > 0) drawn += 1;
    const chart = (window as unknown as { Chart: { getChart(canvas: HTMLCanvasElement): unknown } }).Chart.getChart(canvas);
    return { exists: true, chart: chart !== undefined, ink: drawn / (pixels.length / 4) };
  }, id);
}

const shot = (name: string) => join(artifacts, name);

describe('the HTML report in Chromium', () => {
  it('renders a realistic run offline: verdict, charts, cases, case view and flipped filter', async () => {
    const run = reportFixture();
    const file = join(directory, 'report.html');
    await writeOutputFile(file, run);
    const { context, page, requests, errors } = await openReport(file);
    try {
      await page.screenshot({ path: shot('report-top.png') });
      await page.screenshot({ path: shot('report-full.png'), fullPage: true });
      for (const section of ['overview', 'matrix', 'cost', 'metrics', 'comparison']) {
        await page.locator(`#${section}`).screenshot({ path: shot(`section-${section}.png`) });
      }
      await page.locator('.verdict').screenshot({ path: shot('section-verdict.png') });

      // The charts are drawn by Chart.js and are not blank.
      for (const id of ['pass-rate-chart', 'cost-chart', 'comparison-chart']) {
        const ink = await canvasInk(page, id);
        expect(ink, id).toMatchObject({ exists: true, chart: true });
        expect(ink.ink, `${id} has drawn pixels`).toBeGreaterThan(0.01);
      }

      const text = await page.evaluate(() => document.body.innerText);
      expect(text).not.toMatch(/NaN|undefined|\[object Object\]/);
      expect(text).toContain('✗ Failed');
      expect(text).toContain('uncalibrated judge');
      // The cell without cases says so, in the matrix and the chart's notes.
      await expect.poll(() => page.locator('table.matrix tr.empty').innerText()).toContain('no cases');
      expect(text).toContain('Not plotted, no known price: support-v2 × echo');

      // The hostile output is shown as text and never ran.
      expect(await page.evaluate(() => (window as unknown as { __assayInjected?: number }).__assayInjected)).toBeUndefined();
      expect(await page.locator('img').count()).toBe(0);
      await page.fill('#filter-search', 'assayInjected');
      await expect.poll(() => page.locator('#case-count').innerText()).toMatch(/^3 of 360 case\(s\) match/);
      await page.locator('#case-table tbody tr').first().click();
      await expect.poll(() => page.locator('.case-view pre.text-block').first().innerText()).toBe(hostileOutput);
      expect(await page.locator('img').count()).toBe(0);
      await page.keyboard.press('Escape');
      await expect.poll(() => page.locator('#case-view').isHidden()).toBe(true);

      // A failed case: the drill-down shows each assertion's reason and the judge's reasoning.
      await page.click('#case-filters button[type="reset"]');
      await page.selectOption('#filter-status', 'fail');
      await page.selectOption('#filter-cell', { label: 'support-v2 × openai:gpt-4o-mini (120)' });
      await page.locator('#case-table tbody tr').first().click();
      const view = page.locator('.case-view');
      await expect.poll(() => view.innerText()).toContain('Rubric not satisfied: does not resolve the customer question');
      const viewText = await view.innerText();
      expect(viewText).toContain('JUDGE · OPENAI:GPT-4O');
      expect(viewText).toContain('deflects to support');
      expect(viewText).toContain('support-v2 × openai:gpt-4o-mini');
      expect(viewText).toMatch(/SYSTEM\s+You are a support agent/);
      expect(viewText).toMatch(/customer_tier\s+(enterprise|free)/);
      await page.screenshot({ path: shot('case-view-failed.png') });
      await page.keyboard.press('ArrowRight');
      await expect.poll(() => view.innerText()).toMatch(/^[\s\S]*2 of \d+/);
      await page.keyboard.press('Escape');

      // The long output is cut, and the case view says so.
      await page.click('#case-filters button[type="reset"]');
      await page.fill('#filter-search', 'jack a dull boy');
      await expect.poll(() => page.locator('#case-count').innerText()).toMatch(/^1 of 360/);
      await page.locator('#case-table tbody tr').first().click();
      await expect.poll(() => view.innerText()).toMatch(/Output cut to 7,999 of [\d,]+ characters/);
      await page.keyboard.press('Escape');

      // Flipped cases: the filter, and the comparison's chips that set it.
      await page.click('#case-filters button[type="reset"]');
      await page.selectOption('#filter-flip', 'to-fail');
      const toFail = run.comparison!.cells.filter((row) => row.metric === 'pass').reduce((sum, row) => sum + row.flippedToFail.length, 0) * 3;
      await expect.poll(() => page.locator('#case-count').innerText()).toMatch(new RegExp(`^${toFail} of 360 case\\(s\\) match`));
      const rowClasses = await page.locator('#case-table tbody tr').evaluateAll((rows) => rows.map((row) => row.className));
      expect(rowClasses.length).toBeGreaterThan(0);
      expect(rowClasses.every((name) => name === 'flip-to-fail')).toBe(true);
      await page.locator('#cases').screenshot({ path: shot('cases-flipped-to-fail.png') });

      const chip = page.locator('#comparison button[data-filter-flip="to-pass"]').first();
      const chipCell = await chip.getAttribute('data-filter-cell');
      await chip.click();
      expect(await page.inputValue('#filter-flip')).toBe('to-pass');
      const selectedCell = await page.locator('#filter-cell option:checked').innerText();
      expect(selectedCell.startsWith(chipCell!)).toBe(true);
      const flippedRows = await page.locator('#case-table tbody tr').evaluateAll((rows) => rows.map((row) => row.className));
      expect(flippedRows.every((name) => name === 'flip-to-pass')).toBe(true);

      // Paging through all cases.
      await page.click('#case-filters button[type="reset"]');
      await expect.poll(() => page.locator('#case-count').innerText()).toBe('360 case(s); showing 1–50');
      await page.click('#case-pager button[data-page="next"]');
      await expect.poll(() => page.locator('#case-count').innerText()).toBe('360 case(s); showing 51–100');
      expect(await page.locator('#case-pager .page-number').innerText()).toBe('Page 2 of 8');
      await page.locator('#cases').screenshot({ path: shot('cases-page-2.png') });

      // Printing keeps the charts and drops the controls.
      await page.emulateMedia({ media: 'print' });
      expect(await page.locator('#case-filters').isVisible()).toBe(false);
      await page.screenshot({ path: shot('report-print.png'), fullPage: true });
      await page.emulateMedia({ media: 'screen' });

      expect(requests).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);

  it('opens a 20,000-case report and pages through it', async () => {
    const run = fakeRun({ providers: ['openai:gpt-4o-mini', 'anthropic:claude-haiku', 'mock:echo', 'openai:gpt-4.1'], casesPerCell: 5_000, output: (index) => `Answer ${index}: ${'lorem ipsum '.repeat(30)}` });
    const file = join(directory, 'large.html');
    await writeOutputFile(file, run);
    const { context, page, requests, errors } = await openReport(file, { width: 1440, height: 1000 });
    try {
      await expect.poll(() => page.locator('#case-count').innerText()).toBe('20,000 case(s); showing 1–50');
      await page.click('#case-pager button[aria-label="Last page"]');
      await expect.poll(() => page.locator('#case-count').innerText()).toBe('20,000 case(s); showing 19,951–20,000');
      expect(await page.locator('#case-pager .page-number').innerText()).toBe('Page 400 of 400');
      await page.click('#case-pager button[data-page="previous"]');
      await expect.poll(() => page.locator('#case-pager .page-number').innerText()).toBe('Page 399 of 400');
      await page.fill('#filter-search', 'answer 19999:');
      await expect.poll(() => page.locator('#case-count').innerText()).toBe('1 of 20,000 case(s) match; showing 1–1');
      await page.click('#case-filters button[type="reset"]');
      await page.selectOption('#filter-status', 'error');
      await expect.poll(() => page.locator('#case-count').innerText()).toMatch(/^200 of 20,000 case\(s\) match/);
      await page.locator('#case-table tbody tr').first().click();
      await expect.poll(() => page.locator('.case-view').innerText()).toContain('HTTP 429: rate limited after 3 retries');
      await page.screenshot({ path: shot('large-case-view.png') });
      await page.keyboard.press('Escape');
      const ink = await canvasInk(page, 'pass-rate-chart');
      expect(ink.ink).toBeGreaterThan(0.01);
      await page.locator('#cases').screenshot({ path: shot('large-cases.png') });
      expect(requests).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 180_000);
});
