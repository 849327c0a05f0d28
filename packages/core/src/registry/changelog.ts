import { canonicalJson } from './prompt-version-input.ts';
import { diffPromptVersions, type PromptVersionField, type PromptVersionLike } from './version-diff.ts';

/** A version as the changelog needs it (a `PromptVersion` from the store is one). */
export interface PromptChangelogVersion extends PromptVersionLike {
  author: string;
  message?: string | null;
  /** ISO timestamp; its date part heads the release note. */
  createdAt: string;
}

/** A label and what it points at now (a `Label` from the store is one). */
export interface PromptChangelogLabel {
  name: string;
  targets: readonly { version: number; weight: number }[];
}

export interface PromptChangelogEntry {
  version: number;
  author: string;
  message: string | null;
  createdAt: string;
  /** Fields that differ from the previous version given; empty for the oldest one. */
  changedFields: PromptVersionField[];
  /** Labels pointing at this version now (for a canary, at any weight), by name. */
  labels: string[];
}

export interface PromptChangelog {
  /** Newest first. */
  entries: PromptChangelogEntry[];
  /** Release notes: one `## v5 — 2026-11-20 — alice` section per version, newest first. */
  markdown: string;
}

/** Metadata fields whose old and new values the notes spell out; other changed keys are only named. */
const describedMetadataKeys = ['owner', 'riskTier', 'lastReviewed'];
const describedModelConfigKeys = ['model'];

/**
 * The history of one prompt: what changed in each version compared with the one before it, and
 * which labels point at it now, as entries and as Markdown release notes, e.g.
 *
 * ```md
 * ## v5 — 2026-11-20 — alice
 *
 * Stricter refusals for legal questions
 *
 * Changed: template, metadata (riskTier medium → high)
 *
 * Labels: production (10%), staging
 * ```
 *
 * @param versions of one prompt, in any order; each is compared with the next lower version given
 * @param labels the prompt's labels; a weight under 100 (a canary) is shown in the notes
 */
export function promptChangelog(versions: readonly PromptChangelogVersion[], labels: readonly PromptChangelogLabel[] = []): PromptChangelog {
  const ascending = [...versions].sort((a, b) => a.version - b.version);
  const labelsByVersion = new Map<number, { name: string; weight: number }[]>();
  for (const label of [...labels].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    for (const target of label.targets) {
      const list = labelsByVersion.get(target.version) ?? [];
      list.push({ name: label.name, weight: target.weight });
      labelsByVersion.set(target.version, list);
    }
  }

  const entries: PromptChangelogEntry[] = [];
  const sections: string[] = [];
  ascending.forEach((version, index) => {
    const previous = index > 0 ? ascending[index - 1] : undefined;
    const changedFields = previous ? diffPromptVersions(previous, version).changes.map((change) => change.field) : [];
    const versionLabels = labelsByVersion.get(version.version) ?? [];
    entries.push({
      version: version.version,
      author: version.author,
      message: version.message ?? null,
      createdAt: version.createdAt,
      changedFields,
      labels: versionLabels.map((label) => label.name),
    });

    const paragraphs = [`## v${version.version} — ${version.createdAt.slice(0, 10)} — ${version.author}`];
    if (version.message?.trim()) paragraphs.push(version.message.trim());
    if (previous) {
      const described = changedFields.map((field) => describeField(field, previous, version));
      paragraphs.push(described.length > 0 ? `Changed: ${described.join(', ')}` : 'No content changes.');
    } else if (version.version === 1) {
      paragraphs.push('First version.');
    }
    if (versionLabels.length > 0) {
      paragraphs.push(`Labels: ${versionLabels.map((label) => (label.weight < 100 ? `${label.name} (${label.weight}%)` : label.name)).join(', ')}`);
    }
    sections.push(paragraphs.join('\n\n'));
  });

  entries.reverse();
  sections.reverse();
  return { entries, markdown: sections.length > 0 ? `${sections.join('\n\n')}\n` : '' };
}

function describeField(field: PromptVersionField, previous: PromptVersionLike, current: PromptVersionLike): string {
  if (field === 'metadata') return withDetails(field, describeKeys(previous.metadata, current.metadata, describedMetadataKeys));
  if (field === 'modelConfig') return withDetails(field, describeKeys(previous.modelConfig, current.modelConfig, describedModelConfigKeys));
  return field;
}

function withDetails(field: string, details: string[]): string {
  return details.length > 0 ? `${field} (${details.join(', ')})` : field;
}

/** `riskTier medium → high` for the described keys, the bare key for any other changed one. */
function describeKeys(before: Record<string, unknown>, after: Record<string, unknown>, described: readonly string[]): string[] {
  const changed = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter(
    (key) => canonicalJson(before[key] ?? null) !== canonicalJson(after[key] ?? null),
  );
  const details = described.filter((key) => changed.includes(key)).map((key) => `${key} ${showValue(before[key])} → ${showValue(after[key])}`);
  const others = changed.filter((key) => !described.includes(key)).sort();
  return [...details, ...others];
}

function showValue(value: unknown): string {
  if (value === undefined || value === null) return 'none';
  return typeof value === 'string' ? value : canonicalJson(value);
}
