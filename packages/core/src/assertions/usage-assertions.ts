import type { TokenUsage } from '@assay/spec';
import { passed, failed, unevaluable, type AssertionSpec, type Invalid, type SyncCheck } from './outcome.ts';

function requireLimit(spec: AssertionSpec, invalid: Invalid, unit: string): number {
  if (spec.threshold === undefined) {
    return invalid('threshold', `${spec.type} needs a threshold (maximum ${unit})`, `Add \`threshold:\` with the maximum allowed ${unit}.`);
  }
  return spec.threshold;
}

/** The AI SDK's unified finish reasons; promptfoo's spellings (`tool_calls`, `content_filter`) read the same. */
const finishReasons = ['stop', 'length', 'tool-calls', 'content-filter', 'error', 'other'];
const normalizeReason = (reason: string) => reason.trim().toLowerCase().replaceAll('_', '-');

/** `finish-reason`: why the model stopped (`stop`, `length` when it ran out of tokens, `tool-calls`, `content-filter`…). */
export function compileFinishReason(spec: AssertionSpec, invalid: Invalid): SyncCheck {
  if (typeof spec.value !== 'string' || !finishReasons.includes(normalizeReason(spec.value))) {
    return invalid('value', `finish-reason needs one of ${finishReasons.join(', ')} as value`, 'e.g. `value: stop`; `not-finish-reason` with `length` catches answers cut off by the token limit.');
  }
  const expected = normalizeReason(spec.value);
  return ({ finishReason }) => {
    if (finishReason === undefined) return unevaluable('The provider reported no finish reason');
    const actual = normalizeReason(finishReason);
    return actual === expected ? passed(`Finished with "${actual}"`) : failed(`Finished with "${actual}", expected "${expected}"`);
  };
}

export function compileLatency(spec: AssertionSpec, invalid: Invalid): SyncCheck {
  const maxMs = requireLimit(spec, invalid, 'milliseconds');
  return ({ latencyMs }) =>
    latencyMs <= maxMs ? passed(`Latency ${Math.round(latencyMs)} ms <= ${maxMs} ms`) : failed(`Latency ${Math.round(latencyMs)} ms > ${maxMs} ms`);
}

export function compileCost(spec: AssertionSpec, invalid: Invalid): SyncCheck {
  const maxUsd = requireLimit(spec, invalid, 'USD');
  return ({ cost }) => {
    if (cost === null) return unevaluable('Cost unknown: no price known for this model');
    return cost <= maxUsd ? passed(`Cost $${formatUsd(cost)} <= $${maxUsd}`) : failed(`Cost $${formatUsd(cost)} > $${maxUsd}`);
  };
}

type TokenLimits = { input?: number; output?: number; total?: number };

const limitFields: ReadonlyArray<[keyof TokenLimits, keyof TokenUsage, string]> = [
  ['input', 'inputTokens', 'input'],
  ['output', 'outputTokens', 'output'],
  ['total', 'totalTokens', 'total'],
];

export function compileTokens(spec: AssertionSpec, invalid: Invalid): SyncCheck {
  const limits: TokenLimits = {};
  const hint = 'Use `threshold: 500` (maximum total tokens) or `value: { input: 2000, output: 500, total: 2500 }`.';
  if (spec.value !== undefined) {
    if (typeof spec.value !== 'object' || spec.value === null || Array.isArray(spec.value)) {
      return invalid('value', 'tokens value must be an object with input, output and/or total', hint);
    }
    for (const [key, limit] of Object.entries(spec.value)) {
      if (key !== 'input' && key !== 'output' && key !== 'total') {
        return invalid(`value.${key}`, `tokens value has an unknown key "${key}"`, hint);
      }
      if (typeof limit !== 'number' || !Number.isFinite(limit) || limit < 0) {
        return invalid(`value.${key}`, `tokens value.${key} must be a number >= 0`, hint);
      }
      limits[key] = limit;
    }
  }
  if (spec.threshold !== undefined) limits.total ??= spec.threshold;
  const checks = limitFields.filter(([key]) => limits[key] !== undefined);
  if (checks.length === 0) return invalid('threshold', 'tokens needs a threshold or a value with limits', hint);
  return ({ usage }) => {
    const over = checks.filter(([key, field]) => usage[field] > limits[key]!);
    const describe = ([key, field, label]: (typeof limitFields)[number], sign: string) => `${label} ${usage[field]} ${sign} ${limits[key]}`;
    return over.length === 0
      ? passed(`Tokens within limits (${checks.map((check) => describe(check, '<=')).join(', ')})`)
      : failed(`Too many tokens: ${over.map((check) => describe(check, '>')).join(', ')}`);
  };
}

function formatUsd(usd: number): string {
  return usd < 0.01 ? usd.toPrecision(3) : usd.toFixed(4);
}
