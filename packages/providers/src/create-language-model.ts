import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { LanguageModelV3 } from '@ai-sdk/provider';
import { headerSecrets, urlSecrets } from '@assay/core';
import { ConfigError, ProviderError, type ProviderConfig } from '@assay/spec';
import { azurePlan, bedrockPlan, googlePlan, vertexPlan, type CloudModelPlan } from './cloud-models.ts';
import { EchoLanguageModel } from './echo-model.ts';
import { HttpLanguageModel } from './http-model.ts';
import { isVendor, openAICompatibleVendors } from './openai-compatible-vendors.ts';
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
  if (provider === 'http') {
    const model = new HttpLanguageModel(modelId, config, fetch);
    return { model, baseUrl: model.url, secrets: secretsOf(undefined, headers, model.url) };
  }
  const plan = cloudPlans[provider as keyof typeof cloudPlans];
  if (plan) return fromPlan(parsed, plan(parsed, config, env, fetch), headers);

  if (provider === 'openai' || provider === 'anthropic') {
    const apiKeyEnv = config?.apiKeyEnv ?? defaultEnvKeys[provider];
    const apiKey = config?.apiKey ?? env[apiKeyEnv];
    const baseUrl = config?.apiBaseUrl ?? env[provider === 'openai' ? 'OPENAI_BASE_URL' : 'ANTHROPIC_BASE_URL'] ?? undefined;
    const shownUrl = baseUrl ?? (provider === 'openai' ? 'https://api.openai.com/v1' : 'https://api.anthropic.com/v1');
    const secrets = secretsOf(apiKey, headers, baseUrl);
    if (!apiKey) return { model: missingKeyModel(provider, modelId, apiKeyEnv), baseUrl: shownUrl, apiKeyEnv, secrets, missingKey: true };
    let model: LanguageModelV3;
    if (provider === 'anthropic') model = createAnthropic({ apiKey, baseURL: baseUrl, headers, fetch }).messages(modelId);
    else {
      const openai = createOpenAI({ apiKey, baseURL: baseUrl, headers, fetch });
      // Chat Completions unless the id says responses: it is what OpenAI-compatible base URLs speak.
      model = parsed.api === 'responses' ? openai.responses(modelId) : openai.chat(modelId);
    }
    return { model, baseUrl: shownUrl, apiKeyEnv, secrets };
  }

  let baseUrl: string | undefined;
  let apiKeyEnv = config?.apiKeyEnv;
  let keyOptional = false;
  if (provider === 'ollama') baseUrl = config?.apiBaseUrl ?? ollamaBaseUrl(env.OLLAMA_BASE_URL);
  else if (isVendor(provider)) {
    const vendor: { baseUrl: string; apiKeyEnv: string; keyOptional?: boolean } = openAICompatibleVendors[provider];
    baseUrl = config?.apiBaseUrl ?? vendor.baseUrl;
    apiKeyEnv ??= vendor.apiKeyEnv;
    keyOptional = vendor.keyOptional === true && config?.apiKeyEnv === undefined;
  } else {
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
  const apiKey = config?.apiKey ?? (apiKeyEnv ? env[apiKeyEnv] : undefined);
  const secrets = secretsOf(apiKey, headers, baseUrl);
  if (apiKeyEnv && !apiKey && !keyOptional) return { model: missingKeyModel(provider, modelId, apiKeyEnv), baseUrl, apiKeyEnv, secrets, missingKey: true };
  const model = createOpenAICompatible({ name: provider, baseURL: baseUrl, apiKey, headers, fetch, includeUsage: true }).chatModel(modelId);
  return { model, baseUrl, apiKeyEnv, secrets };
}

const cloudPlans = { azure: azurePlan, google: googlePlan, vertex: vertexPlan, bedrock: bedrockPlan } as const;

function fromPlan(parsed: ParsedProviderId, plan: CloudModelPlan, headers: Record<string, string> | undefined): BaseModel {
  const secrets = [...secretsOf(undefined, headers, plan.baseUrl), ...plan.credentials];
  const { baseUrl, apiKeyEnv } = plan;
  if (!plan.create) return { model: missingKeyModel(parsed.provider, parsed.modelId, apiKeyEnv), baseUrl, apiKeyEnv, secrets, missingKey: true };
  return { model: plan.create(), baseUrl, apiKeyEnv, secrets };
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
