import { ConfigError } from '@assay/spec';
import { distance } from 'fastest-levenshtein';

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
    else checkApiType(id, provider, modelId);
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
    hint: suggestion(trimmed, colon === -1 ? undefined : { prefix, rest: trimmed.slice(colon + 1) }) ?? `known provider ids: ${knownIds}`,
    docs: 'providers.md',
  });
}

/**
 * The API-type words of provider ids, Assay's and promptfoo's (`openai:completion:…`,
 * `openai:embedding:…`). A model id that starts with one of them, or with a near miss of one
 * (`openai:chatt:gpt-4o-mini`), names an API type, not a model: sent on, it would reach the
 * network as the model "chatt:gpt-4o-mini".
 */
const apiTypes = ['chat', 'messages', 'responses', 'completion', 'completions', 'embedding', 'embeddings', 'assistant', 'image', 'realtime', 'moderation', 'transcription'];

/** Throws when the model id of `openai:chatt:gpt-4o-mini` begins with an API type other than the provider's own. */
function checkApiType(id: string, provider: Exclude<ProviderName, 'echo'>, modelId: string): void {
  const colon = modelId.indexOf(':');
  if (colon <= 0) return;
  const word = modelId.slice(0, colon);
  const rest = modelId.slice(colon + 1);
  const own = apiSegments[provider]!.slice(0, -1);
  const valid = `"${provider}:${own}:${rest}" or "${provider}:${rest}"`;
  if (provider === 'openai' && word === 'responses') {
    throw new ConfigError(`provider id "${id}": the OpenAI Responses API is not supported yet`, {
      field: 'providers',
      hint: `use ${provider}:${own}:${rest}`,
      docs: 'providers.md',
    });
  }
  const lower = word.toLowerCase();
  if (apiTypes.includes(lower) && lower !== own) {
    throw new ConfigError(`provider id "${id}": Assay does not call the "${word}" API of ${provider}`, {
      field: 'providers',
      hint: `Assay calls ${provider}'s ${own} API: write ${valid}`,
      docs: 'providers.md',
    });
  }
  if (lower === own || apiTypes.some((type) => isTypo(lower, type))) {
    throw new ConfigError(`unknown API type "${word}" in provider id "${id}"`, {
      field: 'providers',
      hint: `did you mean ${valid}?`,
      docs: 'providers.md',
    });
  }
}

/**
 * A near miss: one edit, two in a long word, or two neighbours swapped. Loose enough for
 * `chatt`, `caht` and `mesages`; strict enough that model names (`llama3.2`, `phi3`, `chatml`)
 * stay model names.
 */
function isTypo(word: string, target: string): boolean {
  if (word === target) return false;
  const edits = distance(word, target);
  if (edits <= 1 || (edits === 2 && target.length >= 6)) return true;
  if (edits !== 2 || word.length !== target.length) return false;
  let index = 0;
  while (word[index] === target[index]) index++;
  return word[index] === target[index + 1] && word[index + 1] === target[index] && word.slice(index + 2) === target.slice(index + 2);
}

function example(provider: Exclude<ProviderName, 'echo'>): string {
  if (provider === 'anthropic') return 'anthropic:claude-sonnet-4-5';
  if (provider === 'ollama') return 'ollama:llama3.2';
  if (provider === 'openai-compatible') return 'openai-compatible:my-model (with config.apiBaseUrl)';
  return 'openai:gpt-4o-mini';
}

function suggestion(id: string, parts: { prefix: string; rest: string } | undefined): string | undefined {
  if (/^(gpt-|o\d|chatgpt-|ft:)/.test(id)) return `did you mean "openai:${id}"?`;
  if (id.startsWith('claude-')) return `did you mean "anthropic:${id}"?`;
  if (/^(llama|mistral|qwen|gemma|phi|deepseek)/i.test(id)) return `did you mean "ollama:${id}"?`;
  if (parts === undefined) return undefined;
  // A misspelt prefix: the providers nearest to it, with the rest of the id as typed.
  const names = [...Object.keys(apiSegments), 'echo'];
  const scored = names.map((name) => ({ name, edits: distance(parts.prefix.toLowerCase(), name) }));
  const best = Math.min(...scored.map((entry) => entry.edits));
  if (best > Math.max(2, Math.floor(parts.prefix.length / 3))) return undefined;
  const closest = scored.filter((entry) => entry.edits === best).map((entry) => `"${entry.name}:${parts.rest}"`);
  return `did you mean ${closest.join(' or ')}? (known provider ids: ${knownIds})`;
}
