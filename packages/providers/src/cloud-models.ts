import { createAmazonBedrock } from '@ai-sdk/amazon-bedrock';
import { createAzure } from '@ai-sdk/azure';
import { createGoogleGenerativeAI } from '@ai-sdk/google';
import { createVertex } from '@ai-sdk/google-vertex';
import { ConfigError, type ProviderConfig } from '@assay/spec';
import type { ParsedProviderId } from './parse-provider-id.ts';

type Env = Record<string, string | undefined>;
type Config = ProviderConfig['config'];

/** What a cloud provider's model needs; `create-language-model.ts` adds the secrets and the missing-key model. */
export interface CloudModelPlan {
  baseUrl: string;
  apiKeyEnv: string;
  /** Credentials to redact besides the base URL's and the headers'. */
  credentials: string[];
  /** Undefined when a credential is missing. */
  create?: () => import('@ai-sdk/provider').LanguageModelV3;
}

/** The first variable of `names` that is set, and its name (or the first name when none is). */
function firstSet(env: Env, names: readonly string[]): { name: string; value: string | undefined } {
  for (const name of names) if (env[name]) return { name, value: env[name] };
  return { name: names[0]!, value: undefined };
}

/**
 * Azure OpenAI: `azure:chat:<deployment>` calls
 * `<apiBaseUrl>/openai/deployments/<deployment>/chat/completions?api-version=…`, as promptfoo's
 * Azure provider does. `apiBaseUrl` is the resource's address (`https://my-resource.openai.azure.com`;
 * promptfoo's bare `apiHost` arrives here with https:// added).
 */
export function azurePlan(parsed: ParsedProviderId, config: Config, env: Env, fetch: typeof globalThis.fetch | undefined): CloudModelPlan {
  const fromEnv = firstSet(env, ['AZURE_OPENAI_API_BASE_URL', 'AZURE_API_BASE_URL', 'AZURE_OPENAI_ENDPOINT']).value;
  const host = firstSet(env, ['AZURE_OPENAI_API_HOST', 'AZURE_API_HOST']).value;
  const resource = config?.apiBaseUrl ?? fromEnv ?? (host ? `https://${host.replace(/^https?:\/\//, '')}` : undefined);
  if (!resource) {
    throw new ConfigError(`provider "azure:chat:${parsed.modelId}" needs the address of your Azure OpenAI resource`, {
      field: 'providers[].config.apiBaseUrl',
      hint: 'set config.apiHost (my-resource.openai.azure.com) or config.apiBaseUrl (https://my-resource.openai.azure.com), or AZURE_OPENAI_API_HOST',
      docs: 'providers.md#azure-openai',
    });
  }
  const trimmed = resource.replace(/\/+$/, '');
  const baseUrl = /\/openai$/.test(trimmed) ? trimmed : `${trimmed}/openai`;
  const key = config?.apiKeyEnv ? { name: config.apiKeyEnv, value: env[config.apiKeyEnv] } : firstSet(env, ['AZURE_API_KEY', 'AZURE_OPENAI_API_KEY']);
  const apiKey = config?.apiKey ?? key.value;
  return {
    baseUrl,
    apiKeyEnv: key.name,
    credentials: apiKey ? [apiKey] : [],
    create: apiKey
      ? () => {
          const azure = createAzure({ baseURL: baseUrl, apiKey, apiVersion: config?.apiVersion ?? '2024-10-21', useDeploymentBasedUrls: true, headers: config?.headers, fetch });
          return parsed.api === 'responses' ? azure.responses(parsed.modelId) : azure.chat(parsed.modelId);
        }
      : undefined,
  };
}

/** Google AI Studio (the Gemini API): `google:<model>`, keyed by GOOGLE_API_KEY or GEMINI_API_KEY as in promptfoo. */
export function googlePlan(parsed: ParsedProviderId, config: Config, env: Env, fetch: typeof globalThis.fetch | undefined): CloudModelPlan {
  const key = config?.apiKeyEnv ? { name: config.apiKeyEnv, value: env[config.apiKeyEnv] } : firstSet(env, ['GOOGLE_API_KEY', 'GEMINI_API_KEY', 'GOOGLE_GENERATIVE_AI_API_KEY']);
  const apiKey = config?.apiKey ?? key.value;
  const baseUrl = config?.apiBaseUrl ?? 'https://generativelanguage.googleapis.com/v1beta';
  return {
    baseUrl,
    apiKeyEnv: key.name,
    credentials: apiKey ? [apiKey] : [],
    create: apiKey ? () => createGoogleGenerativeAI({ baseURL: baseUrl, apiKey, headers: config?.headers, fetch }).chat(parsed.modelId) : undefined,
  };
}

/**
 * Vertex AI: with an API key (express mode, GOOGLE_VERTEX_API_KEY) requests carry the key; without
 * one, Google's application default credentials for the project (config.projectId or
 * GOOGLE_VERTEX_PROJECT / GOOGLE_CLOUD_PROJECT) sign them.
 */
export function vertexPlan(parsed: ParsedProviderId, config: Config, env: Env, fetch: typeof globalThis.fetch | undefined): CloudModelPlan {
  const key = config?.apiKeyEnv ? { name: config.apiKeyEnv, value: env[config.apiKeyEnv] } : firstSet(env, ['GOOGLE_VERTEX_API_KEY', 'VERTEX_API_KEY']);
  const apiKey = config?.apiKey ?? key.value;
  const project = config?.projectId ?? firstSet(env, ['GOOGLE_VERTEX_PROJECT', 'VERTEX_PROJECT_ID', 'GOOGLE_CLOUD_PROJECT']).value;
  const location = config?.region ?? firstSet(env, ['GOOGLE_VERTEX_LOCATION', 'VERTEX_REGION', 'GOOGLE_CLOUD_LOCATION']).value ?? 'us-central1';
  const host = location === 'global' ? 'aiplatform.googleapis.com' : `${location}-aiplatform.googleapis.com`;
  const baseUrl =
    config?.apiBaseUrl ??
    (apiKey ? 'https://aiplatform.googleapis.com/v1/publishers/google' : `https://${host}/v1beta1/projects/${project ?? '<project>'}/locations/${location}/publishers/google`);
  const usable = apiKey !== undefined || project !== undefined;
  return {
    baseUrl,
    apiKeyEnv: apiKey || !project ? key.name : 'GOOGLE_APPLICATION_CREDENTIALS',
    credentials: apiKey ? [apiKey] : [],
    create: usable
      ? () =>
          // An empty key keeps the AI SDK from reading GOOGLE_VERTEX_API_KEY from the process behind the suite's env.
          createVertex({ apiKey: apiKey ?? '', project, location, baseURL: config?.apiBaseUrl, headers: config?.headers, fetch }).languageModel(parsed.modelId)
      : undefined,
  };
}

/**
 * Amazon Bedrock's Converse API: `bedrock:<model id>`, signed with AWS_ACCESS_KEY_ID /
 * AWS_SECRET_ACCESS_KEY (SigV4) or sent with a Bedrock API key (AWS_BEARER_TOKEN_BEDROCK).
 */
export function bedrockPlan(parsed: ParsedProviderId, config: Config, env: Env, fetch: typeof globalThis.fetch | undefined): CloudModelPlan {
  const region = config?.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const baseUrl = config?.apiBaseUrl ?? env.AWS_ENDPOINT_URL_BEDROCK_RUNTIME ?? `https://bedrock-runtime.${region}.amazonaws.com`;
  const bearer = config?.apiKey ?? (config?.apiKeyEnv ? env[config.apiKeyEnv] : env.AWS_BEARER_TOKEN_BEDROCK);
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  const sessionToken = env.AWS_SESSION_TOKEN;
  const signed = accessKeyId !== undefined && secretAccessKey !== undefined;
  return {
    baseUrl,
    apiKeyEnv: bearer || signed ? (config?.apiKeyEnv ?? 'AWS_BEARER_TOKEN_BEDROCK') : 'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_BEARER_TOKEN_BEDROCK)',
    credentials: [bearer, secretAccessKey, sessionToken].filter((value): value is string => !!value),
    create:
      bearer || signed
        ? () =>
            createAmazonBedrock({
              baseURL: baseUrl,
              region,
              // An empty key means SigV4 with the credentials below, not a key read from the process.
              apiKey: bearer ?? '',
              accessKeyId,
              secretAccessKey,
              sessionToken,
              headers: config?.headers,
              fetch,
            }).languageModel(parsed.modelId)
        : undefined,
  };
}
