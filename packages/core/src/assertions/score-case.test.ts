import type { AssertionResult } from '@assay/spec';
import { describe, expect, it } from 'vitest';
import { scoreCase } from './index.ts';

const result = (pass: boolean, score: number, weight = 1, required = weight > 0): AssertionResult => ({
  type: 'contains', pass, score, reason: '', weight, required,
});

describe('scoreCase', () => {
  it('is a weighted mean of scores', () => {
    expect(scoreCase([result(true, 1, 3), result(true, 0.5, 1)])).toEqual({ pass: true, score: 0.875 });
  });

  it('ignores weight-0 assertions in the score and the pass', () => {
    expect(scoreCase([result(true, 1), result(false, 0, 0)])).toEqual({ pass: true, score: 1 });
  });

  it('scores 1 with no weighted assertions', () => {
    expect(scoreCase([])).toEqual({ pass: true, score: 1 });
    expect(scoreCase([result(false, 0, 0)])).toEqual({ pass: true, score: 1 });
  });

  it('with a threshold, lets the score decide (promptfoo), unless the failed assertion says required: true', () => {
    expect(scoreCase([result(true, 1, 9), result(false, 0, 1)], 0.5)).toEqual({ pass: true, score: 0.9 });
    const written = [{ assertion: {} }, { assertion: { required: true } }];
    expect(scoreCase([result(true, 1, 9), result(false, 0, 1)], 0.5, written)).toEqual({ pass: false, score: 0.9 });
    // A threshold of 0 is none, as in promptfoo: every required assertion must pass.
    expect(scoreCase([result(true, 1, 9), result(false, 0, 1)], 0)).toEqual({ pass: false, score: 0.9 });
  });

  it('lets non-required failures through unless the threshold is missed', () => {
    const results = [result(true, 1), result(false, 0, 1, false)];
    expect(scoreCase(results).pass).toBe(true);
    expect(scoreCase(results, 0.5).pass).toBe(true);
    expect(scoreCase(results, 0.6)).toEqual({ pass: false, score: 0.5 });
  });
});
