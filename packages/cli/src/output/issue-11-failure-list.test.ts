// Issue 11: the console failure list showed only the first failing assertion of a case, so the root
// cause (`is-json`) hid behind a later `javascript` error, and it stopped at 10 without saying how many more.
import type { AssertionResult } from '@assay/spec';
import { describe, expect, it } from 'vitest';
import { fakeResult } from './fake-run.ts';
import { failedAssertionsByRootCause, renderFailures } from './matrix.ts';

const failing = (type: string, reason: string, extra: Partial<AssertionResult> = {}): AssertionResult => ({ type, pass: false, score: 0, reason, weight: 1, required: false, ...extra });

describe('issue 11: the failure list', () => {
  it('shows every failed assertion of a case, the format failure before the checks that depend on it', () => {
    const result = fakeResult({
      caseId: 'refund-late',
      pass: false,
      output: '{"answer":"cut off',
      assertions: [
        failing('javascript', 'javascript threw "SyntaxError: Unexpected end of JSON input"', { metric: 'category' }),
        { type: 'icontains', pass: true, score: 1, reason: 'ok', weight: 1, required: false },
        failing('llm-rubric', 'judge did not answer', { unevaluable: true }),
        failing('contains', 'Output does not contain "refund"'),
        failing('is-json', 'Output is not valid JSON'),
      ],
    });
    expect(failedAssertionsByRootCause(result).map((assertion) => assertion.type)).toEqual(['is-json', 'contains', 'javascript', 'llm-rubric']);
    const lines = renderFailures([result], 10).split('\n');
    expect(lines.slice(0, 6)).toEqual([
      '✗ refund-late#0  v1 × openai:gpt-4o-mini',
      '    is-json: Output is not valid JSON',
      '    contains: Output does not contain "refund"',
      '    javascript (category): javascript threw "SyntaxError: Unexpected end of JSON input"',
      '    llm-rubric: judge did not answer',
      '    output: "{\\"answer\\":\\"cut off"',
    ]);
  });

  it('says how many more cases failed than it shows, and the options that show them all', () => {
    const first = Array.from({ length: 10 }, (_, index) => fakeResult({ caseId: `case-${index}`, pass: false, assertions: [failing('contains', 'missing')] }));
    // The console keeps the first 10 failures while the run goes on; the run's summary counts 16.
    const text = renderFailures(first, 10, { totalFailed: 16 });
    expect(text.match(/^✗ /gm)).toHaveLength(10);
    expect(text.trimEnd().split('\n').at(-1)).toBe('… 6 more failed cases (see -o report.html or -o results.json for every case, or --show-failures 16 to print them all)');
    expect(renderFailures(first, 10, { totalFailed: 10 })).not.toContain('more failed');
  });
});
