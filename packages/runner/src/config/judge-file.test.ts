import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { calibrationFilePath, judgeDefinitionHash } from './judge-file.ts';
import { loadSuite } from './load-suite.ts';

let directory: string;
const write = (files: Record<string, string>) => {
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(directory, name)), { recursive: true });
    writeFileSync(path.join(directory, name), content);
  }
};
beforeEach(() => {
  directory = mkdtempSync(path.join(tmpdir(), 'assay-judge-file-'));
});
afterEach(() => rmSync(directory, { recursive: true, force: true }));

const suite = (assertion: string) =>
  `prompts:\n  - id: p\n    template: "{{q}}"\nproviders: [echo]\ntests:\n  - vars: { q: one, answer: Paris }\n    assert:\n${assertion}\n  - vars: { q: two, answer: Rome }\n    assert:\n${assertion}\n`;
const helpful = 'type: factuality\nvalue: "{{answer}}"\nprovider: openai:gpt-4.1-mini\ndescription: Agrees with the reference\n';

function calibration(hash: string, overrides: Record<string, unknown> = {}) {
  const rate = (estimate: number | null, n: number) => ({ n, estimate, ci95: estimate === null ? null : [0, 1] });
  return JSON.stringify({
    version: 1,
    judge: 'helpful.yaml',
    judgeHash: hash,
    labelsFile: 'labels.jsonl',
    createdAt: '2025-01-02T03:04:05.000Z',
    rows: 40,
    evaluated: 40,
    unevaluable: 0,
    positives: 20,
    negatives: 20,
    counts: { truePositives: 18, falseNegatives: 2, falsePositives: 3, trueNegatives: 17 },
    accuracy: rate(0.875, 40),
    sensitivity: rate(0.9, 20),
    specificity: rate(0.85, 20),
    kappa: { estimate: 0.75, ci95: [0.55, 0.95] },
    ...overrides,
  });
}

describe('judge files in a suite', () => {
  it('reads the judge file, reports under its name and renders vars in its value per case', async () => {
    write({ 'judges/helpful.yaml': helpful, 'suite.yaml': suite('      - type: judge\n        value: judges/helpful.yaml') });
    const loaded = await loadSuite(path.join(directory, 'suite.yaml'));
    expect(loaded.judges).toEqual({ helpful: { file: 'judges/helpful.yaml' } });
    const [first, second] = (await loaded.cases.toArray()).map((testCase) => testCase.assertions[0]!);
    expect(first!.modelGraded).toBe(true);
    expect(first!.assertion.value).toEqual({
      file: 'judges/helpful.yaml',
      name: 'helpful',
      type: 'factuality',
      value: 'Paris',
      provider: 'openai:gpt-4.1-mini',
      description: 'Agrees with the reference',
    });
    expect((second!.assertion.value as { value: string }).value).toBe('Rome');
    expect(loaded.warnings).toEqual([]);
  });

  it('uses the file name, the `name` field or the assertion metric as the metric', async () => {
    write({
      'judges/helpful.yaml': `${helpful}name: agrees\n`,
      'suite.yaml': suite('      - type: judge\n        value: judges/helpful.yaml\n      - type: not-judge\n        value: judges/helpful.yaml\n        metric: disagrees'),
    });
    const loaded = await loadSuite(path.join(directory, 'suite.yaml'));
    expect(Object.keys(loaded.judges).sort()).toEqual(['agrees', 'disagrees']);
  });

  it('reports not-judge under its own metric, with sensitivity and specificity swapped', async () => {
    const hash = judgeDefinitionHash({ type: 'factuality', value: '{{answer}}', provider: 'openai:gpt-4.1-mini' });
    write({
      'judges/helpful.yaml': helpful,
      'judges/helpful.calibration.json': calibration(hash, { positives: 20, negatives: 30 }),
      'suite.yaml': suite('      - type: judge\n        value: judges/helpful.yaml\n      - type: not-judge\n        value: judges/helpful.yaml'),
    });
    const loaded = await loadSuite(path.join(directory, 'suite.yaml'));
    expect(loaded.judges.helpful!.calibration).toMatchObject({ sensitivity: 0.9, specificity: 0.85, positives: 20, negatives: 30 });
    expect(loaded.judges['not-helpful']!.calibration).toMatchObject({ sensitivity: 0.85, specificity: 0.9, positives: 30, negatives: 20 });
    expect((await loaded.cases.toArray())[0]!.assertions[1]!.assertion.type).toBe('not-judge');

    write({ 'suite.yaml': suite('      - type: judge\n        value: judges/helpful.yaml\n      - type: not-judge\n        value: judges/helpful.yaml\n        metric: helpful') });
    await expect(loadSuite(path.join(directory, 'suite.yaml'))).rejects.toThrow('"helpful" is used both as judge and as not-judge');
  });

  it('picks up a calibration whose judge hash matches, and ignores a stale one with a warning', async () => {
    const hash = judgeDefinitionHash({ type: 'factuality', value: '{{answer}}', provider: 'openai:gpt-4.1-mini' });
    write({
      'judges/helpful.yaml': helpful,
      'judges/helpful.calibration.json': calibration(hash),
      'suite.yaml': suite('      - type: judge\n        value: judges/helpful.yaml'),
    });
    const loaded = await loadSuite(path.join(directory, 'suite.yaml'));
    expect(loaded.judges.helpful).toEqual({
      file: 'judges/helpful.yaml',
      calibration: { sensitivity: 0.9, specificity: 0.85, positives: 20, negatives: 20, labelsFile: 'labels.jsonl', createdAt: '2025-01-02T03:04:05.000Z' },
    });

    // Reformatting the file (key order, comments) keeps the calibration; changing the rubric does not.
    write({ 'judges/helpful.yaml': `# reordered\nprovider: openai:gpt-4.1-mini\ntype: factuality\nvalue: "{{answer}}"\n` });
    expect((await loadSuite(path.join(directory, 'suite.yaml'))).judges.helpful!.calibration).toBeDefined();
    write({ 'judges/helpful.yaml': helpful.replace('{{answer}}', 'The answer is {{answer}}') });
    const stale = await loadSuite(path.join(directory, 'suite.yaml'));
    expect(stale.judges.helpful).toEqual({ file: 'judges/helpful.yaml' });
    expect(stale.warnings).toEqual([expect.stringMatching(/^Judge judges\/helpful\.yaml changed since it was calibrated \(2025-01-02\)/)]);
  });

  it('treats an unreadable or one-sided calibration as uncalibrated, with a warning', async () => {
    const hash = judgeDefinitionHash({ type: 'factuality', value: '{{answer}}', provider: 'openai:gpt-4.1-mini' });
    write({ 'judges/helpful.yaml': helpful, 'judges/helpful.calibration.json': '{"version": 7}', 'suite.yaml': suite('      - type: judge\n        value: judges/helpful.yaml') });
    const corrupt = await loadSuite(path.join(directory, 'suite.yaml'));
    expect(corrupt.judges.helpful!.calibration).toBeUndefined();
    expect(corrupt.warnings[0]).toMatch(/^Ignoring .*helpful\.calibration\.json/);
    write({ 'judges/helpful.calibration.json': calibration(hash, { specificity: { n: 0, estimate: null, ci95: null }, negatives: 0 }) });
    const oneSided = await loadSuite(path.join(directory, 'suite.yaml'));
    expect(oneSided.judges.helpful!.calibration).toBeUndefined();
    expect(oneSided.warnings[0]).toMatch(/without both human passes and human fails/);
  });

  it('names the line of each mistake', async () => {
    write({ 'suite.yaml': suite('      - type: judge\n        value: judges/missing.yaml') });
    await expect(loadSuite(path.join(directory, 'suite.yaml'))).rejects.toMatchObject({
      message: 'Judge file not found: judges/missing.yaml',
      line: 9,
      field: 'tests[0].assert[0].value',
    });

    write({ 'judges/bad.yaml': 'type: factuality\nvalue: x\nthreshhold: 0.5\n', 'suite.yaml': suite('      - type: judge\n        value: judges/bad.yaml') });
    await expect(loadSuite(path.join(directory, 'suite.yaml'))).rejects.toMatchObject({ message: 'Unknown field "threshhold" in a judge file', line: 3, file: expect.stringMatching(/bad\.yaml$/) });

    write({ 'judges/bad.yaml': 'type: rubric-criteria\nvalue:\n  criteria:\n    accuracy: Correct\n  weights:\n    tone: 2\n' });
    await expect(loadSuite(path.join(directory, 'suite.yaml'))).rejects.toMatchObject({ message: 'Weight for "tone", which is not a criterion', line: 6, field: 'value.weights.tone' });

    write({ 'judges/bad.yaml': 'type: judge\nvalue: other.yaml\n' });
    await expect(loadSuite(path.join(directory, 'suite.yaml'))).rejects.toMatchObject({ message: expect.stringMatching(/^Invalid judge file/), line: 1, field: 'type' });

    write({ 'judges/helpful.yaml': helpful, 'suite.yaml': suite('      - type: judge\n        value: judges/helpful.yaml\n        threshold: 0.9') });
    await expect(loadSuite(path.join(directory, 'suite.yaml'))).rejects.toMatchObject({ message: "A judge's threshold is set in its judge file, not where it is used", line: 10 });
  });

  it('refuses two judge files under one metric name', async () => {
    write({
      'a/helpful.yaml': helpful,
      'b/helpful.yaml': helpful,
      'suite.yaml': suite('      - type: judge\n        value: a/helpful.yaml\n      - type: judge\n        value: b/helpful.yaml'),
    });
    await expect(loadSuite(path.join(directory, 'suite.yaml'))).rejects.toThrow('Two judge files report under the metric "helpful"');
  });

  it('puts the calibration file next to the judge file', () => {
    expect(calibrationFilePath('judges/helpful.yaml')).toBe('judges/helpful.calibration.json');
    expect(calibrationFilePath('/x/y.z/judge')).toBe('/x/y.z/judge.calibration.json');
  });
});
