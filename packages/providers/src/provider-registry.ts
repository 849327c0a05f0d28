import { keepAliveFetch } from './keep-alive-fetch.ts';
import path from 'node:path';
import type { LanguageModelV3Middleware } from '@ai-sdk/provider';
import { redactSecrets } from '@assay/core';
import { AssayError, ConfigError, type EmbeddingProviderRef, type ProviderConfig } from '@assay/spec';
import { applyMiddleware } from './apply-middleware.ts';
import { createLanguageModel } from './create-language-model.ts';
import { createEmbeddingRegistry, type EmbeddingHandle } from './embedding-registry.ts';
import { cacheMiddleware } from './middleware/cache.ts';
import { Cassette } from './middleware/cassette.ts';
import { rateLimitMiddleware } from './middleware/rate-limit.ts';
import { retryMiddleware, toProviderError } from './middleware/retry.ts';
import { timeoutMiddleware } from './middleware/timeout.ts';
import { toCallOptions, toModelResponse } from './model-call.ts';
import { parseProviderId } from './parse-provider-id.ts';
import { redactProviderError } from './redact-provider-error.ts';
import { createKeyFunction, deploymentOf } from './request-key.ts';
import type { ModelHandle, ModelRequest, ModelResponse, ProviderRegistryOptions, RetryInfo } from './types.ts';

export interface ProviderRegistry {
  /** A handle for a provider entry; the same entry resolves to the same handle (and limiter). */
  resolve(config: ProviderConfig | string): ModelHandle;
  /** Writes the cassette when recording. Call once at the end of a run. */
  flush(): Promise<void>;
  /**
   * Throws a ConfigError naming every entry that needs an API key and has none (the provider and
   * the variable to set), so a run can refuse before it starts instead of failing on its first
   * call. Replaying a cassette needs no key, so then it checks nothing.
   */
  checkKeys(configs: readonly (ProviderConfig | string)[]): void;
  /** An embedding model (`similar` assertions), through the same cassette or cache; `defaultEmbeddingModel` when none is named. */
  resolveEmbedding(ref?: EmbeddingProviderRef): EmbeddingHandle;
  /** checkKeys for embedding models. */
  checkEmbeddingKeys(refs: readonly EmbeddingProviderRef[]): void;
}

/**
 * Resolves provider entries to callable models with the cassette or cache, rate limits, retries
 * and timeouts applied, in that order from the outside in.
 *
 * @example
 * const registry = createProviderRegistry({ cwd: process.cwd(), timeoutMs: 60_000, retries: 4 });
 * const model = registry.resolve('openai:gpt-4o-mini');
 * const response = await model.call({ messages: [{ role: 'user', content: 'Hello' }] });
 * await registry.flush();
 */
export function createProviderRegistry(options: ProviderRegistryOptions): ProviderRegistry {
  const env = options.env ?? process.env;
  const cassette = options.cassette ? new Cassette(path.resolve(options.cwd, options.cassette.path), options.cassette.mode) : undefined;
  const cacheDirectory = options.cache ? path.resolve(options.cwd, options.cache.directory) : undefined;
  const handles = new Map<string, ModelHandle>();
  /** The env var each handle without its key reads the key from. */
  const missingKeys = new WeakMap<ModelHandle, string>();
  // Every key and credential of every provider resolved so far: a gateway may echo any of them.
  const secrets = new Set<string>();
  const redact = (text: string) => redactSecrets(text, secrets);
  const onRetry = options.onRetry && ((info: RetryInfo) => options.onRetry!({ ...info, reason: redact(info.reason) }));

  function create(config: ProviderConfig): ModelHandle {
    const parsed = parseProviderId(config.id);
    const { provider, modelId } = parsed;
    const base = createLanguageModel(parsed, config.config, env, options.fetch ?? keepAliveFetch);
    for (const secret of base.secrets) secrets.add(secret);
    // The base URL and headers are part of every key: another server's answers are not this one's.
    // The API is part of it too: `openai:responses:gpt-4o` and `openai:gpt-4o` are different calls.
    const keyOf = createKeyFunction(parsed.api ? `${provider}.${parsed.api}` : provider, modelId, deploymentOf(base.baseUrl, config.config?.headers));
    const middleware: LanguageModelV3Middleware[] = [];
    if (cassette) middleware.push(cassette.middleware({ provider, modelId, keyOf }));
    // Replaying never reaches the cache; recording stores fresh responses, not cached ones.
    if (cacheDirectory && cassette === undefined) middleware.push(cacheMiddleware({ directory: cacheDirectory, provider, modelId, keyOf }));
    if (config.limits) middleware.push(rateLimitMiddleware(config.limits));
    if (provider !== 'echo') {
      middleware.push(
        retryMiddleware({
          provider,
          modelId,
          retries: config.retries ?? options.retries,
          baseDelayMs: options.retryDelay?.baseMs,
          maxDelayMs: options.retryDelay?.maxMs,
          apiKeyEnv: base.apiKeyEnv,
          baseUrl: base.baseUrl,
          onRetry,
        }),
        timeoutMiddleware({ provider, timeoutMs: config.timeoutMs ?? options.timeoutMs }),
      );
    }
    const model = middleware.length === 0 ? base.model : applyMiddleware(base.model, middleware);
    const errorContext = { provider, modelId, apiKeyEnv: base.apiKeyEnv, baseUrl: base.baseUrl };
    const defaults = config.config;

    const handle: ModelHandle = {
      id: config.id,
      label: config.label ?? config.id,
      modelId,
      provider,
      limits: { concurrency: config.limits?.concurrency },
      async call(request: ModelRequest): Promise<ModelResponse> {
        const warnings: string[] = [];
        const params = toCallOptions(request, defaults, warnings);
        const started = performance.now();
        let result;
        try {
          result = await model.doGenerate(params);
        } catch (error) {
          if (request.abortSignal?.aborted) throw error;
          if (AssayError.isInstance(error) && error.name !== 'ProviderError') throw error; // a cassette's ConfigError
          // Here a call's failure becomes the text the terminal, result files, the store and the server show.
          throw redactProviderError(toProviderError(error, errorContext), redact);
        }
        return toModelResponse(result, performance.now() - started, warnings);
      },
    };
    if (base.missingKey) missingKeys.set(handle, base.apiKeyEnv ?? 'the API key variable');
    return handle;
  }

  function resolve(config: ProviderConfig | string): ModelHandle {
    const cacheKey = typeof config === 'string' ? config : JSON.stringify(config);
    let handle = handles.get(cacheKey);
    if (handle === undefined) {
      handle = create(typeof config === 'string' ? { id: config } : config);
      handles.set(cacheKey, handle);
    }
    return handle;
  }

  const embeddings = createEmbeddingRegistry(options, { env, fetch: options.fetch ?? keepAliveFetch, cassette, cacheDirectory });

  return {
    resolve,
    resolveEmbedding: embeddings.resolve,
    checkEmbeddingKeys: embeddings.checkKeys,
    async flush() {
      await cassette?.flush();
    },
    checkKeys(configs) {
      if (cassette?.mode === 'replay') return;
      const missing = new Map<string, { label: string; env: string }>();
      for (const config of configs) {
        const handle = resolve(config);
        const env = missingKeys.get(handle);
        if (env !== undefined) missing.set(handle.label, { label: handle.label, env });
      }
      if (missing.size === 0) return;
      const entries = [...missing.values()];
      const variables = [...new Set(entries.map((entry) => entry.env))];
      throw new ConfigError(`No API key for ${entries.map((entry) => `${entry.label} (${entry.env} is not set)`).join(', ')}`, {
        field: 'providers[].config.apiKey',
        hint: `set ${variables.join(' and ')} (or apiKey / apiKeyEnv in the provider entry), or replay a cassette with --replay`,
        docs: 'providers.md',
      });
    },
  };
}
