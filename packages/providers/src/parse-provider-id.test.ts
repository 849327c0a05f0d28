import { ConfigError } from '@assay/spec';
import { describe, expect, it } from 'vitest';
import { parseProviderId } from './parse-provider-id.ts';

describe('parseProviderId', () => {
  it.each([
    ['openai:gpt-4o-mini', 'openai', 'gpt-4o-mini'],
    ['openai:chat:gpt-4o-mini', 'openai', 'gpt-4o-mini'],
    ['openai:ft:gpt-4o-mini:acme::abc123', 'openai', 'ft:gpt-4o-mini:acme::abc123'],
    ['anthropic:claude-sonnet-4-5', 'anthropic', 'claude-sonnet-4-5'],
    ['anthropic:messages:claude-haiku-4-5', 'anthropic', 'claude-haiku-4-5'],
    ['ollama:llama3.2:3b', 'ollama', 'llama3.2:3b'],
    ['ollama:chat:qwen2.5', 'ollama', 'qwen2.5'],
    ['openai-compatible:meta-llama/Llama-3.1-8B', 'openai-compatible', 'meta-llama/Llama-3.1-8B'],
    ['echo', 'echo', 'echo'],
    ['echo:anything at all', 'echo', 'anything at all'],
    ['xai:grok-4', 'xai', 'grok-4'],
    ['mistral:mistral-large-latest', 'mistral', 'mistral-large-latest'],
    ['openrouter:meta-llama/llama-3.1-8b-instruct', 'openrouter', 'meta-llama/llama-3.1-8b-instruct'],
    ['aimlapi:chat:gpt-4.1-mini', 'aimlapi', 'gpt-4.1-mini'],
    ['togetherai:meta-llama/Llama-3.3-70B-Instruct-Turbo', 'together', 'meta-llama/Llama-3.3-70B-Instruct-Turbo'],
    ['azure:chat:gpt-4o-deployment1', 'azure', 'gpt-4o-deployment1'],
    ['azureopenai:chat:my-deployment', 'azure', 'my-deployment'],
    ['google:gemini-2.5-flash', 'google', 'gemini-2.5-flash'],
    ['vertex:gemini-2.5-pro', 'vertex', 'gemini-2.5-pro'],
    ['bedrock:anthropic.claude-3-haiku-20240307-v1:0', 'bedrock', 'anthropic.claude-3-haiku-20240307-v1:0'],
    ['bedrock:converse:us.amazon.nova-lite-v1:0', 'bedrock', 'us.amazon.nova-lite-v1:0'],
    ['http', 'http', 'http'],
    ['https://example.com/api/chat', 'http', 'https://example.com/api/chat'],
  ])('%s', (id, provider, modelId) => {
    expect(parseProviderId(id)).toEqual({ provider, modelId });
  });

  it('reads the Responses API from openai:responses: and azure:responses:', () => {
    expect(parseProviderId('openai:responses:gpt-4.1')).toEqual({ provider: 'openai', modelId: 'gpt-4.1', api: 'responses' });
    expect(parseProviderId('azure:responses:my-deployment')).toEqual({ provider: 'azure', modelId: 'my-deployment', api: 'responses' });
  });

  // Issue 11: each of these was taken for a chat model, or refused as an unknown prefix without saying why.
  it.each([
    ['anthropic:claude-agent-sdk', 'it runs an agent'],
    ['openai:realtime:gpt-4o-realtime-preview', "it is not OpenAI's chat API"],
    ['openai:image:dall-e-3', "it is not OpenAI's chat API"],
    ['openai:dall-e-3', 'it names an image, video or audio model'],
    ['file://provider.py', 'it is a provider script'],
    ['file://./src/openai-agent-provider.js', 'it is a provider script'],
    ['python:provider.py', 'it is a provider script'],
    ['exec:node run.js', 'it is a provider script'],
    ['replicate:meta/llama-2-7b-chat', 'Assay has no client for it'],
    ['sagemaker:jumpstart:my-endpoint', 'Assay has no client for it'],
    ['websocket', 'Assay has no client for it'],
    ['wss://example.com/socket', 'Assay has no client for it'],
    ['vertex:claude-opus-4@20250514', 'Claude on Vertex AI is not supported yet'],
  ])('refuses %s, saying why and where it is documented', (id, why) => {
    expect(() => parseProviderId(id)).toThrow(
      expect.objectContaining({ message: expect.stringContaining(`provider "${id}" cannot run in Assay: ${why}`), docs: 'promptfoo.md#providers-assay-cannot-call' }),
    );
  });

  it('refuses API types a provider does not have, including short promptfoo ones', () => {
    expect(() => parseProviderId('mistral:embedding:mistral-embed')).toThrow(/Assay does not call the "embedding" API of mistral/);
    expect(() => parseProviderId('xai:image:grok-2-image')).toThrow(/Assay does not call the "image" API of xai/);
    expect(() => parseProviderId('bedrock:kb:my-base')).toThrow(/Assay does not call the "kb" API of bedrock/);
    expect(() => parseProviderId('azure:assistant:asst_123')).toThrow(/Assay does not call the "assistant" API of azure/);
    // Short words are API types only when written exactly: `ollama:o3:mini` stays a model.
    expect(parseProviderId('ollama:kd:7b')).toEqual({ provider: 'ollama', modelId: 'kd:7b' });
  });

  it('rejects an unknown prefix with the known ids as a hint', () => {
    const error = (() => {
      try {
        parseProviderId('bedrok2:claude');
      } catch (caught) {
        return caught as ConfigError;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.message).toBe('unknown provider "bedrok2" in provider id "bedrok2:claude"');
    expect(error!.hint).toContain('anthropic:<model>');
  });

  it('suggests the prefix for a bare model name', () => {
    expect(() => parseProviderId('gpt-4o')).toThrow(expect.objectContaining({ hint: 'did you mean "openai:gpt-4o"?' }));
    expect(() => parseProviderId('claude-sonnet-4-5')).toThrow(expect.objectContaining({ hint: 'did you mean "anthropic:claude-sonnet-4-5"?' }));
  });

  // Issue 10: these were accepted, and the API type went to the network as part of the model id.
  it.each([
    ['openai:chatt:gpt-4o-mini', 'unknown API type "chatt" in provider id "openai:chatt:gpt-4o-mini"', 'did you mean "openai:chat:gpt-4o-mini" or "openai:gpt-4o-mini"?'],
    ['openai:caht:gpt-4o', 'unknown API type "caht" in provider id "openai:caht:gpt-4o"', 'did you mean "openai:chat:gpt-4o" or "openai:gpt-4o"?'],
    ['anthropic:mesages:claude-haiku-4-5', 'unknown API type "mesages" in provider id "anthropic:mesages:claude-haiku-4-5"', 'did you mean "anthropic:messages:claude-haiku-4-5" or "anthropic:claude-haiku-4-5"?'],
    ['ollama:Chat:qwen2.5', 'unknown API type "Chat" in provider id "ollama:Chat:qwen2.5"', 'did you mean "ollama:chat:qwen2.5" or "ollama:qwen2.5"?'],
    ['anthropic:chat:claude-haiku-4-5', 'provider id "anthropic:chat:claude-haiku-4-5": Assay does not call the "chat" API of anthropic', 'Assay calls anthropic\'s messages API: write "anthropic:messages:claude-haiku-4-5" or "anthropic:claude-haiku-4-5"'],
    ['openai:embedding:text-embedding-3-small', 'provider id "openai:embedding:text-embedding-3-small": Assay does not call the "embedding" API of openai', 'Assay calls openai\'s chat API: write "openai:chat:text-embedding-3-small" or "openai:text-embedding-3-small"'],
  ])('rejects the API type of %s, naming the valid ids', (id, message, hint) => {
    expect(() => parseProviderId(id)).toThrow(expect.objectContaining({ message, hint }));
  });

  it('keeps model ids whose first part only looks like an API type', () => {
    expect(parseProviderId('ollama:chatml:7b')).toEqual({ provider: 'ollama', modelId: 'chatml:7b' });
    expect(parseProviderId('openai:llama3.2:3b')).toEqual({ provider: 'openai', modelId: 'llama3.2:3b' });
    expect(parseProviderId('ollama:phi3:mini')).toEqual({ provider: 'ollama', modelId: 'phi3:mini' });
  });

  it('suggests the nearest provider for a misspelt prefix, keeping the model', () => {
    expect(() => parseProviderId('opnai:gpt-4o')).toThrow(expect.objectContaining({ hint: expect.stringMatching(/^did you mean "openai:gpt-4o"\? \(known provider ids: /) }));
    expect(() => parseProviderId('OpenAI:gpt-4o')).toThrow(expect.objectContaining({ hint: expect.stringMatching(/^did you mean "openai:gpt-4o"\?/) }));
    expect(() => parseProviderId('antropic:claude-sonnet-4-5')).toThrow(expect.objectContaining({ hint: expect.stringMatching(/^did you mean "anthropic:claude-sonnet-4-5"\?/) }));
  });

  it('rejects a missing model', () => {
    expect(() => parseProviderId('openai:')).toThrow(ConfigError);
    expect(() => parseProviderId('anthropic:messages:')).toThrow(/names no model/);
  });
});
