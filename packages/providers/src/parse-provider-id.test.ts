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
  ])('%s', (id, provider, modelId) => {
    expect(parseProviderId(id)).toEqual({ provider, modelId });
  });

  it('rejects an unknown prefix with the known ids as a hint', () => {
    const error = (() => {
      try {
        parseProviderId('bedrock:claude');
      } catch (caught) {
        return caught as ConfigError;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.message).toBe('unknown provider "bedrock" in provider id "bedrock:claude"');
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
    ['openai:responses:gpt-4o', 'provider id "openai:responses:gpt-4o": the OpenAI Responses API is not supported yet', 'use openai:chat:gpt-4o'],
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
