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

  it('rejects a missing model', () => {
    expect(() => parseProviderId('openai:')).toThrow(ConfigError);
    expect(() => parseProviderId('anthropic:messages:')).toThrow(/names no model/);
  });
});
