import { setTimeout as sleep } from 'node:timers/promises';
import { APICallError, LoadAPIKeyError, type LanguageModelV3Middleware } from '@ai-sdk/provider';
import { AssayError, ProviderError } from '@assay/spec';
import type { RetryInfo } from '../types.ts';

export interface RetryOptions {
  provider: string;
  modelId: string;
  /** Retries after the first attempt. */
  retries: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Longest Retry-After we wait out; beyond it the call fails at once (a spent quota, not a blip). */
  maxRetryAfterMs?: number;
  /** Env var the key comes from, named in the 401 hint. */
  apiKeyEnv?: string;
  /** Base URL named in the "unreachable" hint. */
  baseUrl?: string;
  onRetry?: (info: RetryInfo) => void;
}

/**
 * Retries 408/409/429/5xx, timeouts, connection resets and malformed responses with full-jitter
 * exponential backoff, honouring `Retry-After` and `retry-after-ms`. Everything it throws is a
 * ProviderError: fatal ones (400, 401, 403, 404, unreachable) at once, with a hint.
 */
export function retryMiddleware(options: RetryOptions): LanguageModelV3Middleware {
  const retrying = createRetrying(options);
  return {
    specificationVersion: 'v3',
    wrapGenerate: ({ doGenerate, params }) => retrying(doGenerate, params.abortSignal),
  };
}

/** The retry loop of `retryMiddleware` around any provider call (embedding calls use it too). */
export function createRetrying(options: RetryOptions): <T>(attempt: () => PromiseLike<T>, signal: AbortSignal | undefined) => Promise<T> {
  const baseDelayMs = options.baseDelayMs ?? 500;
  const maxDelayMs = options.maxDelayMs ?? 30_000;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 600_000;
  return async (call, signal) => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await call();
      } catch (error) {
        if (signal?.aborted) throw error;
        const failure = toProviderError(error, options);
        if (!failure.isRetryable) throw failure;
        const retryAfterMs = failure.retryAfterSeconds === undefined ? undefined : failure.retryAfterSeconds * 1000;
        if (retryAfterMs !== undefined && retryAfterMs > maxRetryAfterMs) {
          throw new ProviderError(`${failure.message} (asked to wait ${Math.round(retryAfterMs / 1000)} s)`, {
            provider: options.provider,
            statusCode: failure.statusCode,
            retryAfterSeconds: failure.retryAfterSeconds,
            isRetryable: false,
            hint: 'the provider asked for a long pause: the quota may be spent; lower requestsPerMinute / tokensPerMinute',
            docs: 'providers.md',
            cause: error,
          });
        }
        if (attempt >= options.retries) {
          throw new ProviderError(`${failure.message} (gave up after ${attempt + 1} attempts)`, {
            provider: options.provider,
            statusCode: failure.statusCode,
            retryAfterSeconds: failure.retryAfterSeconds,
            isRetryable: true,
            hint: failure.hint,
            docs: 'providers.md',
            cause: error,
          });
        }
        const delayMs = retryAfterMs ?? Math.round(Math.random() * Math.min(maxDelayMs, baseDelayMs * 2 ** attempt));
        options.onRetry?.({ provider: options.provider, attempt: attempt + 1, delayMs, reason: failure.message });
        await sleep(delayMs, undefined, { signal });
      }
    }
  };
}

const unreachableCodes = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ConnectionRefused']);
const transientCodes = new Set([
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'ConnectionClosed',
]);

/** Turns whatever a provider call threw into a ProviderError that says whether to retry. */
export function toProviderError(error: unknown, options: Pick<RetryOptions, 'provider' | 'modelId' | 'apiKeyEnv' | 'baseUrl'>): ProviderError {
  const { provider } = options;
  if (error instanceof ProviderError || (AssayError.isInstance(error) && error.name === 'ProviderError')) return error as ProviderError;
  if (LoadAPIKeyError.isInstance(error)) {
    return new ProviderError(`${provider}: no API key`, {
      provider,
      hint: `set ${options.apiKeyEnv ?? 'the API key env var'} or apiKeyEnv / apiKey in the provider config`,
      docs: 'providers.md',
      cause: error,
    });
  }
  const code = networkCode(error);
  if (code !== undefined && unreachableCodes.has(code)) {
    const url = options.baseUrl ?? (APICallError.isInstance(error) ? error.url : 'its base URL');
    return new ProviderError(`${provider} unreachable (${code})`, {
      provider,
      hint: `provider unreachable at ${url}: is the server running? set apiBaseUrl`,
      docs: 'providers.md',
      cause: error,
    });
  }
  if (APICallError.isInstance(error)) {
    const status = error.statusCode;
    const message = `${provider} ${status === undefined ? 'request failed' : `HTTP ${status}`}: ${error.message}`;
    if (status === undefined || (status >= 200 && status < 300)) {
      // No status: the connection broke. 2xx: the body did not parse (malformed response).
      return new ProviderError(status === undefined ? message : `${provider} sent a malformed response: ${error.message}`, {
        provider,
        statusCode: status,
        isRetryable: true,
        cause: error,
      });
    }
    if (status === 408 || status === 409 || status === 429 || status >= 500) {
      return new ProviderError(message, {
        provider,
        statusCode: status,
        isRetryable: true,
        retryAfterSeconds: retryAfterSeconds(error.responseHeaders),
        hint: status === 429 ? 'set limits.requestsPerMinute / tokensPerMinute / concurrency for this provider' : undefined,
        cause: error,
      });
    }
    const tooLarge = status === 413 || (status === 400 && contextExceeded.test(`${error.message} ${error.responseBody ?? ''}`));
    return new ProviderError(message, {
      provider,
      statusCode: status,
      concernsRequest: tooLarge,
      hint: tooLarge ? 'the prompt is too large for this model: shorten this case or use a model with a larger context window' : statusHint(status, options, error.url),
      docs: 'providers.md',
      cause: error,
    });
  }
  if (code !== undefined && transientCodes.has(code)) {
    return new ProviderError(`${provider} connection failed (${code})`, { provider, isRetryable: true, cause: error });
  }
  const name = error instanceof Error ? error.name : typeof error;
  const detail = error instanceof Error ? error.message : String(error);
  // AI SDK response parsing errors (TypeValidationError, JSONParseError, InvalidResponseDataError)
  // mean a malformed response: worth another try. Anything else is a bug or a bad request.
  const malformed = /TypeValidation|JSONParse|InvalidResponseData|EmptyResponseBody/.test(name);
  return new ProviderError(`${provider}: ${detail}`, { provider, isRetryable: malformed, cause: error });
}

/**
 * How providers say a prompt does not fit the model's context (OpenAI's `context_length_exceeded`
 * and its message, Anthropic's "prompt is too long", vLLM and llama.cpp servers): a 400 about this
 * request alone, not about the provider.
 */
const contextExceeded = /context_length_exceeded|maximum context length|context (window|length) (exceeded|is exceeded)|prompt is too long|exceeds the (model's )?context|too many tokens/i;

function statusHint(status: number, options: Pick<RetryOptions, 'modelId' | 'apiKeyEnv'>, url: string): string {
  if (status === 401) return `check ${options.apiKeyEnv ?? 'the API key'} / apiKeyEnv`;
  if (status === 403) return `the key is not allowed to use ${options.modelId}: check the key's project and model access`;
  if (status === 404) return `model "${options.modelId}" or endpoint ${url} not found: check the model id and apiBaseUrl`;
  return 'the provider rejected the request: check settings, tools and outputSchema for this model';
}

/** Finds an error code (ECONNREFUSED, UND_ERR_SOCKET…) anywhere in the cause chain. */
function networkCode(error: unknown): string | undefined {
  let current = error;
  for (let depth = 0; depth < 6 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    if (current instanceof AggregateError) {
      for (const inner of current.errors) {
        const innerCode = (inner as { code?: unknown } | null)?.code;
        if (typeof innerCode === 'string') return innerCode;
      }
    }
    current = current.cause;
  }
  return undefined;
}

/** `retry-after-ms` (OpenAI), else `Retry-After` as seconds or an HTTP date. */
export function retryAfterSeconds(headers: Record<string, string> | undefined, now = Date.now()): number | undefined {
  if (headers === undefined) return undefined;
  const milliseconds = headers['retry-after-ms'];
  if (milliseconds !== undefined) {
    const value = Number.parseFloat(milliseconds);
    if (Number.isFinite(value) && value >= 0) return value / 1000;
  }
  const retryAfter = headers['retry-after'];
  if (retryAfter === undefined) return undefined;
  const seconds = Number(retryAfter.trim());
  if (retryAfter.trim() !== '' && Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(retryAfter);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - now) / 1000);
}
