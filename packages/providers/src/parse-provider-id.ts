import { ConfigError } from '@assay/spec';
import { distance } from 'fastest-levenshtein';
import { openAICompatibleVendors, vendorAliases, type VendorName } from './openai-compatible-vendors.ts';

export type ProviderName = 'openai' | 'anthropic' | 'openai-compatible' | 'ollama' | 'echo' | 'azure' | 'google' | 'vertex' | 'bedrock' | 'http' | VendorName;

export interface ParsedProviderId {
  provider: ProviderName;
  modelId: string;
  /** Set when the id names an API other than the provider's default: `openai:responses:…`. */
  api?: 'responses';
}

type Prefixed = Exclude<ProviderName, 'echo' | 'http'>;

/**
 * The API-type segments each provider accepts between the prefix and the model id; the first is
 * what a bare `<prefix>:<model>` calls.
 */
const apiSegments: Record<Prefixed, readonly string[]> = {
  openai: ['chat', 'responses'],
  anthropic: ['messages'],
  ollama: ['chat'],
  'openai-compatible': ['chat'],
  azure: ['chat', 'responses'],
  google: ['chat'],
  vertex: ['chat'],
  bedrock: ['converse'],
  ...(Object.fromEntries(Object.keys(openAICompatibleVendors).map((name) => [name, ['chat']])) as unknown as Record<VendorName, readonly string[]>),
};

/** Other spellings of a prefix, promptfoo's among them. */
const prefixAliases: Record<string, Prefixed> = { azureopenai: 'azure', ...vendorAliases };

const knownIds =
  'openai:<model>, openai:responses:<model>, anthropic:<model>, azure:chat:<deployment>, google:<model>, vertex:<model>, bedrock:<model>, ollama:<model>, openai-compatible:<model>, ' +
  `${Object.keys(openAICompatibleVendors).join(':<model>, ')}:<model>, http (with config.url), echo`;

/** Where the providers Assay cannot call are listed, with what to do instead. */
const notCallableDocs = 'promptfoo.md#providers-assay-cannot-call';

/**
 * Provider ids that name something other than one chat call to a model Assay can reach. Accepted,
 * they would reach the network as a chat model of that name, or not at all; refused, they say so
 * at their line.
 */
const notCallable: { pattern: RegExp; why: string; hint: string }[] = [
  {
    pattern: /^anthropic:(claude-agent-sdk|claude-code)\b/,
    why: 'it runs an agent (tools, files, several turns), not one chat call',
    hint: 'test the model itself with anthropic:<model>, or call the agent from your own code and evaluate its answers as a dataset',
  },
  {
    pattern: /^openai:(agents|codex|codex-sdk|chatkit|assistant|realtime|image|video|transcription|speech|moderation)(:|$)/,
    why: 'it is not OpenAI\'s chat API',
    hint: 'use openai:<model> (Chat Completions) or openai:responses:<model>',
  },
  {
    pattern: /^(openai|azure|azureopenai):(chat:|responses:)?(dall-e|gpt-image|sora|whisper|tts-)/,
    why: 'it names an image, video or audio model, not a chat model',
    hint: 'Assay evaluates text answers; use a chat model such as openai:gpt-4o-mini',
  },
  {
    // The AI SDK reaches Claude on Vertex only with Google credentials of a project (no API key), through another client.
    pattern: /^vertex:(chat:)?claude-/,
    why: 'Claude on Vertex AI is not supported yet (Gemini models on Vertex are)',
    hint: 'use anthropic:<model> with ANTHROPIC_API_KEY, or bedrock:<model id> for Claude on AWS',
  },
  {
    pattern: /^(file:\/\/|python:|exec:|golang:|ruby:)|\.(py|js|mjs|cjs|ts|go|rb|sh)(:[\w-]+)?$/,
    why: 'it is a provider script, and Assay does not run provider code from a config',
    hint: 'serve the model behind an HTTP endpoint and use `id: http` with config.url, or an OpenAI-compatible server with openai-compatible:<model>',
  },
  {
    pattern: /^(replicate|sagemaker|bedrock-agent|ws|wss|websocket|browser|webhook|sequence|mcp|a2a)(:|$)/,
    why: 'Assay has no client for it',
    hint: 'put the model behind an OpenAI-compatible server and use openai-compatible:<model> with config.apiBaseUrl, or an HTTP endpoint with `id: http`',
  },
];

/**
 * Splits a provider id into provider and model. Model ids may contain colons
 * (`ollama:llama3.2:3b`, `openai:ft:gpt-4o-mini:org::id`, `bedrock:anthropic.claude-3-haiku-20240307-v1:0`);
 * only the prefix and an API-type segment after it are interpreted.
 *
 * @example
 * parseProviderId('openai:chat:gpt-4o-mini'); // { provider: 'openai', modelId: 'gpt-4o-mini' }
 * parseProviderId('openai:responses:gpt-4.1'); // { provider: 'openai', modelId: 'gpt-4.1', api: 'responses' }
 */
export function parseProviderId(id: string): ParsedProviderId {
  const trimmed = id.trim();
  if (trimmed === 'echo' || trimmed.startsWith('echo:')) {
    return { provider: 'echo', modelId: trimmed.slice(5) || 'echo' };
  }
  if (trimmed === 'http' || trimmed === 'https') return { provider: 'http', modelId: 'http' };
  if (/^https?:\/\//.test(trimmed)) return { provider: 'http', modelId: trimmed };
  for (const { pattern, why, hint } of notCallable) {
    if (pattern.test(trimmed)) {
      throw new ConfigError(`provider "${trimmed}" cannot run in Assay: ${why}`, { field: 'providers', hint, docs: notCallableDocs });
    }
  }
  const colon = trimmed.indexOf(':');
  const written = colon === -1 ? trimmed : trimmed.slice(0, colon);
  const prefix = prefixAliases[written] ?? written;
  if (colon !== -1 && Object.hasOwn(apiSegments, prefix)) {
    const provider = prefix as Prefixed;
    let modelId = trimmed.slice(colon + 1);
    let api: ParsedProviderId['api'];
    const segment = apiSegments[provider].find((name) => modelId.startsWith(`${name}:`));
    if (segment !== undefined) {
      modelId = modelId.slice(segment.length + 1);
      if (segment === 'responses') api = 'responses';
    } else checkApiType(id, provider, modelId);
    if (modelId === '') {
      throw new ConfigError(`provider id "${id}" names no model`, {
        field: 'providers',
        hint: `write it as ${provider}:<model>, e.g. ${example(provider)}`,
        docs: 'providers.md',
      });
    }
    return api ? { provider, modelId, api } : { provider, modelId };
  }
  throw new ConfigError(`unknown provider "${written}" in provider id "${id}"`, {
    field: 'providers',
    hint: suggestion(trimmed, colon === -1 ? undefined : { prefix: written, rest: trimmed.slice(colon + 1) }) ?? `known provider ids: ${knownIds}`,
    docs: 'providers.md',
  });
}

/**
 * The API-type words of provider ids, Assay's and promptfoo's (`openai:completion:…`,
 * `openai:embedding:…`). A model id that starts with one of them, or with a near miss of one
 * (`openai:chatt:gpt-4o-mini`), names an API type, not a model: sent on, it would reach the
 * network as the model "chatt:gpt-4o-mini".
 */
const apiTypes = ['chat', 'messages', 'responses', 'completion', 'completions', 'embedding', 'embeddings', 'assistant', 'image', 'realtime', 'moderation', 'transcription', 'converse', 'audio', 'video', 'live', 'speech'];
/** Short API words of promptfoo's (`bedrock:kb:…`): matched exactly, never as a near miss. */
const shortApiTypes = ['kb', 'tts', 'agent', 'agents'];

/** Throws when the model id of `openai:chatt:gpt-4o-mini` begins with an API type other than the provider's own. */
function checkApiType(id: string, provider: Prefixed, modelId: string): void {
  const colon = modelId.indexOf(':');
  if (colon <= 0) return;
  const word = modelId.slice(0, colon);
  const rest = modelId.slice(colon + 1);
  const own = apiSegments[provider][0]!;
  const valid = `"${provider}:${own}:${rest}" or "${provider}:${rest}"`;
  const lower = word.toLowerCase();
  if ((apiTypes.includes(lower) || shortApiTypes.includes(lower)) && !apiSegments[provider].includes(lower)) {
    throw new ConfigError(`provider id "${id}": Assay does not call the "${word}" API of ${provider}`, {
      field: 'providers',
      hint: `Assay calls ${provider}'s ${own} API: write ${valid}`,
      docs: 'providers.md',
    });
  }
  if (apiSegments[provider].includes(lower) || apiTypes.some((type) => isTypo(lower, type))) {
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

function example(provider: Prefixed): string {
  if (provider === 'anthropic') return 'anthropic:claude-sonnet-4-5';
  if (provider === 'ollama') return 'ollama:llama3.2';
  if (provider === 'openai-compatible') return 'openai-compatible:my-model (with config.apiBaseUrl)';
  if (provider === 'azure') return 'azure:chat:my-deployment (with config.apiHost or apiBaseUrl)';
  if (provider === 'google' || provider === 'vertex') return `${provider}:gemini-2.5-flash`;
  if (provider === 'bedrock') return 'bedrock:anthropic.claude-3-haiku-20240307-v1:0';
  if (provider === 'openai') return 'openai:gpt-4o-mini';
  return `${provider}:<model>`;
}

function suggestion(id: string, parts: { prefix: string; rest: string } | undefined): string | undefined {
  if (/^(gpt-|o\d|chatgpt-|ft:)/.test(id)) return `did you mean "openai:${id}"?`;
  if (id.startsWith('claude-')) return `did you mean "anthropic:${id}"?`;
  if (id.startsWith('gemini-')) return `did you mean "google:${id}"?`;
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
