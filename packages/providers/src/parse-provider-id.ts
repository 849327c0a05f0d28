import { ConfigError } from '@assay/spec';

export type ProviderName = 'openai' | 'anthropic' | 'openai-compatible' | 'ollama' | 'echo';

export interface ParsedProviderId {
  provider: ProviderName;
  modelId: string;
}

/** Optional API-style segment each provider accepts between the prefix and the model id. */
const apiSegments: Record<Exclude<ProviderName, 'echo'>, string | undefined> = {
  openai: 'chat:',
  anthropic: 'messages:',
  ollama: 'chat:',
  'openai-compatible': 'chat:',
};

const knownIds = 'openai:<model>, openai:chat:<model>, anthropic:<model>, anthropic:messages:<model>, ollama:<model>, openai-compatible:<model>, echo';

/**
 * Splits a provider id into provider and model. Model ids may contain colons
 * (`ollama:llama3.2:3b`, `openai:ft:gpt-4o-mini:org::id`); only the prefix is interpreted.
 *
 * @example
 * parseProviderId('openai:chat:gpt-4o-mini'); // { provider: 'openai', modelId: 'gpt-4o-mini' }
 */
export function parseProviderId(id: string): ParsedProviderId {
  const trimmed = id.trim();
  if (trimmed === 'echo' || trimmed.startsWith('echo:')) {
    return { provider: 'echo', modelId: trimmed.slice(5) || 'echo' };
  }
  const colon = trimmed.indexOf(':');
  const prefix = colon === -1 ? trimmed : trimmed.slice(0, colon);
  if (colon !== -1 && Object.hasOwn(apiSegments, prefix)) {
    const provider = prefix as Exclude<ProviderName, 'echo'>;
    let modelId = trimmed.slice(colon + 1);
    const segment = apiSegments[provider];
    if (segment !== undefined && modelId.startsWith(segment)) modelId = modelId.slice(segment.length);
    if (provider === 'openai' && modelId.startsWith('responses:')) {
      throw new ConfigError(`provider id "${id}": the OpenAI Responses API is not supported yet`, {
        field: 'providers',
        hint: `use openai:chat:${modelId.slice('responses:'.length)}`,
        docs: 'providers.md',
      });
    }
    if (modelId === '') {
      throw new ConfigError(`provider id "${id}" names no model`, {
        field: 'providers',
        hint: `write it as ${provider}:<model>, e.g. ${example(provider)}`,
        docs: 'providers.md',
      });
    }
    return { provider, modelId };
  }
  throw new ConfigError(`unknown provider "${prefix}" in provider id "${id}"`, {
    field: 'providers',
    hint: suggestion(trimmed) ?? `known provider ids: ${knownIds}`,
    docs: 'providers.md',
  });
}

function example(provider: Exclude<ProviderName, 'echo'>): string {
  if (provider === 'anthropic') return 'anthropic:claude-sonnet-4-5';
  if (provider === 'ollama') return 'ollama:llama3.2';
  if (provider === 'openai-compatible') return 'openai-compatible:my-model (with config.apiBaseUrl)';
  return 'openai:gpt-4o-mini';
}

function suggestion(id: string): string | undefined {
  if (/^(gpt-|o\d|chatgpt-|ft:)/.test(id)) return `did you mean "openai:${id}"?`;
  if (id.startsWith('claude-')) return `did you mean "anthropic:${id}"?`;
  if (/^(llama|mistral|qwen|gemma|phi|deepseek)/i.test(id)) return `did you mean "ollama:${id}"?`;
  return undefined;
}
