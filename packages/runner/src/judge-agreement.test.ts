import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { computeAgreement } from './judge-agreement.ts';

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(path.join(tmpdir(), 'assay-agreement-'));
});
afterEach(() => rmSync(directory, { recursive: true, force: true }));

const file = (rows: object[] | string) => {
  const target = path.join(directory, 'labels.jsonl');
  writeFileSync(target, typeof rows === 'string' ? rows : `${rows.map((row) => JSON.stringify(row)).join('\n')}\n`);
  return target;
};

describe('computeAgreement', () => {
  it('gives Cohen’s κ for two raters and Krippendorff’s α, per criterion', () => {
    // Krippendorff (2011), example A: α = 0.095 for these two observers on ten units.
    const a = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0];
    const b = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0];
    const rows = [
      ...a.map((label, index) => ({ id: `c${index}`, rater: 'ana', label: label === 1, criterion: 'tone' })),
      ...b.map((label, index) => ({ id: `c${index}`, annotator: 'bo', label: label === 1 ? 'pass' : 'fail', criterion: 'tone' })),
      { id: 'c0', rater: 'ana', label: 3, criterion: 'accuracy' },
      { id: 'c0', rater: 'bo', label: 3, criterion: 'accuracy' },
      { id: 'c1', rater: 'ana', label: 1, criterion: 'accuracy' },
      { id: 'c1', rater: 'bo', label: 2, criterion: 'accuracy' },
      { id: 'c2', rater: 'ana', label: 5, criterion: 'accuracy' },
      { id: 'c2', rater: 'bo', label: 5, criterion: 'accuracy' },
      { id: 'c3', rater: 'ana', label: 4, criterion: 'accuracy' },
    ];
    const report = computeAgreement(file(rows));
    expect(report.rows).toBe(rows.length);
    const [accuracy, tone] = report.criteria;
    expect(tone).toMatchObject({ criterion: 'tone', raters: ['ana', 'bo'], items: 10, ratings: 20, scale: 'pass-fail', categories: ['fail', 'pass'], percentAgreement: 0.6 });
    expect(tone!.krippendorffAlpha.nominal.alpha).toBeCloseTo(0.095, 3);
    // Cohen's κ on the same table: po = 0.6, pe = 0.2·0.4 + 0.8·0.6 = 0.56, κ = 0.04/0.44.
    expect(tone!.cohensKappa!.kappa).toBeCloseTo(0.04 / 0.44, 12);
    expect(tone!.cohensKappa!.items).toBe(10);
    expect(tone!.fleissKappa).toBeUndefined();

    expect(accuracy).toMatchObject({ criterion: 'accuracy', scale: 'numeric', items: 4, singleRated: ['c3'] });
    expect(accuracy!.krippendorffAlpha.interval).toBeDefined();
    expect(accuracy!.krippendorffAlpha.ordinal).toBeDefined();
    expect(accuracy!.cohensKappa!.items).toBe(3);
  });

  it('gives Fleiss’ κ on the items every rater labelled, α on all, for three or more raters', () => {
    const labels: Record<string, string[]> = {
      one: ['good', 'good', 'good'],
      two: ['good', 'bad', 'good'],
      three: ['bad', 'bad', 'bad'],
      four: ['meh', 'meh', 'bad'],
    };
    const rows = Object.entries(labels).flatMap(([id, list]) => list.map((label, rater) => ({ id, rater: `r${rater}`, label })));
    rows.push({ id: 'five', rater: 'r0', label: 'good' }, { id: 'five', rater: 'r1', label: 'good' });
    const [overall] = computeAgreement(file(rows)).criteria;
    expect(overall).toMatchObject({ criterion: 'overall', raters: ['r0', 'r1', 'r2'], scale: 'categories' });
    expect(overall!.fleissKappa).toMatchObject({ subjects: 4, raters: 3 });
    expect(overall!.cohensKappa).toBeUndefined();
    expect(overall!.krippendorffAlpha.nominal).toMatchObject({ units: 5, values: 14 });
    expect(overall!.notes).toEqual(['Fleiss’ κ uses the 4 of 5 items every rater labelled; Krippendorff’s α uses all items with two or more labels']);
    // Independent check: statsmodels fleiss_kappa on [[0,3,0],[1,2,0],[3,0,0],[1,0,2]] (bad, good, meh) = 0.4666666667.
    expect(overall!.fleissKappa!.kappa).toBeCloseTo(0.4666666667, 9);
  });

  it('reports malformed rows and duplicates with the line', () => {
    expect(() => computeAgreement(file([{ id: 'a', rater: 'x' }]))).toThrow(expect.objectContaining({ line: 1, field: 'label', message: 'Invalid labels row: Missing field "label"' }));
    expect(() => computeAgreement(file([{ id: 'a', rater: 'x', label: 'pass', comment: 'hm' }]))).toThrow(expect.objectContaining({ field: 'comment' }));
    expect(() =>
      computeAgreement(file([{ id: 'a', rater: 'x', label: 'pass' }, { id: 'a', rater: 'y', label: 'pass' }, { id: 'a', rater: 'x', label: 'fail' }])),
    ).toThrow(expect.objectContaining({ line: 3, message: 'Rater "x" labels item "a" twice (also on line 1)' }));
    expect(() => computeAgreement(file([{ id: 'a', rater: 'x', label: 'pass' }]))).toThrow(/at least two raters/);
    expect(() => computeAgreement(file('not json\n'))).toThrow(expect.objectContaining({ line: 1, message: expect.stringMatching(/^Invalid JSON/) }));
  });

  it('says why a statistic is missing instead of printing NaN', () => {
    const report = computeAgreement(file([{ id: 'a', rater: 'x', label: 'pass' }, { id: 'a', rater: 'y', label: 'pass' }, { id: 'b', rater: 'x', label: true }, { id: 'b', rater: 'y', label: 'yes' }]));
    const [overall] = report.criteria;
    expect(overall!.cohensKappa!.kappa).toBeNull();
    expect(overall!.krippendorffAlpha.nominal.alpha).toBeNull();
    expect(overall!.percentAgreement).toBe(1);
    expect(overall!.notes).toHaveLength(2);
    expect(JSON.stringify(report)).not.toContain('NaN');
  });
});
