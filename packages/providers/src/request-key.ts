import { createHash } from 'node:crypto';
import type { LanguageModelV3CallOptions } from '@ai-sdk/provider';

/** Sampling settings in a cache or cassette key, each only when set (so adding one to this list keeps older keys). */
const recordedSettings = ['maxOutputTokens', 'temperature', 'topP', 'seed', 'topK', 'frequencyPenalty', 'presencePenalty', 'stopSequences'] as const;

/** The request fields a cache or cassette entry is keyed on (and that a cassette stores). */
export interface RecordedRequest {
  prompt: LanguageModelV3CallOptions['prompt'];
  settings: Partial<Pick<LanguageModelV3CallOptions, (typeof recordedSettings)[number]>>;
  tools?: LanguageModelV3CallOptions['tools'];
  toolChoice?: LanguageModelV3CallOptions['toolChoice'];
  responseFormat?: LanguageModelV3CallOptions['responseFormat'];
  repeat?: number;
}

export function recordedRequest(params: LanguageModelV3CallOptions): RecordedRequest {
  const settings: Record<string, unknown> = {};
  for (const name of recordedSettings) {
    const value = params[name];
    if (value !== undefined && !(Array.isArray(value) && value.length === 0)) settings[name] = value;
  }
  const request: RecordedRequest = { prompt: params.prompt, settings };
  if (params.tools !== undefined && params.tools.length > 0) request.tools = params.tools;
  if (params.toolChoice !== undefined) request.toolChoice = params.toolChoice;
  if (params.responseFormat !== undefined && params.responseFormat.type !== 'text') request.responseFormat = params.responseFormat;
  const repeat = params.providerOptions?.assay?.repeat;
  if (typeof repeat === 'number' && repeat > 0) request.repeat = repeat;
  return request;
}

/**
 * sha256 of provider, model and the request (keys sorted, so reordering a schema's properties
 * in YAML does not invalidate recordings). Abort signals and headers are not part of it.
 */
export function requestKey(provider: string, modelId: string, request: RecordedRequest): string {
  return createHash('sha256').update(stableStringify({ provider, model: modelId, request })).digest('hex');
}

/**
 * Computes each params object's key once, so the cassette and cache layers of one call share it.
 */
export function createKeyFunction(provider: string, modelId: string) {
  const keys = new WeakMap<LanguageModelV3CallOptions, { key: string; request: RecordedRequest }>();
  return (params: LanguageModelV3CallOptions): { key: string; request: RecordedRequest } => {
    let entry = keys.get(params);
    if (entry === undefined) {
      const request = recordedRequest(params);
      entry = { key: requestKey(provider, modelId, request), request };
      keys.set(params, entry);
    }
    return entry;
  };
}

export type KeyFunction = ReturnType<typeof createKeyFunction>;

export function stableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let index = 0; index < value.length; index++) {
      if (index > 0) out += ',';
      out += value[index] === undefined ? 'null' : stableStringify(value[index]);
    }
    return out + ']';
  }
  if (value instanceof Uint8Array) return JSON.stringify(Buffer.from(value).toString('base64'));
  if (value instanceof URL) return JSON.stringify(value.href);
  const record = value as Record<string, unknown>;
  const names = Object.keys(record).sort();
  let out = '{';
  let first = true;
  for (const name of names) {
    const item = record[name];
    if (item === undefined || typeof item === 'function') continue;
    if (!first) out += ',';
    first = false;
    out += JSON.stringify(name) + ':' + stableStringify(item);
  }
  return out + '}';
}
