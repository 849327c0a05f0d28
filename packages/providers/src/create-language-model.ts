import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { LanguageModelV3 } from '@ai-sdk/provider';
import { headerSecrets, urlSecrets } from '@assay/core';
import { ConfigError, ProviderError, type ProviderConfig } from '@assay/spec';
import { EchoLanguageModel } from './echo-model.ts';
import type { ParsedProviderId } from './parse-provider-id.ts';

export interface BaseModel {
  model: LanguageModelV3;
  /** Where requests go; named in "unreachable" hints. */
  baseUrl?: string;
  /** The env var a key is (or should be) read from; named in 401 hints. */
  apiKeyEnv?: string;
  /** The key, credential headers and base-URL credentials this model sends: redacted from every error. */
  secrets: string[];
  /** Set when the model needs a key and has none: every real call fails (`ProviderRegistry.checkKeys`). */
  missingKey?: boolean;
}

const defaultEnvKeys = { openai: 'OPENAI_API_KEY', anthropic: 'ANTHROPIC_API_KEY' } as const;

/**
 * The AI SDK model for a parsed provider id. Keys and URLs come from the provider config first,
 * then `env`. A missing key does not fail here (a cassette replay needs none): the model returned
 * fails on its first real call instead, and says so in `missingKey`.
 */
export function createLanguageModel(
  parsed: ParsedProviderId,
  config: ProviderConfig['config'],
  env: Record<string, string | undefined>,
  fetch: typeof globalThis.fetch | undefined,
): BaseModel {
  const { provider, modelId } = parsed;
  const headers = config?.headers;
  if (provider === 'echo') return { model: new EchoLanguageModel(modelId), secrets: [] };

  if (provider === 'openai' || provider === 'anthropic') {
    const apiKeyEnv = config?.apiKeyEnv ?? defaultEnvKeys[provider];
    const apiKey = config?.apiKey ?? env[apiKeyEnv];
    const baseUrl = config?.apiBaseUrl ?? env[provider === 'openai' ? 'OPENAI_BASE_URL' : 'ANTHROPIC_BASE_URL'] ?? undefined;
    const shownUrl = baseUrl ?? (provider === 'openai' ? 'https://api.openai.com/v1' : 'https://api.anthropic.com/v1');
    const secrets = secretsOf(apiKey, headers, baseUrl);
    if (!apiKey) return { model: missingKeyModel(provider, modelId, apiKeyEnv), baseUrl: shownUrl, apiKeyEnv, secrets, missingKey: true };
    const model =
      provider === 'openai'
        ? // Chat Completions, not Responses: it is what OpenAI-compatible base URLs speak.
          createOpenAI({ apiKey, baseURL: baseUrl, headers, fetch }).chat(modelId)
        : createAnthropic({ apiKey, baseURL: baseUrl, headers, fetch }).messages(modelId);
    return { model, baseUrl: shownUrl, apiKeyEnv, secrets };
  }

  let baseUrl: string | undefined;
  if (provider === 'ollama') baseUrl = config?.apiBaseUrl ?? ollamaBaseUrl(env.OLLAMA_BASE_URL);
  else {
    baseUrl = config?.apiBaseUrl;
    if (!baseUrl) {
      throw new ConfigError(`provider "openai-compatible:${modelId}" needs config.apiBaseUrl`, {
        field: 'providers[].config.apiBaseUrl',
        hint: 'set config.apiBaseUrl to the server\'s OpenAI-compatible root, e.g. http://localhost:8000/v1',
        docs: 'providers.md',
      });
    }
  }
  // Never fall back to OPENAI_API_KEY here: it would send an OpenAI key to a third-party server.
  const apiKeyEnv = config?.apiKeyEnv;
  const apiKey = config?.apiKey ?? (apiKeyEnv ? env[apiKeyEnv] : undefined);
  const secrets = secretsOf(apiKey, headers, baseUrl);
  if (apiKeyEnv && !apiKey) return { model: missingKeyModel(provider, modelId, apiKeyEnv), baseUrl, apiKeyEnv, secrets, missingKey: true };
  const model = createOpenAICompatible({ name: provider, baseURL: baseUrl, apiKey, headers, fetch, includeUsage: true }).chatModel(modelId);
  return { model, baseUrl, apiKeyEnv, secrets };
}

function secretsOf(apiKey: string | undefined, headers: Record<string, string> | undefined, baseUrl: string | undefined): string[] {
  return [...(apiKey ? [apiKey] : []), ...headerSecrets(headers), ...urlSecrets(baseUrl)];
}

/** Ollama's OpenAI-compatible API lives under /v1; accept the bare host people usually set. */
function ollamaBaseUrl(fromEnv: string | undefined): string {
  if (!fromEnv) return 'http://127.0.0.1:11434/v1';
  const trimmed = fromEnv.replace(/\/+$/, '');
  try {
    return new URL(trimmed).pathname === '/' ? `${trimmed}/v1` : trimmed;
  } catch {
    return trimmed;
  }
}

function missingKeyModel(provider: string, modelId: string, apiKeyEnv: string): LanguageModelV3 {
  const fail = async (): Promise<never> => {
    throw new ProviderError(`${provider}:${modelId}: no API key (${apiKeyEnv} is not set)`, {
      provider,
      hint: `set ${apiKeyEnv}, or apiKey / apiKeyEnv in the provider config, or replay a cassette with --replay`,
      docs: 'providers.md',
    });
  };
  return { specificationVersion: 'v3', provider, modelId, supportedUrls: {}, doGenerate: fail, doStream: fail };
}
