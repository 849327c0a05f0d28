import { describe, expect, it } from 'vitest';
import { binaryCalibration, roganGladenInterval } from './calibration.ts';
import { seededRandom } from './random.ts';

function pairs(counts: { tp: number; fn: number; fp: number; tn: number }) {
  return [
    ...Array.from({ length: counts.tp }, () => ({ human: true, judge: true })),
    ...Array.from({ length: counts.fn }, () => ({ human: true, judge: false })),
    ...Array.from({ length: counts.fp }, () => ({ human: false, judge: true })),
    ...Array.from({ length: counts.tn }, () => ({ human: false, judge: false })),
  ];
}

describe('binaryCalibration', () => {
  it('reports counts, rates with Wilson intervals and κ', () => {
    const result = binaryCalibration(pairs({ tp: 45, fn: 5, fp: 10, tn: 40 }));
    expect(result.counts).toEqual({ truePositives: 45, falseNegatives: 5, falsePositives: 10, trueNegatives: 40 });
    expect(result).toMatchObject({ n: 100, positives: 50, negatives: 50 });
    expect(result.accuracy).toMatchObject({ n: 100, estimate: 0.85 });
    expect(result.sensitivity).toMatchObject({ n: 50, estimate: 0.9 });
    expect(result.specificity).toMatchObject({ n: 50, estimate: 0.8 });
    // Wilson (1927) for 45/50, computed independently with scipy: centre (45 + z²/2)/(50 + z²), half-width
    // z·√(p̂q̂/n + z²/4n²)/(1 + z²/n) → [0.7864, 0.9565].
    expect(result.sensitivity.ci95![0]).toBeCloseTo(0.7864, 4);
    expect(result.sensitivity.ci95![1]).toBeCloseTo(0.9565, 4);
    // κ = (0.85 − 0.5)/(1 − 0.5) = 0.7 (marginals 0.5/0.5 and 0.55/0.45).
    expect(result.kappa.kappa).toBeCloseTo(0.7, 12);
  });

  it('has null rates, never NaN, when a class is missing', () => {
    const onlyPasses = binaryCalibration(pairs({ tp: 3, fn: 1, fp: 0, tn: 0 }));
    expect(onlyPasses.specificity).toEqual({ n: 0, estimate: null, ci95: null });
    expect(binaryCalibration([]).accuracy).toEqual({ n: 0, estimate: null, ci95: null });
    expect(JSON.stringify(binaryCalibration([]))).not.toContain('NaN');
  });
});

describe('roganGladenInterval', () => {
  it('shrinks the observed sample to n / designEffect when items are repeats of fewer cases', () => {
    const calibration = { sensitivity: 0.9, specificity: 0.8, positives: 100, negatives: 100 };
    const independent = roganGladenInterval({ observedPasses: 40, n: 50, ...calibration });
    // 100 items that are 50 cases run twice with perfectly agreeing repeats (design effect 2) carry 50 cases' information.
    const repeated = roganGladenInterval({ observedPasses: 80, n: 100, ...calibration, designEffect: 2 });
    expect(repeated.estimate).toBeCloseTo(independent.estimate!, 12);
    expect(repeated.interval![0]).toBeCloseTo(independent.interval![0], 12);
    expect(repeated.interval![1]).toBeCloseTo(independent.interval![1], 12);
    expect(roganGladenInterval({ observedPasses: 80, n: 100, ...calibration, designEffect: 1 })).toEqual(roganGladenInterval({ observedPasses: 80, n: 100, ...calibration }));
    expect(() => roganGladenInterval({ observedPasses: 80, n: 100, ...calibration, designEffect: 0.5 })).toThrow(RangeError);
  });

  // Reference values: an independent Python (scipy) transcription of Lang & Reiczigel's published
  // R script (CI4TruePrevalence, 2013), which their 2014 paper describes.
  it.each([
    { observedPasses: 80, n: 100, sensitivity: 0.9, specificity: 0.8, positives: 100, negatives: 100, expected: [0.857142857, 0.71626197, 0.991431308] },
    // epiR's epi.prev example figures (23 of 150 test positive, Se 0.96, Sp 0.89), here with the
    // calibration measured on 100 and 100 labels.
    { observedPasses: 23, n: 150, sensitivity: 0.96, specificity: 0.89, positives: 100, negatives: 100, expected: [0.050980392, 0, 0.145668458] },
    { observedPasses: 30, n: 200, sensitivity: 0.9, specificity: 0.95, positives: 50, negatives: 200, confidence: 0.9, expected: [0.117647059, 0.062323086, 0.179253721] },
    { observedPasses: 5, n: 100, sensitivity: 0.9, specificity: 0.95, positives: 20, negatives: 40, expected: [0, 0, 0.097488968] },
  ])('matches the reference for $observedPasses of $n', ({ expected, ...input }) => {
    const result = roganGladenInterval(input);
    expect(result.estimate).toBeCloseTo(expected[0]!, 8);
    expect(result.interval![0]).toBeCloseTo(expected[1]!, 8);
    expect(result.interval![1]).toBeCloseTo(expected[2]!, 8);
  });

  it('is the observed rate for a perfect judge whose rates are exact', () => {
    const result = roganGladenInterval({ observedPasses: 30, n: 100, sensitivity: 1, specificity: 1, positives: 0, negatives: 0 });
    expect(result.estimate).toBeCloseTo(0.3, 12);
    // With exact sensitivity and specificity only the binomial part remains (Agresti–Coull-like).
    expect(result.interval![0]).toBeGreaterThan(0.2);
    expect(result.interval![1]).toBeLessThan(0.4);
  });

  it('widens as the calibration set shrinks', () => {
    const width = (labels: number) => {
      const { interval } = roganGladenInterval({ observedPasses: 70, n: 200, sensitivity: 0.9, specificity: 0.85, positives: labels, negatives: labels });
      return interval![1] - interval![0];
    };
    expect(width(20)).toBeGreaterThan(width(100));
    expect(width(100)).toBeGreaterThan(width(1000));
  });

  it('is null, never NaN, for a judge no better than chance or for n = 0', () => {
    expect(roganGladenInterval({ observedPasses: 50, n: 100, sensitivity: 0.5, specificity: 0.5, positives: 10, negatives: 10 })).toEqual({ estimate: null, interval: null });
    expect(roganGladenInterval({ observedPasses: 50, n: 100, sensitivity: 0.3, specificity: 0.6, positives: 10, negatives: 10 })).toEqual({ estimate: null, interval: null });
    expect(roganGladenInterval({ observedPasses: 0, n: 0, sensitivity: 0.9, specificity: 0.9, positives: 10, negatives: 10 })).toEqual({ estimate: null, interval: null });
    // Barely better than chance: the estimate exists but the adjusted rates are not, so no interval.
    expect(roganGladenInterval({ observedPasses: 5, n: 10, sensitivity: 0.55, specificity: 0.5, positives: 2, negatives: 2 })).toEqual({ estimate: expect.any(Number), interval: null });
  });

  it('clamps to [0, 1] and keeps the estimate inside the interval', () => {
    const high = roganGladenInterval({ observedPasses: 100, n: 100, sensitivity: 0.9, specificity: 0.9, positives: 30, negatives: 30 });
    expect(high.estimate).toBe(1);
    expect(high.interval![1]).toBe(1);
    const low = roganGladenInterval({ observedPasses: 0, n: 100, sensitivity: 0.9, specificity: 0.9, positives: 30, negatives: 30 });
    expect(low).toMatchObject({ estimate: 0, interval: [0, expect.any(Number)] });
  });

  it('rejects impossible input', () => {
    expect(() => roganGladenInterval({ observedPasses: 11, n: 10, sensitivity: 0.9, specificity: 0.9, positives: 1, negatives: 1 })).toThrow(RangeError);
    expect(() => roganGladenInterval({ observedPasses: 1, n: 10, sensitivity: 1.2, specificity: 0.9, positives: 1, negatives: 1 })).toThrow(RangeError);
  });

  it('covers the true rate in about 95% of seeded simulated calibrations and runs', () => {
    // Simulation: true pass rate 0.3, judge sensitivity 0.9 and specificity 0.85, 200 judged items,
    // calibrated on 100 + 100 labels; both the calibration and the run are redrawn each time.
    const random = seededRandom(20140101);
    const binomial = (n: number, p: number) => {
      let successes = 0;
      for (let i = 0; i < n; i++) if (random() < p) successes++;
      return successes;
    };
    const [truth, sensitivity, specificity, n, labels, runs] = [0.3, 0.9, 0.85, 200, 100, 2000];
    const observedRate = truth * sensitivity + (1 - truth) * (1 - specificity);
    let covered = 0;
    for (let run = 0; run < runs; run++) {
      const { interval } = roganGladenInterval({
        observedPasses: binomial(n, observedRate),
        n,
        sensitivity: binomial(labels, sensitivity) / labels,
        specificity: binomial(labels, specificity) / labels,
        positives: labels,
        negatives: labels,
      });
      if (interval && interval[0] <= truth && truth <= interval[1]) covered++;
    }
    expect(covered / runs).toBeGreaterThanOrEqual(0.93);
    expect(covered / runs).toBeLessThanOrEqual(0.975);
  });
});
