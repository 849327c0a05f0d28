import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@assay/spec';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeResult, fakeRun } from './fake-run.ts';
import { escapeXmlAttribute, escapeXmlText, writeOutputFile } from './write-output.ts';

let directory: string;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'assay-output-test-'));
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

const tricky = 'He said "hi", then\nleft; <b>&</b> \x1b[31mred\x1b[0m \x00 end';

describe('writeOutputFile', () => {
  it('writes JSON with the summary cells and every result', async () => {
    const file = join(directory, 'results.json');
    await writeOutputFile(file, fakeRun());
    const parsed = JSON.parse(await readFile(file, 'utf8'));
    expect(parsed.runId).toBe('run_test');
    expect(parsed.status).toBe('completed');
    expect(parsed.createdAt).toBe('2025-01-01T00:00:00.000Z');
    expect(parsed.summary.total).toBe(150);
    expect(parsed.summary.cells).toHaveLength(3);
    expect(Object.keys(parsed.summary.cells[0])).toEqual([
      'prompt', 'provider', 'n', 'passed', 'passRate', 'ci95', 'meanScore', 'scoreCi95', 'errors', 'cost', 'costPerCase', 'costPerPass', 'tokens', 'meanLatencyMs',
    ]);
    expect(parsed.summary.cells[0]).toMatchObject({ prompt: 'v1', provider: 'openai:gpt-4o-mini', n: 50, passed: 40, passRate: 0.8, ci95: [0.667, 0.885] });
    expect(parsed.results).toHaveLength(150);
    expect(parsed.results[4].caseId).toBe('case-1');
  });

  it('writes valid JSON for a run without results', async () => {
    const file = join(directory, 'empty.json');
    const run = fakeRun({ casesPerCell: 0 });
    await writeOutputFile(file, run);
    expect(JSON.parse(await readFile(file, 'utf8')).results).toEqual([]);
  });

  it('streams a 20,000-result run to JSON', async () => {
    const file = join(directory, 'large.json');
    const run = fakeRun({ providers: ['a', 'b', 'c', 'd'], casesPerCell: 5_000, output: (index) => `output ${index} `.repeat(20) });
    await writeOutputFile(file, run);
    expect((await stat(file)).size).toBeGreaterThan(20_000 * 300);
    const parsed = JSON.parse(await readFile(file, 'utf8'));
    expect(parsed.results).toHaveLength(20_000);
    expect(parsed.summary.cells.map((cell: { n: number }) => cell.n)).toEqual([5_000, 5_000, 5_000, 5_000]);
  });

  it('writes JSON Lines: a run line, then one line per result', async () => {
    const file = join(directory, 'results.jsonl');
    await writeOutputFile(file, fakeRun());
    const lines = (await readFile(file, 'utf8')).trimEnd().split('\n');
    expect(lines).toHaveLength(151);
    const header = JSON.parse(lines[0]!);
    expect(header).toMatchObject({ type: 'run', runId: 'run_test', status: 'completed' });
    expect(header.summary.cells[2].ci95).toEqual([0.667, 0.885]);
    const result = JSON.parse(lines[1]!);
    expect(result).toMatchObject({ type: 'result', caseId: 'case-0', promptId: 'v1' });
    expect(result.usage.totalTokens).toBe(20);
  });

  it('writes CSV that round-trips quotes, commas and newlines', async () => {
    const file = join(directory, 'results.csv');
    const run = fakeRun({ output: (index) => (index === 0 ? tricky : `plain ${index}`) });
    await writeOutputFile(file, run);
    const rows: Record<string, string>[] = parse(await readFile(file, 'utf8'), { columns: true });
    expect(rows).toHaveLength(150);
    expect(rows[0]!.output).toBe(tricky);
    expect(rows[0]).toMatchObject({ runId: 'run_test', prompt: 'v1', provider: 'openai:gpt-4o-mini', caseId: 'case-0', repeat: '0', pass: 'true', cost: '0.00042' });
    const failed = rows.find((row) => row.caseId === 'case-4' && row.provider === 'mock:echo')!;
    expect(failed.pass).toBe('false');
    expect(failed.failedAssertions).toBe('expected output to contain "Paris"');
    const errored = rows.find((row) => row.error !== '')!;
    expect(errored.error).toBe('HTTP 429: rate limited after 3 retries');
  });

  it('truncates CSV output to 10,000 characters', async () => {
    const file = join(directory, 'long.csv');
    const run = fakeRun({ casesPerCell: 1, providers: ['p'], output: () => 'x'.repeat(25_000) });
    await writeOutputFile(file, run);
    const rows: Record<string, string>[] = parse(await readFile(file, 'utf8'), { columns: true });
    expect(rows[0]!.output.length).toBe(10_000);
    expect(rows[0]!.output.endsWith('…')).toBe(true);
  });

  it('writes well-formed JUnit XML grouped by cell', async () => {
    const file = join(directory, 'results.xml');
    const run = fakeRun({ output: (index) => (index % 3 === 0 ? tricky : `plain ${index}`) });
    await writeOutputFile(file, run);
    const xml = await readFile(file, 'utf8');

    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ')).toBe(true);
    expect(xml.trimEnd().endsWith('</testsuites>')).toBe(true);
    expect(xml.match(/<testsuite /g)).toHaveLength(3);
    expect(xml.match(/<\/testsuite>/g)).toHaveLength(3);
    expect(xml.match(/<testcase /g)).toHaveLength(150);
    // Per cell: 10 of 50 fail; the first provider has 2 errors, which replace 2 failures there.
    expect(xml).toContain('<testsuite name="v1 × openai:gpt-4o-mini" tests="50" failures="8" errors="2" time="21.000">');
    expect(xml).toContain('<testsuite name="v1 × mock:echo" tests="50" failures="10" errors="0"');
    expect(xml).toContain('<property name="n" value="50"/>');
    expect(xml).toContain('<property name="ci95Low" value="0.667"/>');
    expect(xml).toContain('<property name="ci95High" value="0.885"/>');
    expect(xml).toContain('<property name="passRate" value="0.8"/>');
    expect(xml.match(/<failure message="expected output to contain &quot;Paris&quot;"/g)).toHaveLength(28);
    expect(xml.match(/<error message="HTTP 429/g)).toHaveLength(2);

    // Every testcase sits in the suite of its own cell.
    for (const suite of xml.split('<testsuite ').slice(1)) {
      const name = /^name="([^"]+)"/.exec(suite)![1];
      const classnames = new Set([...suite.matchAll(/<testcase classname="([^"]+)"/g)].map((match) => match[1]));
      expect([...classnames]).toEqual([name]);
    }

    // Escaping: no raw control characters, no stray markup from the output.
    expect(xml).not.toMatch(/[\x00-\x08\x0b\x0c\x0e-\x1f]/);
    expect(xml).not.toContain('<b>');
    expect(xml).toContain('&lt;b&gt;&amp;&lt;/b&gt; \\u001b[31mred');
    // Only known tags remain once text is stripped of escapes.
    const tags = new Set([...xml.matchAll(/<\/?([a-z?]+)/g)].map((match) => match[1]));
    expect([...tags].sort()).toEqual(['?xml', 'error', 'failure', 'properties', 'property', 'testcase', 'testsuite', 'testsuites']);
  });

  it('rejects an unknown extension with a ConfigError', async () => {
    const error = await writeOutputFile(join(directory, 'results.txt'), fakeRun()).catch((caught: unknown) => caught);
    expect(ConfigError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ hint: 'use .json, .jsonl, .csv, .xml or .html', docs: 'output-formats.md' });
    await expect(stat(join(directory, 'results.txt'))).rejects.toThrow();
  });

  it('passes the results iterator error through', async () => {
    const run = {
      ...fakeRun(),
      results: async function* () {
        yield fakeResult();
        throw new Error('store closed');
      },
    };
    await expect(writeOutputFile(join(directory, 'broken.xml'), run)).rejects.toThrow('store closed');
  });
});

describe('XML escaping', () => {
  it('escapes markup and replaces characters XML 1.0 forbids', () => {
    expect(escapeXmlText('a<b>&c "d"\n\x07\uFFFE\uD800 😀')).toBe('a&lt;b&gt;&amp;c "d"\n\\u0007\\ufffe\\ud800 😀');
    expect(escapeXmlAttribute('"x"\t\'y\'\n')).toBe('&quot;x&quot;&#9;&apos;y&apos;&#10;');
  });
});
