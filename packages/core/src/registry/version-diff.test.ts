import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { PromptVersion } from '@assay/spec';
import { promptVersionInput } from './prompt-version-input.ts';
import { diffPromptVersions, formatPromptVersionDiff, type PromptVersionLike } from './version-diff.ts';

const v1: PromptVersionLike = {
  version: 1,
  template: '{{role "system"}}\nYou are a support assistant.\nAnswer briefly.\n\n{{role "user"}}\n{{question}}',
  modelConfig: { model: 'openai/gpt-4o-mini', config: { temperature: 0 } },
  inputSchema: { question: 'string' },
  outputSchema: null,
  metadata: { owner: 'support-team', riskTier: 'medium' },
};

describe('diffPromptVersions', () => {
  it('is empty for identical versions, whatever the key order or null/absent schemas', () => {
    const same: PromptVersionLike = {
      version: 2,
      template: v1.template,
      modelConfig: { config: { temperature: 0 }, model: 'openai/gpt-4o-mini' },
      inputSchema: { question: 'string' },
      metadata: { riskTier: 'medium', owner: 'support-team' },
    };
    expect(diffPromptVersions(v1, same)).toEqual({ from: 1, to: 2, changes: [] });
  });

  it('shows the changed template lines as a unified diff', () => {
    const v2 = { ...v1, version: 2, template: v1.template.replace('Answer briefly.', 'Answer briefly and cite [doc-N].') };
    const diff = diffPromptVersions(v1, v2);
    expect(diff.changes).toHaveLength(1);
    const [change] = diff.changes;
    expect(change).toMatchObject({ field: 'template', added: 1, removed: 1 });
    expect(change!.unified).toBe(
      [
        '--- v1/template',
        '+++ v2/template',
        '@@ -1,6 +1,6 @@',
        ' {{role "system"}}',
        ' You are a support assistant.',
        '-Answer briefly.',
        '+Answer briefly and cite [doc-N].',
        ' ',
        ' {{role "user"}}',
        ' {{question}}',
        '',
      ].join('\n'),
    );
  });

  it('lists only changed fields, in field order, as canonical JSON', () => {
    const v3: PromptVersionLike = {
      ...v1,
      version: 3,
      metadata: { owner: 'support-team', riskTier: 'high' },
      outputSchema: { answer: 'string' },
      modelConfig: { model: 'openai/gpt-4o', config: { temperature: 0 } },
    };
    const diff = diffPromptVersions(v1, v3);
    expect(diff.changes.map((change) => change.field)).toEqual(['modelConfig', 'outputSchema', 'metadata']);
    const [modelConfig, outputSchema, metadata] = diff.changes;
    expect(modelConfig!.unified).toContain('-  "model": "openai/gpt-4o-mini"\n+  "model": "openai/gpt-4o"\n');
    expect(outputSchema).toMatchObject({ added: 3, removed: 0 });
    expect(outputSchema!.unified).toContain('@@ -0,0 +1,3 @@\n+{\n+  "answer": "string"\n+}\n');
    expect(metadata!.unified).toContain('-  "riskTier": "medium"\n+  "riskTier": "high"\n');
  });

  it('reports a schema that was removed', () => {
    const diff = diffPromptVersions(v1, { ...v1, version: 2, inputSchema: undefined });
    expect(diff.changes).toMatchObject([{ field: 'inputSchema', added: 0, removed: 3 }]);
  });

  it('compares versions made by promptVersionInput, and accepts store versions', async () => {
    const file = '---\nmodel: openai/gpt-4o-mini\nmetadata:\n  riskTier: low\n---\nHello {{name}}\n';
    const a = await promptVersionInput(file, { name: 'greet' });
    const b = await promptVersionInput(file.replace('low', 'medium'), { name: 'greet' });
    expect(diffPromptVersions({ ...a, version: 1 }, { ...b, version: 2 }).changes.map((change) => change.field)).toEqual(['metadata']);

    const stored: PromptVersion = {
      ...a,
      id: 'v1',
      projectId: 'p',
      promptName: 'greet',
      version: 1,
      inputSchema: null,
      outputSchema: null,
      author: 'alice',
      message: null,
      createdBy: { type: 'user', id: 'u1' },
      createdAt: '2026-11-20T10:00:00.000Z',
    };
    expect(diffPromptVersions(stored, { ...a, version: 2 }).changes).toEqual([]);
  });
});

describe('formatPromptVersionDiff', () => {
  const v2 = { ...v1, version: 2, template: v1.template.replace('Answer briefly.', 'Answer in one sentence.'), metadata: { owner: 'support-team', riskTier: 'high' } };

  it('prints a header per field and the hunks, without color by default', () => {
    const text = formatPromptVersionDiff(diffPromptVersions(v1, v2));
    expect(text).not.toMatch(/\x1b\[/);
    expect(text).toContain('template: v1 → v2 +1 -1\n@@ -1,6 +1,6 @@\n');
    expect(text).toContain('-Answer briefly.\n+Answer in one sentence.\n');
    expect(text).toContain('\n\nmetadata: v1 → v2 +1 -1\n');
    expect(text).not.toContain('--- v1/template');
  });

  it('colors added lines green and removed lines red when asked', () => {
    const text = formatPromptVersionDiff(diffPromptVersions(v1, v2), { color: true });
    expect(text).toContain('\x1b[32m+Answer in one sentence.\x1b[39m');
    expect(text).toContain('\x1b[31m-Answer briefly.\x1b[39m');
    expect(stripVTControlCharacters(text)).toBe(formatPromptVersionDiff(diffPromptVersions(v1, v2)));
  });

  it('says when there are no differences', () => {
    expect(formatPromptVersionDiff(diffPromptVersions(v1, { ...v1, version: 4 }))).toBe('No differences between v1 and v4\n');
  });
});
