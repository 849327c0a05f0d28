import type { TokenUsage } from '@assay/spec';

/** USD per million tokens. `cachedInput` is the price of prompt-cache reads. */
export interface ModelPrice {
  input: number;
  output: number;
  cachedInput?: number;
}

/**
 * List prices in USD per million tokens, as of October 2025 (standard tier, prompts up to 200k
 * tokens; Anthropic cache writes and batch discounts not modelled). Prices change: override per
 * project with `prices:` in the suite config.
 */
export const defaultPrices: Record<string, ModelPrice> = {
  // OpenAI
  'gpt-4o': { input: 2.5, output: 10, cachedInput: 1.25 },
  'gpt-4o-mini': { input: 0.15, output: 0.6, cachedInput: 0.075 },
  'gpt-4.1': { input: 2, output: 8, cachedInput: 0.5 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6, cachedInput: 0.1 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4, cachedInput: 0.025 },
  o3: { input: 2, output: 8, cachedInput: 0.5 },
  'o4-mini': { input: 1.1, output: 4.4, cachedInput: 0.275 },
  'gpt-5': { input: 1.25, output: 10, cachedInput: 0.125 },
  'gpt-5-mini': { input: 0.25, output: 2, cachedInput: 0.025 },
  'gpt-5-nano': { input: 0.05, output: 0.4, cachedInput: 0.005 },
  // Anthropic (cachedInput = cache read)
  'claude-opus-4-1': { input: 15, output: 75, cachedInput: 1.5 },
  'claude-opus-4': { input: 15, output: 75, cachedInput: 1.5 },
  'claude-sonnet-4-5': { input: 3, output: 15, cachedInput: 0.3 },
  'claude-sonnet-4': { input: 3, output: 15, cachedInput: 0.3 },
  'claude-haiku-4-5': { input: 1, output: 5, cachedInput: 0.1 },
  'claude-3-5-haiku': { input: 0.8, output: 4, cachedInput: 0.08 },
  // Google
  'gemini-2.5-pro': { input: 1.25, output: 10, cachedInput: 0.31 },
  'gemini-2.5-flash': { input: 0.3, output: 2.5, cachedInput: 0.075 },
  'gemini-2.0-flash': { input: 0.1, output: 0.4, cachedInput: 0.025 },
};

/**
 * Dated and aliased ids → the base id: `gpt-4o-mini-2024-07-18`, `claude-sonnet-4-20250514`,
 * `claude-sonnet-4@20250514` (Vertex), `claude-3-5-haiku-latest`.
 */
const versionSuffix = /(?:-\d{4}-\d{2}-\d{2}|-\d{8}|@\d{8}|-latest)$/;

/** The price for a model id: exact id first (overrides, then built-ins), then without a date suffix or provider prefix. */
export function findPrice(modelId: string, overrides?: Record<string, ModelPrice>): ModelPrice | undefined {
  for (const candidate of candidates(modelId)) {
    const price = (overrides && Object.hasOwn(overrides, candidate) ? overrides[candidate] : undefined) ??
      (Object.hasOwn(defaultPrices, candidate) ? defaultPrices[candidate] : undefined);
    if (price !== undefined) return price;
  }
  return undefined;
}

function candidates(modelId: string): string[] {
  const list = [modelId];
  // `openai:gpt-4o`, `anthropic:messages:claude-…`: price the model, not the provider id.
  const bare = modelId.includes(':') ? modelId.slice(modelId.lastIndexOf(':') + 1) : modelId;
  if (bare !== modelId) list.push(bare);
  const undated = bare.replace(versionSuffix, '');
  if (undated !== bare) list.push(undated);
  return list;
}

/**
 * Cost of one call in USD, or null when the model has no known price. Cached input tokens are a
 * subset of input tokens and are billed at `cachedInput` (or the input price when none is set);
 * reasoning tokens are already inside output tokens, so they are not added again.
 *
 * @example
 * computeCost('gpt-4o-mini-2024-07-18', { inputTokens: 1000, cachedInputTokens: 0, outputTokens: 500, reasoningTokens: 0, totalTokens: 1500 });
 * // 0.00045 = 1000 × 0.15/1M + 500 × 0.60/1M
 */
export function computeCost(modelId: string, usage: TokenUsage, overrides?: Record<string, ModelPrice>): number | null {
  const price = findPrice(modelId, overrides);
  if (price === undefined) return null;
  const cached = Math.min(Math.max(usage.cachedInputTokens, 0), usage.inputTokens);
  const uncached = usage.inputTokens - cached;
  return (uncached * price.input + cached * (price.cachedInput ?? price.input) + usage.outputTokens * price.output) / 1_000_000;
}
