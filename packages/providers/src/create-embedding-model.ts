import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { EmbeddingModelV3 } from '@ai-sdk/provider';
import { headerSecrets, urlSecrets } from '@assay/core';
import { ConfigError, ProviderError, type EmbeddingProviderConfig } from '@assay/spec';

/** The embedding model of `similar` assertions when neither the assertion nor the suite names one. */
export const defaultEmbeddingModel = 'openai:text-embedding-3-small';

export type EmbeddingProviderName = 'openai' | 'ollama' | 'openai-compatible';

export interface ParsedEmbeddingId {
  provider: EmbeddingProviderName;
  modelId: string;
}

const embeddingProviders: readonly EmbeddingProviderName[] = ['openai', 'ollama', 'openai-compatible'];
/** promptfoo writes the API between the provider and the model: `openai:embedding:text-embedding-3-large`. */
const apiSegment = /^embeddings?:/;

/**
 * Splits an embedding model id into provider and model: `openai:text-embedding-3-small`,
 * `openai:embedding:text-embedding-3-small` (promptfoo's spelling), `ollama:nomic-embed-text`,
 * `openai-compatible:embedding:bge-m3` (with `config.apiBaseUrl`).
 *
 * @example
 * parseEmbeddingId('openai:embedding:text-embedding-3-large'); // { provider: 'openai', modelId: 'text-embedding-3-large' }
 */
export function parseEmbeddingId(id: string): ParsedEmbeddingId {
  const trimmed = id.trim();
  const colon = trimmed.indexOf(':');
  const prefix = colon === -1 ? trimmed : trimmed.slice(0, colon);
  const known = `known embedding models: ${embeddingProviders.map((name) => `${name}:<model>`).join(', ')} (also as ${'<provider>:embedding:<model>'})`;
  if (colon === -1 || !(embeddingProviders as readonly string[]).includes(prefix)) {
    throw new ConfigError(`Assay has no embedding models from provider "${prefix}" (in "${id}")`, {
      field: 'provider',
      hint: /^text-embedding/.test(trimmed) ? `did you mean "openai:${trimmed}"? (${known})` : `${known}; any OpenAI-compatible server works as openai-compatible:<model> with config.apiBaseUrl`,
      docs: 'providers.md#embedding-models',
    });
  }
  const modelId = trimmed.slice(colon + 1).replace(apiSegment, '');
  if (modelId === '') {
    throw new ConfigError(`embedding model id "${id}" names no model`, { field: 'provider', hint: `write it as ${prefix}:<model>, e.g. ${defaultEmbeddingModel}`, docs: 'providers.md#embedding-models' });
  }
  return { provider: prefix as EmbeddingProviderName, modelId };
}

export interface BaseEmbeddingModel {
  model: EmbeddingModelV3;
  baseUrl: string;
  /** The env var the key is (or should be) read from. */
  apiKeyEnv?: string;
  /** Key, credential headers and base-URL credentials: redacted from every error. */
  secrets: string[];
  /** The model needs a key and has none: every real call fails. */
  missingKey?: boolean;
}

/**
 * The AI SDK embedding model for a parsed id. Keys and URLs come from the config first, then
 * `env` (`OPENAI_API_KEY`, `OPENAI_BASE_URL`, `OLLAMA_BASE_URL`), as for chat models. A missing
 * key fails on the first real call (a cassette replay needs none) and says so in `missingKey`.
 */
export function createEmbeddingModel(
  parsed: ParsedEmbeddingId,
  config: EmbeddingProviderConfig['config'],
  env: Record<string, string | undefined>,
  fetch: typeof globalThis.fetch | undefined,
): BaseEmbeddingModel {
  const { provider, modelId } = parsed;
  const headers = config?.headers;
  let baseUrl: string;
  let apiKeyEnv = config?.apiKeyEnv;
  if (provider === 'openai') {
    apiKeyEnv ??= 'OPENAI_API_KEY';
    baseUrl = config?.apiBaseUrl ?? env.OPENAI_BASE_URL ?? 'https://api.openai.com/v1';
  } else if (provider === 'ollama') {
    baseUrl = config?.apiBaseUrl ?? withV1(env.OLLAMA_BASE_URL ?? 'http://127.0.0.1:11434');
  } else if (config?.apiBaseUrl) baseUrl = config.apiBaseUrl;
  else {
    throw new ConfigError(`embedding model "openai-compatible:${modelId}" needs config.apiBaseUrl`, {
      field: 'provider.config.apiBaseUrl',
      hint: "write provider: { id: openai-compatible:<model>, config: { apiBaseUrl: http://localhost:8000/v1 } } (the server's OpenAI-compatible root)",
      docs: 'providers.md#embedding-models',
    });
  }
  // Only OpenAI falls back to OPENAI_API_KEY: another server must not receive an OpenAI key.
  const apiKey = config?.apiKey ?? (apiKeyEnv ? env[apiKeyEnv] : undefined);
  const secrets = [...(apiKey ? [apiKey] : []), ...headerSecrets(headers), ...urlSecrets(baseUrl)];
  if (apiKeyEnv && !apiKey) return { model: missingKeyEmbeddingModel(provider, modelId, apiKeyEnv), baseUrl, apiKeyEnv, secrets, missingKey: true };
  const model =
    provider === 'openai'
      ? createOpenAI({ apiKey, baseURL: baseUrl, headers, fetch }).embedding(modelId)
      : createOpenAICompatible({ name: provider, baseURL: baseUrl, apiKey, headers, fetch }).embeddingModel(modelId);
  return { model, baseUrl, ...(apiKeyEnv ? { apiKeyEnv } : {}), secrets };
}

/** Ollama's OpenAI-compatible API is under /v1; people usually set the bare host. */
function withV1(url: string): string {
  const trimmed = url.replace(/\/+$/, '');
  return /\/v1$/.test(trimmed) ? trimmed : `${trimmed}/v1`;
}

function missingKeyEmbeddingModel(provider: string, modelId: string, apiKeyEnv: string): EmbeddingModelV3 {
  return {
    specificationVersion: 'v3',
    provider,
    modelId,
    maxEmbeddingsPerCall: undefined,
    supportsParallelCalls: true,
    async doEmbed() {
      throw new ProviderError(`${provider}:${modelId}: no API key for the embedding model (${apiKeyEnv} is not set)`, {
        provider,
        hint: `set ${apiKeyEnv}, or name another embedding model (\`provider:\` on the similar assertion; \`options.embedding\` in an Assay suite, \`defaultTest.options.provider.embedding\` in a promptfoo config), or replay a cassette with --replay`,
        docs: 'providers.md#embedding-models',
      });
    },
  };
}
