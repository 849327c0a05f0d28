import { describe, expect, it } from 'vitest';
import { deploymentOf } from './request-key.ts';

describe('deploymentOf', () => {
  it('keeps the base URL and the headers that pick a deployment, without any credential', () => {
    const deployment = deploymentOf('https://user:hunter2-password@gateway.example.com/openai/v1/?api-version=2024-10-21&api_key=SECRETQUERYVALUE', {
      Authorization: 'Bearer abcdefghijklmnop1234',
      'x-api-key': 'another-secret-value',
      'Helicone-Auth': 'Bearer helicone-secret-123456',
      'X-Routing': 'Bearer sk-proj-abcdefghijklmnopqrstuvwx',
      'OpenAI-Organization': 'org-acme',
      'anthropic-beta': 'prompt-caching-2024-07-31',
    });
    expect(deployment).toEqual({
      baseUrl: 'https://gateway.example.com/openai/v1?api-version=2024-10-21',
      headers: { 'openai-organization': 'org-acme', 'anthropic-beta': 'prompt-caching-2024-07-31' },
    });
  });

  it('is the same for the same server written differently, and absent without a base URL (echo)', () => {
    expect(deploymentOf('HTTP://LOCALHOST:8000/v1/', undefined)).toEqual(deploymentOf('http://localhost:8000/v1', {}));
    expect(deploymentOf(undefined, undefined)).toBeUndefined();
  });
});
