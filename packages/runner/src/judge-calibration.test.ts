import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, it } from 'vitest';
import { createProviderRegistry } from '@assay/providers';
import { startMockServer } from '@assay/providers/mock-server';
import { loadSuite } from './config/load-suite.ts';
import { calibrateJudge } from './judge-calibration.ts';

type MockServer = Awaited<ReturnType<typeof startMockServer>>;

// The judge model is the real mock server: it passes outputs that say GOOD, fails the rest, and
// answers nonsense about GARBLED ones.
let server: MockServer;
beforeAll(async () => {
  server = await startMockServer({
    mode: 'rules',
    rules: [
      { match: { contains: 'GARBLED' }, response: { content: 'I cannot decide.' } },
      { match: { contains: '<reference>\nParis is the capital (Paris)\n</reference>' }, response: { content: '{"reasoning": "Same facts.", "category": "C"}' } },
      { match: { contains: 'GOOD' }, response: { content: '{"reasoning": "Looks right.", "pass": true, "score": 1}' } },
      { response: { content: '{"reasoning": "Looks wrong.", "pass": false, "score": 0}' } },
    ],
  });
});
afterAll(async () => {
  await server.close();
});

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(path.join(tmpdir(), 'assay-calibrate-'));
});
afterEach(() => rmSync(directory, { recursive: true, force: true }));

const write = (files: Record<string, string>) => {
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(directory, name)), { recursive: true });
    writeFileSync(path.join(directory, name), content);
  }
};
const registry = () => createProviderRegistry({ cwd: directory, cache: false, timeoutMs: 10_000, retries: 0, env: { OPENAI_BASE_URL: `${server.url}/v1`, OPENAI_API_KEY: 'test' } });
const row = (id: string, output: string, label: unknown, extra: Record<string, unknown> = {}) => JSON.stringify({ id, output, label, ...extra });
const judgeYaml = 'type: llm-rubric\nvalue: The answer is right\nprovider: openai:gpt-4o-mini\n';

describe('calibrateJudge', () => {
  it('measures the judge against the labels and writes a calibration that suites pick up', async () => {
    const rows = [
      ...[1, 2, 3, 4].map((index) => row(`p${index}`, `GOOD answer ${index}`, true)),
      row('p5', 'BAD answer 5', 'pass', { note: 'the judge misses this one' }),
      ...[6, 7, 8, 9].map((index) => row(`f${index}`, `BAD answer ${index}`, index % 2 ? 'fail' : false)),
      row('f10', 'GOOD answer 10', 'no'),
      row('g11', 'GARBLED answer', true),
    ];
    write({ 'judges/right.yaml': judgeYaml, 'labels/right.jsonl': `${rows.join('\n')}\n` });
    const report = await calibrateJudge({
      judgeFile: path.join(directory, 'judges/right.yaml'),
      labelsFile: path.join(directory, 'labels/right.jsonl'),
      providers: registry(),
      now: () => new Date('2025-03-04T05:06:07Z'),
    });
    const { calibration } = report;
    expect(calibration).toMatchObject({
      version: 1,
      judge: 'right.yaml',
      labelsFile: '../labels/right.jsonl',
      createdAt: '2025-03-04T05:06:07.000Z',
      rows: 11,
      evaluated: 10,
      unevaluable: 1,
      positives: 5,
      negatives: 5,
      counts: { truePositives: 4, falseNegatives: 1, falsePositives: 1, trueNegatives: 4 },
      accuracy: { n: 10, estimate: 0.8 },
      sensitivity: { n: 5, estimate: 0.8 },
      specificity: { n: 5, estimate: 0.8 },
    });
    expect(calibration.kappa.estimate).toBeCloseTo(0.6, 12);
    expect(report.disagreements.map((item) => [item.id, item.human, item.judge])).toEqual([
      ['p5', true, false],
      ['f10', false, true],
    ]);
    expect(report.disagreements[0]).toMatchObject({ source: expect.stringMatching(/right\.jsonl:5$/), note: 'the judge misses this one', reason: expect.stringContaining('Looks wrong.') });
    expect(report.unevaluated).toEqual([expect.objectContaining({ id: 'g11', judge: null, reason: 'right: Judge reply is not the expected JSON: "I cannot decide."' })]);
    expect(report.warnings).toEqual(['1 of 11 rows could not be judged and are left out of every rate']);

    const written = path.join(directory, 'judges/right.calibration.json');
    expect(JSON.parse(readFileSync(written, 'utf8'))).toEqual(calibration);
    write({ 'suite.yaml': 'prompts:\n  - id: p\n    template: hi\nproviders: [echo]\ntests:\n  - assert:\n      - type: judge\n        value: judges/right.yaml\n' });
    const suite = await loadSuite(path.join(directory, 'suite.yaml'));
    expect(suite.judges.right!.calibration).toEqual({ sensitivity: 0.8, specificity: 0.8, positives: 5, negatives: 5, labelsFile: '../labels/right.jsonl', createdAt: '2025-03-04T05:06:07.000Z' });
  });

  it('renders the judge value with each row’s vars and reference', async () => {
    write({
      'factual.yaml': 'type: factuality\nvalue: "{{reference}} ({{city}})"\nprovider: openai:gpt-4o-mini\n',
      'labels.jsonl': `${row('a', 'GOOD: Paris', true, { reference: 'Paris is the capital', vars: { city: 'Paris' } })}\n`,
    });
    const report = await calibrateJudge({ judgeFile: path.join(directory, 'factual.yaml'), labelsFile: path.join(directory, 'labels.jsonl'), providers: registry(), write: false });
    // The mock answers category C only when the reference was rendered from the row.
    expect(report.calibration.counts).toEqual({ truePositives: 1, falseNegatives: 0, falsePositives: 0, trueNegatives: 0 });
    expect(report.warnings).toEqual([expect.stringMatching(/^Every evaluated row is labelled pass, so specificity cannot be measured/)]);
  });

  it('reports bad label rows with file, line, field and a fix', async () => {
    const run = (labels: string, judge = judgeYaml) => {
      write({ 'judge.yaml': judge, 'labels.jsonl': labels });
      return calibrateJudge({ judgeFile: path.join(directory, 'judge.yaml'), labelsFile: path.join(directory, 'labels.jsonl'), providers: registry(), write: false });
    };
    await expect(run(`${row('a', 'x', true)}\n${row('b', 'y', 'maybe')}\n`)).rejects.toMatchObject({
      line: 2,
      field: 'label',
      message: 'Invalid labels row: label must be true/false or "pass"/"fail" (got "maybe")',
      hint: expect.stringContaining('{"id": "case-1"'),
    });
    await expect(run(`{"id": "a", "label": true}\n`)).rejects.toMatchObject({ line: 1, field: 'output', message: 'Invalid labels row: Missing field "output"' });
    await expect(run(`{"id": "a", "response": "x", "human": "pass", "score": 3}\n`)).rejects.toMatchObject({ line: 1, field: 'score', message: 'Invalid labels row: Unknown field "score"' });
    await expect(run(`{"id": "a", "output": "x", "response": "y", "label": true}\n`)).rejects.toMatchObject({ message: 'Both "output" and "response" are set' });
    await expect(run(`${row('a', 'x', true)}\n\n${row('a', 'y', false)}\n`)).rejects.toMatchObject({ line: 3, field: 'id', message: 'Duplicate id "a" (also on line 1)' });
    await expect(run('{"id": "a", "output": "x", "label": true\n')).rejects.toMatchObject({ line: 1, message: expect.stringMatching(/^Invalid JSON/) });
    await expect(run('')).rejects.toThrow(/has no rows/);
    await expect(run(`${row('a', 'x', true)}\n`, 'type: factuality\nvalue: "{{answer}}"\nprovider: openai:gpt-4o-mini\n')).rejects.toMatchObject({
      line: 1,
      field: 'vars.answer',
      message: expect.stringContaining('Row "a" has no value for {{answer}}'),
    });
    await expect(run(`${row('a', 'x', true)}\n`, 'type: llm-rubric\nvalue: Right\n')).rejects.toMatchObject({ field: 'provider', message: expect.stringContaining('names no provider') });
    expect(existsSync(path.join(directory, 'judge.calibration.json'))).toBe(false);
  });

  it('stops on a fatal provider error instead of writing a calibration', async () => {
    write({ 'judge.yaml': judgeYaml, 'labels.jsonl': `${row('a', 'GOOD', true)}\n${row('b', 'BAD', false)}\n` });
    const replayMissing = createProviderRegistry({ cwd: directory, cache: false, cassette: { path: 'empty.jsonl', mode: 'replay' }, timeoutMs: 1000, retries: 0 });
    write({ 'empty.jsonl': '' });
    await expect(calibrateJudge({ judgeFile: path.join(directory, 'judge.yaml'), labelsFile: path.join(directory, 'labels.jsonl'), providers: replayMissing })).rejects.toThrow(/cassette/i);
    expect(existsSync(path.join(directory, 'judge.calibration.json'))).toBe(false);
  });
});
