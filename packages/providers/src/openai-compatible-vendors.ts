/**
 * Hosted vendors that speak OpenAI's Chat Completions API, by the provider prefix promptfoo (and
 * Assay) give them: where their API lives and the variable their key is read from. A provider
 * entry's `config.apiBaseUrl` and `apiKeyEnv` / `apiKey` override both.
 */
export const openAICompatibleVendors = {
  xai: { baseUrl: 'https://api.x.ai/v1', apiKeyEnv: 'XAI_API_KEY' },
  mistral: { baseUrl: 'https://api.mistral.ai/v1', apiKeyEnv: 'MISTRAL_API_KEY' },
  openrouter: { baseUrl: 'https://openrouter.ai/api/v1', apiKeyEnv: 'OPENROUTER_API_KEY' },
  groq: { baseUrl: 'https://api.groq.com/openai/v1', apiKeyEnv: 'GROQ_API_KEY' },
  cerebras: { baseUrl: 'https://api.cerebras.ai/v1', apiKeyEnv: 'CEREBRAS_API_KEY' },
  perplexity: { baseUrl: 'https://api.perplexity.ai', apiKeyEnv: 'PERPLEXITY_API_KEY' },
  hyperbolic: { baseUrl: 'https://api.hyperbolic.xyz/v1', apiKeyEnv: 'HYPERBOLIC_API_KEY' },
  deepseek: { baseUrl: 'https://api.deepseek.com/v1', apiKeyEnv: 'DEEPSEEK_API_KEY' },
  together: { baseUrl: 'https://api.together.xyz/v1', apiKeyEnv: 'TOGETHER_API_KEY' },
  fireworks: { baseUrl: 'https://api.fireworks.ai/inference/v1', apiKeyEnv: 'FIREWORKS_API_KEY' },
  deepinfra: { baseUrl: 'https://api.deepinfra.com/v1/openai', apiKeyEnv: 'DEEPINFRA_API_KEY' },
  aimlapi: { baseUrl: 'https://api.aimlapi.com/v1', apiKeyEnv: 'AIML_API_KEY' },
  nscale: { baseUrl: 'https://inference.api.nscale.com/v1', apiKeyEnv: 'NSCALE_SERVICE_TOKEN' },
  cometapi: { baseUrl: 'https://api.cometapi.com/v1', apiKeyEnv: 'COMETAPI_KEY' },
  github: { baseUrl: 'https://models.github.ai/inference', apiKeyEnv: 'GITHUB_TOKEN' },
  nvidia: { baseUrl: 'https://integrate.api.nvidia.com/v1', apiKeyEnv: 'NVIDIA_API_KEY' },
  // A LiteLLM proxy of your own, which may want no key.
  litellm: { baseUrl: 'http://0.0.0.0:4000', apiKeyEnv: 'LITELLM_API_KEY', keyOptional: true },
} as const satisfies Record<string, { baseUrl: string; apiKeyEnv: string; keyOptional?: boolean }>;

export type VendorName = keyof typeof openAICompatibleVendors;

/** Other spellings promptfoo accepts for a vendor's prefix. */
export const vendorAliases: Record<string, VendorName> = { togetherai: 'together' };

export function isVendor(name: string): name is VendorName {
  return Object.hasOwn(openAICompatibleVendors, name);
}
