import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadSuite } from './load-suite.ts';

// promptfoo's provider entries as promptfoo's examples write them (issue 11).
let directory: string;
beforeEach(() => {
  directory = mkdtempSync(path.join(tmpdir(), 'assay-promptfoo-providers-'));
});
afterEach(() => rmSync(directory, { recursive: true, force: true }));

async function load(providers: string[]) {
  const file = path.join(directory, 'promptfooconfig.yaml');
  writeFileSync(file, ['prompts: ["Hi {{name}}"]', 'providers:', ...providers, 'tests:', '  - vars: { name: a }', ''].join('\n'));
  return loadSuite(file);
}

async function refusal(providers: string[]): Promise<{ message: string; docs?: string; file?: string; line?: number }> {
  try {
    await load(providers);
  } catch (error) {
    return error as { message: string; docs?: string; file?: string; line?: number };
  }
  throw new Error('the config was accepted');
}

describe('promptfoo providers', () => {
  it("reads Azure's bare apiHost as an https:// address and keeps apiVersion", async () => {
    const suite = await load(['  - id: azure:chat:gpt-4o-deployment1', '    config:', "      apiHost: 'your-org.openai.azure.com'", '      apiVersion: 2024-02-15-preview']);
    expect(suite.providers[0]).toMatchObject({ id: 'azure:chat:gpt-4o-deployment1', config: { apiBaseUrl: 'https://your-org.openai.azure.com', apiVersion: '2024-02-15-preview' } });
  });

  it('accepts the vendors, the Responses API, Google, Vertex and Bedrock ids', async () => {
    const ids = ['xai:grok-4', 'mistral:mistral-large-latest', 'openai:responses:gpt-4.1', 'google:gemini-2.5-flash', 'vertex:gemini-2.5-pro', 'bedrock:us.anthropic.claude-3-5-haiku-20241022-v1:0'];
    const suite = await load(ids.map((id) => `  - ${id}`));
    expect(suite.providers.map((provider) => provider.id)).toEqual(ids);
  });

  it("keeps the HTTP provider's url, method, headers, body and transformResponse", async () => {
    const suite = await load([
      '  - id: https://example.com/api/chat',
      '    config:',
      '      method: POST',
      "      headers: { 'Content-Type': 'application/json' }",
      "      body: { message: '{{prompt}}' }",
      '      transformResponse: json.reply',
    ]);
    expect(suite.providers[0]!.config).toEqual({ method: 'POST', headers: { 'Content-Type': 'application/json' }, body: { message: '{{prompt}}' }, transformResponse: 'json.reply' });
  });

  it.each([
    ['  - anthropic:claude-agent-sdk', 'anthropic:claude-agent-sdk'],
    ['  - openai:realtime:gpt-4o-realtime-preview', 'openai:realtime:gpt-4o-realtime-preview'],
    ['  - id: file://provider.py', 'file://provider.py'],
    ['  - replicate:meta/llama-2-7b-chat', 'replicate:meta/llama-2-7b-chat'],
    ['  - id: sagemaker:my-endpoint\n    config: { region: us-east-1 }', 'sagemaker:my-endpoint'],
  ])('refuses %s at its line, naming it and the docs', async (entry, id) => {
    const error = await refusal([entry]);
    expect(error.message).toMatch(new RegExp(`^provider "${id.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}" cannot run in Assay: `));
    expect(error).toMatchObject({ file: expect.stringMatching(/promptfooconfig\.yaml$/), line: 3 });
    expect(error.docs).toBe('promptfoo.md#providers-assay-cannot-call');
  });
});
