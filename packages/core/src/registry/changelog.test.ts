import { describe, expect, it } from 'vitest';
import { promptChangelog, type PromptChangelogVersion } from './changelog.ts';

const base = {
  template: '{{role "system"}}\nYou are a support assistant.\n{{role "user"}}\n{{question}}',
  modelConfig: { model: 'openai/gpt-4o-mini', config: { temperature: 0 } },
  inputSchema: { question: 'string' },
  outputSchema: null,
  metadata: { owner: 'support-team', riskTier: 'medium', lastReviewed: '2026-09-15' },
};

const v1: PromptChangelogVersion = { ...base, version: 1, author: 'alice', message: 'First draft', createdAt: '2026-10-01T09:00:00.000Z' };
const v2: PromptChangelogVersion = {
  ...base,
  version: 2,
  template: base.template.replace('assistant.', 'assistant. Cite sources.'),
  metadata: { ...base.metadata, riskTier: 'high' },
  author: 'bob',
  message: 'Cite sources; legal asked for a higher tier',
  createdAt: '2026-11-02T16:30:00.000Z',
};
const v3: PromptChangelogVersion = {
  ...v2,
  version: 3,
  modelConfig: { model: 'openai/gpt-4o', config: { temperature: 0.2 } },
  metadata: { owner: 'trust-team', riskTier: 'high', lastReviewed: '2026-11-20', canaries: ['CANARY-1'] },
  outputSchema: { answer: 'string' },
  author: 'carol',
  message: null,
  createdAt: '2026-11-20T08:00:00.000Z',
};

describe('promptChangelog', () => {
  it('lists versions newest first with the fields changed since the previous one, whatever the input order', () => {
    const { entries } = promptChangelog([v2, v3, v1]);
    expect(entries.map((entry) => entry.version)).toEqual([3, 2, 1]);
    expect(entries.map((entry) => entry.changedFields)).toEqual([['modelConfig', 'outputSchema', 'metadata'], ['template', 'metadata'], []]);
    expect(entries[2]).toEqual({ version: 1, author: 'alice', message: 'First draft', createdAt: '2026-10-01T09:00:00.000Z', changedFields: [], labels: [] });
    expect(entries[0]!.message).toBeNull();
  });

  it('names the labels that point at each version now', () => {
    const { entries, markdown } = promptChangelog(
      [v1, v2, v3],
      [
        { name: 'staging', targets: [{ version: 3, weight: 100 }] },
        {
          name: 'production',
          targets: [
            { version: 2, weight: 90 },
            { version: 3, weight: 10 },
          ],
        },
      ],
    );
    expect(entries.map((entry) => entry.labels)).toEqual([['production', 'staging'], ['production'], []]);
    expect(markdown).toContain('Labels: production (10%), staging\n');
    expect(markdown).toContain('Labels: production (90%)\n');
  });

  it('writes release notes that spell out metadata and model changes', () => {
    const { markdown } = promptChangelog([v1, v2, v3], [{ name: 'production', targets: [{ version: 2, weight: 100 }] }]);
    expect(markdown).toBe(
      [
        '## v3 — 2026-11-20 — carol',
        '',
        'Changed: modelConfig (model openai/gpt-4o-mini → openai/gpt-4o, config), outputSchema, metadata (owner support-team → trust-team, lastReviewed 2026-09-15 → 2026-11-20, canaries)',
        '',
        '## v2 — 2026-11-02 — bob',
        '',
        'Cite sources; legal asked for a higher tier',
        '',
        'Changed: template, metadata (riskTier medium → high)',
        '',
        'Labels: production',
        '',
        '## v1 — 2026-10-01 — alice',
        '',
        'First draft',
        '',
        'First version.',
        '',
      ].join('\n'),
    );
  });

  it('shows values that were added or removed as none', () => {
    const v4: PromptChangelogVersion = { ...v3, version: 4, metadata: { riskTier: 'high', lastReviewed: '2026-11-20', canaries: ['CANARY-1'] }, createdAt: '2026-12-01T00:00:00Z' };
    const { markdown } = promptChangelog([v3, v4]);
    expect(markdown).toContain('Changed: metadata (owner trust-team → none)\n');
  });

  it('compares the oldest version given with nothing when earlier ones are left out', () => {
    const { entries, markdown } = promptChangelog([v3, v2]);
    expect(entries[1]!.changedFields).toEqual([]);
    expect(markdown).not.toContain('First version.');
    expect(markdown.endsWith('## v2 — 2026-11-02 — bob\n\nCite sources; legal asked for a higher tier\n')).toBe(true);
  });

  it('is empty for no versions', () => {
    expect(promptChangelog([])).toEqual({ entries: [], markdown: '' });
  });
});
