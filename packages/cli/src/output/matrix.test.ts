import type { RunSummary } from '@assay/spec';
import { describe, expect, it } from 'vitest';
import { fakeResult, fakeRun } from './fake-run.ts';
import { formatUsd } from './format.ts';
import { renderFailures, renderMatrix, renderThresholds } from './matrix.ts';

const { summary } = fakeRun({ prompts: ['v1', 'v2'] });

describe('renderMatrix', () => {
  it('shows pass rate, interval, n and costs per cell', () => {
    const text = renderMatrix(summary);
    expect(text).toContain('80.0% [66.7–88.5] n=50');
    expect(text).toContain('n=50');
    expect(text).toContain('$0.00042');
    expect(text).toContain('$0.00053'); // per passing case: 0.00042 / 0.8
    expect(text).toContain('errors');
    expect(text).toContain('240/300 passed · 80.0% · 4 errors');
    expect(text).not.toContain('\x1b[');
    const lines = text.split('\n');
    // The prompt is named once per group.
    expect(lines.filter((line) => line.startsWith('v1 '))).toHaveLength(1);
    expect(lines.filter((line) => line.startsWith('v2 '))).toHaveLength(1);
    expect(lines.filter((line) => line.includes('n=50'))).toHaveLength(6);
  });

  it('colours pass rates and fits the width', () => {
    const long: RunSummary = {
      ...summary,
      cells: summary.cells.map((cell) => ({ ...cell, provider: `${cell.provider}-with-a-very-long-deployment-name` })),
    };
    const text = renderMatrix(long, { color: true, width: 90 });
    expect(text).toContain('\x1b[33m80.0% [66.7–88.5] n=50');
    const plain = renderMatrix(long, { width: 90 });
    for (const line of plain.split('\n').slice(0, 7)) expect(line.length).toBeLessThanOrEqual(90);
    expect(plain).toContain('…');
  });

  it('handles a cell without results', () => {
    const empty: RunSummary = { ...summary, cells: [{ ...summary.cells[0]!, n: 0, passed: 0, passRate: null, ci95: null, costPerCase: null, costPerPass: null }] };
    expect(renderMatrix(empty)).toContain('— n=0');
  });
});

describe('renderThresholds', () => {
  it('prints one line per threshold', () => {
    const text = renderThresholds({
      ...summary,
      thresholds: [
        { cell: 'v1 × gpt-4o-mini', threshold: 0.8, passRate: 0.725, ok: false },
        { cell: 'v2 × gpt-4o-mini', threshold: 0.8, passRate: 0.925, ok: true },
        { cell: 'v3 × gpt-4o-mini', threshold: 0.85, passRate: null, ok: false },
      ],
    });
    expect(text.split('\n')).toEqual([
      '✗ v1 × gpt-4o-mini: pass rate 72.5% is below threshold 80%',
      '✓ v2 × gpt-4o-mini: pass rate 92.5% meets threshold 80%',
      '✗ v3 × gpt-4o-mini: no results to compare with threshold 85%',
      '',
    ]);
    expect(renderThresholds({ ...summary, thresholds: [] })).toBe('');
  });
});

describe('renderFailures', () => {
  it('lists up to limit failed cases with reason and output snippet', () => {
    const results = [
      fakeResult(),
      fakeResult({
        caseId: 'capital-fr',
        repeat: 2,
        pass: false,
        output: 'I think it is\nLyon \x1b[31mmaybe',
        assertions: [
          { type: 'equals', pass: true, score: 1, reason: 'ok', weight: 1, required: false },
          { type: 'contains', pass: false, score: 0, reason: 'expected output to contain "Paris"', weight: 1, required: false },
        ],
      }),
      fakeResult({ caseId: 'timeout', pass: false, error: 'timed out after 30s', assertions: [] }),
      fakeResult({ caseId: 'third', pass: false }),
    ];
    const text = renderFailures(results, 2);
    expect(text).toContain('✗ capital-fr#2  v1 × openai:gpt-4o-mini');
    expect(text).toContain('contains: expected output to contain "Paris"');
    expect(text).toContain('output: "I think it is Lyon [31mmaybe"');
    expect(text).not.toContain('\x1b');
    expect(text).toContain('error: timed out after 30s');
    expect(text).not.toContain('third');
    expect(text).toContain('… 1 more failed case (see -o');
    expect(renderFailures([fakeResult()], 5)).toBe('');
  });
});

describe('formatUsd', () => {
  it('keeps the digits that matter', () => {
    expect([0, 0.00042, 0.0123, 0.5, 1.234, 1234.5, 0.000001].map(formatUsd)).toEqual([
      '$0', '$0.00042', '$0.012', '$0.50', '$1.23', '$1,235', '<$0.00001',
    ]);
  });
});
