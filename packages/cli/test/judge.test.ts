import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockServer } from '@assay/providers/mock-server';
import { makeProject, runCli, simplePrompt } from './cli-harness.ts';

type MockServer = Awaited<ReturnType<typeof startMockServer>>;

// One local mock server plays both the model under test and every judge: rules tell the judge
// prompts apart by their data blocks and script each judge's verdict.
let server: MockServer;
beforeAll(async () => {
  server = await startMockServer({
    mode: 'rules',
    rules: [
      // pairwise: the output wins when shown as A, and again when shown as B.
      { match: { regex: '<response_a>\\nHello Ada,' }, response: { content: '{"reasoning": "Warmer greeting.", "winner": "A"}' } },
      { match: { contains: '<response_b>' }, response: { content: '{"reasoning": "Warmer greeting.", "winner": "B"}' } },
      { match: { contains: '<reference>' }, response: { content: '```json\n{"reasoning": "Same facts.", "category": "C"}\n```' } },
      { match: { contains: 'how well a response answers a question' }, response: { content: '{"reasoning": "Direct.", "score": 4}' } },
      { match: { contains: '<criteria>' }, response: { content: '{"greeting": {"reasoning": "Greets.", "score": 5}, "brevity": {"reasoning": "Wordy.", "score": 2}}' } },
      // llm-rubric judge files: BAD outputs fail, the rest pass; GARBLED gets no verdict.
      { match: { regex: '<output>\\n[^<]*GARBLED' }, response: { content: 'hmm' } },
      { match: { regex: '<output>\\n[^<]*BAD' }, response: { content: '{"reasoning": "Unhelpful.", "pass": false, "score": 0}' } },
      { match: { contains: '<rubric>' }, response: { content: '{"reasoning": "Helpful.", "pass": true, "score": 1}' } },
      { response: { content: 'Hello Ada, nice to meet you!' } },
    ],
  });
});
afterAll(async () => {
  await server.close();
});

const env = () => ({ OPENAI_BASE_URL: `${server.url}/v1`, OPENAI_API_KEY: 'test' });
const helpfulJudge = 'type: llm-rubric\nvalue: The reply helps the user\nprovider: openai:gpt-4o-mini\n';
const suite = `prompts:
  - prompts/hello.prompt
providers:
  - openai:gpt-4o-mini
tests:
  - vars: { name: Ada, reference: "Hello Ada." }
    assert:
      - type: pairwise
        value: "{{reference}}"
      - type: factuality
        value: "{{reference}}"
      - type: answer-relevance
      - type: rubric-criteria
        value:
          criteria: { greeting: Greets the person by name, brevity: One short sentence }
          weights: { greeting: 3 }
      - type: judge
        value: judges/helpful.yaml
options:
  grader: openai:gpt-4o-mini
`;

describe('model-graded assertions end to end', () => {
  it('assay eval runs every judge type against the mock server and stores each judge record', async () => {
    await using project = makeProject({ 'prompts/hello.prompt': simplePrompt, 'suite.yaml': suite, 'judges/helpful.yaml': helpfulJudge });
    const result = await runCli(['eval', '-c', 'suite.yaml', '--no-progress', '--no-cache', '-o', 'r.json'], { cwd: project.directory, env: env() });
    expect(result.stderr).not.toContain('Error');
    expect(result.code).toBe(0);
    const output = JSON.parse(readFileSync(path.join(project.directory, 'r.json'), 'utf8'));
    const [pairwise, factuality, relevance, criteria, judge] = output.results[0].assertions;
    expect(pairwise).toMatchObject({ type: 'pairwise', pass: true, score: 1 });
    expect(pairwise.judge.calls).toHaveLength(2);
    expect(pairwise.judge.calls[1].prompt).toContain('<response_a>\nHello Ada.\n</response_a>');
    expect(factuality).toMatchObject({ type: 'factuality', pass: true, score: 1, judge: { reasoning: 'Same facts.' } });
    expect(relevance).toMatchObject({ type: 'answer-relevance', pass: true, score: 0.75 });
    // (3 × 1 + 1 × 0.25) / 4
    expect(criteria).toMatchObject({ type: 'rubric-criteria', pass: true, score: 0.8125, judge: { criteria: { greeting: { score: 1 }, brevity: { score: 0.25 } } } });
    expect(judge).toMatchObject({ type: 'judge', pass: true, metric: 'helpful', judge: { file: 'judges/helpful.yaml' } });
    const metric = output.summary.metrics.find((item: { metric: string }) => item.metric === 'helpful');
    expect(metric.judge).toEqual({ file: 'judges/helpful.yaml', calibrated: false });
  });

  it('assay judge calibrate measures a judge file; assay eval then reports corrected rates', async () => {
    const labels = [
      ...[1, 2, 3, 4, 5, 6].map((index) => ({ id: `ok${index}`, output: `Here is how to reset it, step ${index}.`, label: 'pass' })),
      { id: 'miss', output: 'BAD but fine', label: 'pass', note: 'humans liked it' },
      ...[1, 2, 3, 4].map((index) => ({ id: `bad${index}`, output: `BAD reply ${index}`, label: 'fail' })),
      { id: 'lenient', response: 'Looks helpful, is not', human: false },
      { id: 'garbled', output: 'GARBLED', label: true },
    ];
    await using project = makeProject({
      'prompts/hello.prompt': simplePrompt,
      'suite.yaml': suite,
      'judges/helpful.yaml': helpfulJudge,
      'labels.jsonl': `${labels.map((row) => JSON.stringify(row)).join('\n')}\n`,
    });
    const calibrate = await runCli(['judge', 'calibrate', 'judges/helpful.yaml', '--labels', 'labels.jsonl', '--no-cache'], { cwd: project.directory, env: env() });
    expect(calibrate.stderr).toContain('1 of 13 rows could not be judged');
    expect(calibrate.code).toBe(0);
    expect(calibrate.stdout).toContain('Judge helpful (judges/helpful.yaml, openai:gpt-4o-mini) on 12 labelled row(s) from labels.jsonl (1 could not be judged)');
    expect(calibrate.stdout).toMatch(/human pass\s+6\s+1\s+\(7\)/);
    expect(calibrate.stdout).toMatch(/human fail\s+1\s+4\s+\(5\)/);
    expect(calibrate.stdout).toMatch(/sensitivity\s+85\.7%\s+\[\d+\.\d%, \d+\.\d%\]\s+n=7/);
    expect(calibrate.stdout).toMatch(/labels\.jsonl:7 {2}miss: human pass, judge fail: .*\(note: humans liked it\)/);
    expect(calibrate.stdout).toContain('Wrote judges/helpful.calibration.json');
    const written = JSON.parse(readFileSync(path.join(project.directory, 'judges/helpful.calibration.json'), 'utf8'));
    expect(written).toMatchObject({ judge: 'helpful.yaml', labelsFile: '../labels.jsonl', positives: 7, negatives: 5, unevaluable: 1 });

    const json = await runCli(['judge', 'calibrate', 'judges/helpful.yaml', '--labels', 'labels.jsonl', '--no-cache', '--json'], { cwd: project.directory, env: env() });
    expect(JSON.parse(json.stdout)).toMatchObject({ judgeName: 'helpful', calibration: { counts: { truePositives: 6, falseNegatives: 1, falsePositives: 1, trueNegatives: 4 } } });

    const evaluated = await runCli(['eval', '-c', 'suite.yaml', '--no-progress', '--no-cache', '-o', 'r.json'], { cwd: project.directory, env: env() });
    expect(evaluated.code).toBe(0);
    const metric = JSON.parse(readFileSync(path.join(project.directory, 'r.json'), 'utf8')).summary.metrics.find((item: { metric: string }) => item.metric === 'helpful');
    expect(metric.judge).toMatchObject({ file: 'judges/helpful.yaml', calibrated: true, sensitivity: 6 / 7, specificity: 0.8, correctedPassRate: expect.any(Number) });
  });

  it('assay judge calibrate names the bad row, field and fix (exit 2) and writes nothing', async () => {
    await using project = makeProject({ 'judges/helpful.yaml': helpfulJudge, 'labels.jsonl': '{"id": "a", "output": "x", "label": true}\n{"id": "b", "output": "y", "label": "maybe"}\n' });
    const result = await runCli(['judge', 'calibrate', 'judges/helpful.yaml', '--labels', 'labels.jsonl'], { cwd: project.directory, env: env() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Error: labels.jsonl:2: Invalid labels row: label must be true/false or "pass"/"fail" (got "maybe") (field label)');
    expect(result.stderr).toContain('Hint:');
    expect(existsSync(path.join(project.directory, 'judges/helpful.calibration.json'))).toBe(false);
  });
});

describe('assay judge agreement', () => {
  it('prints κ and α per criterion, and JSON with --json', async () => {
    const rows = [
      ['a', 'ana', 'pass'], ['a', 'bo', 'pass'], ['b', 'ana', 'fail'], ['b', 'bo', 'fail'], ['c', 'ana', 'pass'], ['c', 'bo', 'fail'], ['d', 'ana', 'fail'], ['d', 'bo', 'fail'],
    ].map(([id, rater, label]) => JSON.stringify({ id, rater, label, criterion: 'helpful' }));
    await using project = makeProject({ 'labels.jsonl': `${rows.join('\n')}\n` });
    const result = await runCli(['judge', 'agreement', '--labels', 'labels.jsonl'], { cwd: project.directory });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('helpful: 2 rater(s) (ana, bo), 4 item(s), 8 label(s), pass-fail (fail, pass)');
    expect(result.stdout).toMatch(/percent agreement\s+75\.0%/);
    // po = 0.75, pe = 0.5·0.25 + 0.5·0.75 = 0.5, κ = 0.5.
    expect(result.stdout).toMatch(/Cohen's κ\s+0\.500 {2}\[/);
    expect(result.stdout).toMatch(/Krippendorff's α\s+0\.\d{3} nominal/);
    const json = await runCli(['judge', 'agreement', '--labels', 'labels.jsonl', '--json'], { cwd: project.directory });
    expect(JSON.parse(json.stdout).criteria[0]).toMatchObject({ criterion: 'helpful', cohensKappa: { kappa: 0.5 } });
  });

  it('rejects a malformed row with its line (exit 2)', async () => {
    await using project = makeProject({ 'labels.jsonl': '{"id": "a", "rater": "ana", "label": "pass"}\n{"id": "a", "label": "pass"}\n' });
    const result = await runCli(['judge', 'agreement', '--labels', 'labels.jsonl'], { cwd: project.directory });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Error: labels.jsonl:2: Invalid labels row: Missing field "rater" (field rater)');
  });
});
