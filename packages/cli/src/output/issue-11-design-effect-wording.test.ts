// Issue 11: the console said "interval widened ×1.73" where the HTML report said "design effect 3.00"
// for the same repeats (one is the square root of the other). Both now say
// "design effect 3.00 (interval ×1.73 wider)", as the dashboard does.
import type { RunSummary } from '@assay/spec';
import { describe, expect, it } from 'vitest';
import { formatDesignEffect } from './format.ts';
import { reportFixture } from './html-report/report-fixture.ts';
import { writeHtmlReport } from './html-report/write-html-report.ts';
import { renderRepeats } from './statistics-views.ts';

/** The fixture's run with every repeated cell at intra-case correlation 0.5 and design effect 3. */
function repeatedRun() {
  const run = reportFixture({ cases: 12, comparison: false });
  const summary: RunSummary = {
    ...run.summary,
    cells: run.summary.cells.map((cell) => (cell.repeats ? { ...cell, repeats: { ...cell.repeats, icc: 0.5, designEffect: 3 } } : cell)),
  };
  return { ...run, summary };
}

describe('issue 11: one wording for the design effect', () => {
  it('gives the design effect and the interval factor, the square root of it', () => {
    expect(formatDesignEffect(3)).toBe('3.00 (interval ×1.73 wider)');
    expect(formatDesignEffect(1)).toBe('1.00 (interval ×1.00 wider)');
    expect(formatDesignEffect(4.84)).toBe('4.84 (interval ×2.20 wider)');
  });

  it('the console and the HTML report say the same of the same repeats', async () => {
    const run = repeatedRun();
    const printed = renderRepeats(run.summary);
    expect(printed).toContain('intra-case correlation 0.50, design effect 3.00 (interval ×1.73 wider)');
    expect(printed).not.toContain('widened');

    let html = '';
    await writeHtmlReport({ write: async (chunk) => void (html += chunk) }, run);
    const repeatsTable = /<table class="repeats">[\s\S]*?<\/table>/.exec(html)?.[0] ?? '';
    expect(repeatsTable).toContain('>Design effect</th>');
    expect(repeatsTable).toContain('<td class="num">3.00 (interval ×1.73 wider)</td>');
  });
});
