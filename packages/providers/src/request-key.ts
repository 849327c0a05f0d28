import { createHash } from 'node:crypto';
import type { LanguageModelV3CallOptions } from '@ai-sdk/provider';
import { headerSecrets, redactSecrets, urlSecrets } from '@assay/core';

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

/** What an embedding entry is keyed on (and a cassette stores): one text, and the output size when set. */
export interface RecordedEmbeddingRequest {
  embed: string;
  dimensions?: number;
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
 * Where a provider entry's calls are answered, besides the request itself: the base URL and the
 * headers that pick a deployment or a feature (`OpenAI-Organization`, `anthropic-beta`). Keys and
 * credential headers are not part of it: another key for the same deployment gets the same answers.
 */
export interface Deployment {
  /** The effective base URL, without credentials (user, password, `?key=` style parameters) or a trailing slash. */
  baseUrl: string;
  /** Headers other than credentials, names in lower case. */
  headers?: Record<string, string>;
}

/** The base URLs used when a provider entry sets none: keys for them stay what they were before deployments were keyed. */
const defaultBaseUrls: Record<string, string> = {
  openai: 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com/v1',
  ollama: 'http://127.0.0.1:11434/v1',
};

/** The deployment a provider entry calls, from its effective base URL and configured headers; undefined for `echo`. */
export function deploymentOf(baseUrl: string | undefined, headers: Record<string, string> | undefined): Deployment | undefined {
  if (baseUrl === undefined) return undefined;
  const deployment: Deployment = { baseUrl: withoutCredentials(baseUrl) };
  for (const [name, value] of Object.entries(headers ?? {})) {
    // A credential stays out of the key: by its name, or by its shape under any name.
    if (headerSecrets({ [name]: value }).length > 0 || /auth/i.test(name) || redactSecrets(value) !== value) continue;
    (deployment.headers ??= {})[name.toLowerCase()] = value;
  }
  return deployment;
}

function withoutCredentials(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return redactSecrets(baseUrl).replace(/\/+$/, '');
  }
  const secrets = new Set(urlSecrets(baseUrl));
  url.username = '';
  url.password = '';
  for (const [name, value] of [...url.searchParams]) if (secrets.has(value)) url.searchParams.delete(name);
  return url.href.replace(/\/+$/, '').replace(/\/+(?=[?#])/, '');
}

/**
 * The deployment as a cache or cassette key holds it: none for the provider's default endpoint
 * without extra headers, so recordings made before deployments were keyed keep their keys.
 */
function keyedDeployment(provider: string, deployment: Deployment | undefined): Deployment | undefined {
  if (deployment === undefined) return undefined;
  return deployment.headers === undefined && deployment.baseUrl === defaultBaseUrls[provider] ? undefined : deployment;
}

/**
 * sha256 of provider, model, the request and the deployment (keys sorted, so reordering a
 * schema's properties in YAML does not invalidate recordings). Abort signals, API keys and
 * credential headers are not part of it.
 */
export function requestKey(provider: string, modelId: string, request: RecordedRequest | RecordedEmbeddingRequest, deployment?: Deployment): string {
  return createHash('sha256').update(stableStringify({ provider, model: modelId, request, deployment: keyedDeployment(provider, deployment) })).digest('hex');
}

/** One call's key, the request it stands for, and what a cassette or cache entry records of where it went. */
export interface KeyedRequest {
  key: string;
  request: RecordedRequest;
  /** Stored in entries as the base URL and header names only: a header's value may be a credential Assay cannot recognise. */
  deployment?: RecordedDeployment;
  /**
   * The key the same request had before deployments were part of keys, when it differs. A cassette
   * recorded then (its entries have no `deployment`) is replayed through it.
   */
  legacyKey?: string;
}

/** What an entry records of its deployment. */
export interface RecordedDeployment {
  baseUrl: string;
  headers?: string[];
}

/**
 * Computes each params object's key once, so the cassette and cache layers of one call share it.
 */
export function createKeyFunction(provider: string, modelId: string, deployment?: Deployment) {
  const keys = new WeakMap<LanguageModelV3CallOptions, KeyedRequest>();
  const recorded: RecordedDeployment | undefined =
    deployment && (deployment.headers ? { baseUrl: deployment.baseUrl, headers: Object.keys(deployment.headers).sort() } : { baseUrl: deployment.baseUrl });
  const keyed = keyedDeployment(provider, deployment);
  return (params: LanguageModelV3CallOptions): KeyedRequest => {
    let entry = keys.get(params);
    if (entry === undefined) {
      const request = recordedRequest(params);
      entry = { key: requestKey(provider, modelId, request, keyed), request };
      if (recorded) entry.deployment = recorded;
      if (keyed) entry.legacyKey = requestKey(provider, modelId, request);
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
