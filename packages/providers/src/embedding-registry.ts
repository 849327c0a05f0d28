import type { EmbeddingModelV3, EmbeddingModelV3Middleware } from '@ai-sdk/provider';
import { redactSecrets } from '@assay/core';
import { AssayError, ConfigError, type EmbeddingProviderConfig, type EmbeddingProviderRef } from '@assay/spec';
import { createEmbeddingModel, defaultEmbeddingModel, parseEmbeddingId } from './create-embedding-model.ts';
import { createEmbeddingKeyFunction } from './embedding-request-key.ts';
import { embeddingCacheMiddleware } from './middleware/cache.ts';
import type { Cassette } from './middleware/cassette.ts';
import { createRetrying, toProviderError } from './middleware/retry.ts';
import { withTimeout } from './middleware/timeout.ts';
import { cachedMetadata } from './recorded-response.ts';
import { redactProviderError } from './redact-provider-error.ts';
import { deploymentOf } from './request-key.ts';
import type { ProviderRegistryOptions, RetryInfo } from './types.ts';

export interface EmbeddingRequest {
  values: readonly string[];
  abortSignal?: AbortSignal;
}

export interface EmbeddingResponse {
  /** One vector per value, in order. */
  embeddings: number[][];
  /** Every vector came from the on-disk cache or a cassette. */
  cached: boolean;
  latencyMs: number;
}

/** A resolved embedding model (`similar` assertions call it through the runner). */
export interface EmbeddingHandle {
  /** The id as configured, e.g. `openai:embedding:text-embedding-3-small`. */
  id: string;
  provider: string;
  modelId: string;
  embed(request: EmbeddingRequest): Promise<EmbeddingResponse>;
}

export interface EmbeddingRegistry {
  /** The handle for an embedding model (`defaultEmbeddingModel` when none is named); the same entry gives the same handle. */
  resolve(ref?: EmbeddingProviderRef): EmbeddingHandle;
  /** Throws a ConfigError naming each model that needs an API key and has none (nothing when replaying). */
  checkKeys(refs: readonly EmbeddingProviderRef[]): void;
}

/**
 * Embedding models with the provider registry's cassette or cache, retries and timeouts, in that
 * order from the outside in. Vectors are cached and recorded one text at a time.
 */
export function createEmbeddingRegistry(
  options: ProviderRegistryOptions,
  shared: { env: Record<string, string | undefined>; fetch: typeof globalThis.fetch; cassette?: Cassette; cacheDirectory?: string },
): EmbeddingRegistry {
  const handles = new Map<string, EmbeddingHandle>();
  const missingKeys = new WeakMap<EmbeddingHandle, string>();
  const secrets = new Set<string>();
  const redact = (text: string) => redactSecrets(text, secrets);
  const onRetry = options.onRetry && ((info: RetryInfo) => options.onRetry!({ ...info, reason: redact(info.reason) }));

  function create(entry: EmbeddingProviderConfig): EmbeddingHandle {
    const { provider, modelId } = parseEmbeddingId(entry.id);
    const base = createEmbeddingModel({ provider, modelId }, entry.config, shared.env, shared.fetch);
    for (const secret of base.secrets) secrets.add(secret);
    const dimensions = entry.config?.dimensions;
    const keyOf = createEmbeddingKeyFunction(provider, modelId, deploymentOf(base.baseUrl, entry.config?.headers)!, dimensions);
    const layers: EmbeddingModelV3Middleware[] = [];
    if (shared.cassette) layers.push(shared.cassette.embeddingMiddleware({ provider, modelId, keyOf }));
    else if (shared.cacheDirectory) layers.push(embeddingCacheMiddleware({ directory: shared.cacheDirectory, provider, modelId, keyOf }));
    const errorContext = { provider, modelId, apiKeyEnv: base.apiKeyEnv, baseUrl: base.baseUrl };
    const retrying = createRetrying({
      ...errorContext,
      retries: entry.retries ?? options.retries,
      baseDelayMs: options.retryDelay?.baseMs,
      maxDelayMs: options.retryDelay?.maxMs,
      onRetry,
    });
    const timeout = { provider, timeoutMs: entry.timeoutMs ?? options.timeoutMs };
    layers.push(
      { specificationVersion: 'v3', wrapEmbed: ({ doEmbed, params }) => retrying(doEmbed, params.abortSignal) },
      { specificationVersion: 'v3', wrapEmbed: ({ params, model }) => withTimeout((abortSignal) => model.doEmbed({ ...params, abortSignal }), params.abortSignal, timeout) },
    );
    const model = layers.reduceRight<EmbeddingModelV3>((inner, layer) => wrapEmbeddingModel(inner, layer), base.model);
    // `dimensions` is a provider option in the AI SDK, under each provider's own name.
    const providerOptions = dimensions === undefined ? undefined : { openai: { dimensions }, openaiCompatible: { dimensions }, [provider]: { dimensions } };

    const handle: EmbeddingHandle = {
      id: entry.id,
      provider,
      modelId,
      async embed(request) {
        const started = performance.now();
        let result;
        try {
          result = await model.doEmbed({ values: [...request.values], abortSignal: request.abortSignal, ...(providerOptions ? { providerOptions } : {}) });
        } catch (error) {
          if (request.abortSignal?.aborted) throw error;
          if (AssayError.isInstance(error) && error.name !== 'ProviderError') throw error;
          throw redactProviderError(toProviderError(error, errorContext), redact);
        }
        return { embeddings: result.embeddings, cached: result.providerMetadata === cachedMetadata, latencyMs: performance.now() - started };
      },
    };
    if (base.missingKey) missingKeys.set(handle, base.apiKeyEnv ?? 'the API key variable');
    return handle;
  }

  function resolve(ref: EmbeddingProviderRef = defaultEmbeddingModel): EmbeddingHandle {
    const cacheKey = typeof ref === 'string' ? ref : JSON.stringify(ref);
    let handle = handles.get(cacheKey);
    if (handle === undefined) {
      handle = create(typeof ref === 'string' ? { id: ref } : ref);
      handles.set(cacheKey, handle);
    }
    return handle;
  }

  return {
    resolve,
    checkKeys(refs) {
      if (shared.cassette?.mode === 'replay') return;
      const missing = new Map<string, string>();
      for (const ref of refs) {
        const handle = resolve(ref);
        const env = missingKeys.get(handle);
        if (env !== undefined) missing.set(handle.id, env);
      }
      if (missing.size === 0) return;
      throw new ConfigError(`No API key for the embedding model ${[...missing].map(([id, env]) => `${id} (${env} is not set)`).join(', ')}`, {
        field: 'options.embedding',
        hint: `set ${[...new Set(missing.values())].join(' and ')}, or name another embedding model in options.embedding, or replay a cassette with --replay`,
        docs: 'providers.md#embedding-models',
      });
    },
  };
}

/** `wrapEmbeddingModel` of the AI SDK for one layer (the `ai` package stays out of the CLI's start-up, see apply-middleware.ts). */
function wrapEmbeddingModel(inner: EmbeddingModelV3, layer: EmbeddingModelV3Middleware): EmbeddingModelV3 {
  return {
    specificationVersion: 'v3',
    provider: inner.provider,
    modelId: inner.modelId,
    maxEmbeddingsPerCall: inner.maxEmbeddingsPerCall,
    supportsParallelCalls: inner.supportsParallelCalls,
    async doEmbed(params) {
      return layer.wrapEmbed ? layer.wrapEmbed({ doEmbed: () => inner.doEmbed(params), params, model: inner }) : inner.doEmbed(params);
    },
  };
}
