import type { TokenUsage } from '@assay/spec';
import { describe, expect, it } from 'vitest';
import { computeCost, defaultPrices, findPrice } from './pricing.ts';

function usage(inputTokens: number, outputTokens: number, cachedInputTokens = 0, reasoningTokens = 0): TokenUsage {
  return { inputTokens, outputTokens, cachedInputTokens, reasoningTokens, totalTokens: inputTokens + outputTokens };
}

describe('computeCost', () => {
  it('prices input and output per million tokens', () => {
    // 1,000 × $0.15/M + 500 × $0.60/M = $0.00015 + $0.0003
    expect(computeCost('gpt-4o-mini', usage(1_000, 500))).toBeCloseTo(0.00045, 10);
    // 2M × $3/M + 1M × $15/M
    expect(computeCost('claude-sonnet-4', usage(2_000_000, 1_000_000))).toBeCloseTo(21, 10);
  });

  it('bills cached input at the cached price', () => {
    // gpt-4o: 10,000 input of which 8,000 cached, 1,000 output
    // 2,000 × 2.50 + 8,000 × 1.25 + 1,000 × 10 = 5,000 + 10,000 + 10,000 = 25,000 → $0.025
    expect(computeCost('gpt-4o', usage(10_000, 1_000, 8_000))).toBeCloseTo(0.025, 10);
  });

  it('bills cached input at the input price when no cached price is set', () => {
    const overrides = { 'my-model': { input: 1, output: 2 } };
    expect(computeCost('my-model', usage(1_000_000, 0, 900_000), overrides)).toBeCloseTo(1, 10);
  });

  it('does not count reasoning tokens twice', () => {
    // o4-mini: 1,000 × 1.10 + 5,000 × 4.40 (of which 4,000 reasoning) = 1,100 + 22,000 → $0.0231
    expect(computeCost('o4-mini', usage(1_000, 5_000, 0, 4_000))).toBeCloseTo(0.0231, 10);
  });

  it('matches dated and aliased ids to the base model', () => {
    expect(findPrice('gpt-4o-mini-2024-07-18')).toBe(defaultPrices['gpt-4o-mini']);
    expect(findPrice('gpt-4o-2024-08-06')).toBe(defaultPrices['gpt-4o']);
    expect(findPrice('claude-sonnet-4-20250514')).toBe(defaultPrices['claude-sonnet-4']);
    expect(findPrice('claude-sonnet-4-5-20250929')).toBe(defaultPrices['claude-sonnet-4-5']);
    expect(findPrice('claude-opus-4-1-20250805')).toBe(defaultPrices['claude-opus-4-1']);
    expect(findPrice('claude-3-5-haiku-latest')).toBe(defaultPrices['claude-3-5-haiku']);
    expect(findPrice('claude-sonnet-4@20250514')).toBe(defaultPrices['claude-sonnet-4']);
    expect(findPrice('openai:gpt-4.1-nano')).toBe(defaultPrices['gpt-4.1-nano']);
    expect(findPrice('anthropic:messages:claude-haiku-4-5-20251001')).toBe(defaultPrices['claude-haiku-4-5']);
  });

  it('does not confuse a model with a longer-named sibling', () => {
    expect(findPrice('gpt-4o-mini')).not.toBe(defaultPrices['gpt-4o']);
    expect(findPrice('gpt-5-mini-2025-08-07')).toBe(defaultPrices['gpt-5-mini']);
  });

  it('prefers overrides, exact id first', () => {
    const overrides = { 'gpt-4o': { input: 1, output: 1 }, 'gpt-4o-2024-05-13': { input: 5, output: 15 } };
    expect(computeCost('gpt-4o', usage(1_000_000, 0), overrides)).toBe(1);
    expect(computeCost('gpt-4o-2024-05-13', usage(1_000_000, 0), overrides)).toBe(5);
    expect(computeCost('gpt-4o-2024-08-06', usage(1_000_000, 0), overrides)).toBe(1);
  });

  it('returns null for an unknown model', () => {
    expect(computeCost('llama3.2:3b', usage(100, 100))).toBeNull();
    expect(computeCost('echo', usage(100, 100))).toBeNull();
  });
});
