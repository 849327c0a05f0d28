import { describe, expect, it } from 'vitest';
import { cohensKappa, confusionMatrix, fleissKappa, krippendorffAlpha } from './agreement.ts';

describe('confusionMatrix', () => {
  it('counts pairs by category, booleans pass-first', () => {
    expect(confusionMatrix([[true, true], [true, false], [false, false], [false, false]])).toEqual({
      categories: [true, false],
      counts: [
        [1, 1],
        [0, 2],
      ],
      n: 4,
    });
    expect(confusionMatrix([['b', 'a']], ['a', 'b', 'c']).counts).toEqual([
      [0, 0, 0],
      [1, 0, 0],
      [0, 0, 0],
    ]);
    expect(() => confusionMatrix([['x', 'a']], ['a'])).toThrow(RangeError);
  });
});

describe('cohensKappa', () => {
  it('matches Fleiss, Levin & Paik (2003), Table 18.1 (κ = .676), with the Fleiss–Cohen–Everitt standard error', () => {
    // Two psychiatrists, 100 patients, 3 diagnoses. κ̂ = (.89 − .66)/(1 − .66) = .676 in the book.
    // SE and interval: statsmodels 0.15 `cohens_kappa(table).std_kappa` / `kappa_low` / `kappa_upp`
    // (an independent implementation of the same 1969 formula): 0.0877030, [0.504576, 0.848365].
    const result = cohensKappa({ counts: [[75, 1, 4], [5, 4, 1], [0, 0, 10]] });
    expect(result.kappa).toBeCloseTo(0.676470588, 8);
    expect(result.observedAgreement).toBeCloseTo(0.89, 12);
    expect(result.expectedAgreement).toBeCloseTo(0.66, 12);
    expect(result.standardError).toBeCloseTo(0.0877029535, 8);
    expect(result.ci95![0]).toBeCloseTo(0.5045759581, 8);
    expect(result.ci95![1]).toBeCloseTo(0.8483652184, 8);
    expect(result.n).toBe(100);
  });

  it('gives the same answer from pairs as from their matrix', () => {
    // 2×2: statsmodels gives κ = 0.4, SE 0.1269961, interval [0.151092, 0.648908].
    const pairs: [string, string][] = [
      ...Array.from({ length: 20 }, (): [string, string] => ['yes', 'yes']),
      ...Array.from({ length: 5 }, (): [string, string] => ['yes', 'no']),
      ...Array.from({ length: 10 }, (): [string, string] => ['no', 'yes']),
      ...Array.from({ length: 15 }, (): [string, string] => ['no', 'no']),
    ];
    const fromPairs = cohensKappa(pairs);
    expect(fromPairs.kappa).toBeCloseTo(0.4, 12);
    expect(fromPairs.standardError).toBeCloseTo(0.1269960629, 8);
    expect(fromPairs).toEqual(cohensKappa({ counts: [[15, 10], [5, 20]] }));
  });

  it('is null, not NaN, when undefined', () => {
    expect(cohensKappa([])).toMatchObject({ kappa: null, ci95: null, n: 0 });
    // Both raters always say "pass": chance agreement is 1 and κ is 0/0.
    expect(cohensKappa([[true, true], [true, true]])).toMatchObject({ kappa: null, standardError: null, observedAgreement: 1, expectedAgreement: 1 });
  });

  it('reaches 1 for perfect agreement and clips the interval to [−1, 1]', () => {
    const perfect = cohensKappa([[1, 1], [2, 2], [1, 1], [2, 2]]);
    expect(perfect.kappa).toBe(1);
    expect(perfect.ci95).toEqual([1, 1]);
    const opposite = cohensKappa([[1, 2], [2, 1]]);
    expect(opposite.kappa).toBe(-1);
    expect(opposite.ci95![0]).toBeGreaterThanOrEqual(-1);
  });

  it('rejects malformed matrices', () => {
    expect(() => cohensKappa({ counts: [[1, 2], [3]] })).toThrow(/square/);
    expect(() => cohensKappa({ counts: [[1, -2], [3, 4]] })).toThrow(/≥ 0/);
  });
});

describe('fleissKappa', () => {
  // Worked example of the Wikipedia article "Fleiss' kappa": 10 subjects, 14 raters, 5 categories;
  // P̄ = 0.378, P̄e = 0.213, κ = 0.210. statsmodels `fleiss_kappa` gives 0.2099307044.
  const table = [
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
  ];

  it('matches the worked example', () => {
    const result = fleissKappa(table);
    expect(result.kappa).toBeCloseTo(0.2099307044, 9);
    expect(result.observedAgreement).toBeCloseTo(0.378, 3);
    expect(result.expectedAgreement).toBeCloseTo(0.213, 3);
    expect(result).toMatchObject({ subjects: 10, raters: 14 });
  });

  it('equals Scott’s π (Cohen’s κ with pooled marginals) for two raters: 1 on perfect agreement', () => {
    expect(fleissKappa([[2, 0], [0, 2]]).kappa).toBe(1);
  });

  it('is null when every rating is in one category, and rejects uneven rows', () => {
    expect(fleissKappa([[3, 0], [3, 0]]).kappa).toBeNull();
    expect(fleissKappa([]).kappa).toBeNull();
    expect(() => fleissKappa([[2, 1], [1, 1]])).toThrow(/expected 3/);
    expect(() => fleissKappa([[1, 0]])).toThrow(RangeError);
  });
});

describe('krippendorffAlpha', () => {
  // Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", example C: 4 observers,
  // 12 units, missing values. Published: nominal .743, ordinal .815, interval .849, ratio .797.
  const _ = null;
  const observers = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, _, _, _],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, _, 3],
    [_, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, _],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, _],
  ];
  const units = observers[0]!.map((_value, unit) => observers.map((observer) => observer[unit]));

  it.each([
    ['nominal', 0.743],
    ['ordinal', 0.815],
    ['interval', 0.849],
    ['ratio', 0.797],
  ] as const)('matches the published %s α', (level, published) => {
    const result = krippendorffAlpha(units, level);
    expect(result.alpha).toBeCloseTo(published, 3);
    // Units 12 (one rating) drops out: 11 pairable units, 40 pairable values.
    expect(result).toMatchObject({ units: 11, values: 40 });
  });

  it('matches the published binary example (two observers, α = 0.095)', () => {
    // Krippendorff (2011), example A: nominal α = 0.095.
    const a = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0];
    const b = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0];
    expect(krippendorffAlpha(a.map((value, index) => [value, b[index]]), 'nominal').alpha).toBeCloseTo(0.095, 3);
  });

  it('takes string and boolean categories for nominal data, numbers for the other levels', () => {
    expect(krippendorffAlpha([['pass', 'pass'], ['fail', 'fail'], [true, true], [false, undefined]]).alpha).toBe(1);
    expect(() => krippendorffAlpha([['a', 'b']], 'interval')).toThrow(/must be numbers/);
    expect(() => krippendorffAlpha([[-1, 1]], 'ratio')).toThrow(/≥ 0/);
  });

  it('is null, not NaN, without variation or without pairable values', () => {
    expect(krippendorffAlpha([[1, 1], [1, 1]]).alpha).toBeNull();
    expect(krippendorffAlpha([[1, null], [2]]).alpha).toBeNull();
    expect(krippendorffAlpha([]).alpha).toBeNull();
  });
});
