import { styleText } from 'node:util';
import { FILE_HEADERS_ONLY, formatPatch, structuredPatch } from 'diff';
import { canonicalJson } from './prompt-version-input.ts';

/** The parts of a stored prompt version that can be compared (a `PromptVersion` from the store is one). */
export interface PromptVersionLike {
  version: number;
  template: string;
  modelConfig: Record<string, unknown>;
  /** `null` (as the store returns it) and absent are the same. */
  inputSchema?: unknown;
  outputSchema?: unknown;
  metadata: Record<string, unknown>;
  /** The partials the version records (absent in versions stored before partials were versioned). */
  partials?: readonly { name: string; source: string }[];
}

/** The compared fields, in the order changes are listed. */
export const promptVersionFields = ['template', 'modelConfig', 'inputSchema', 'outputSchema', 'metadata', 'partials'] as const;
export type PromptVersionField = (typeof promptVersionFields)[number];

export interface PromptVersionFieldChange {
  field: PromptVersionField;
  /** A unified diff with `--- v1/field` / `+++ v2/field` headers. */
  unified: string;
  /** Lines added and removed. */
  added: number;
  removed: number;
}

export interface PromptVersionDiff {
  from: number;
  to: number;
  /** Only the fields that differ, in the order of {@link promptVersionFields}. */
  changes: PromptVersionFieldChange[];
}

const contextLines = 3;

/**
 * Compares two versions of a prompt field by field, as unified diffs. The template is compared as
 * text; the other fields as canonical JSON (sorted keys, two-space indent) — the form they are
 * stored and hashed in, so versions made by `promptVersionInput` differ here exactly when their
 * content hashes do, and key order never shows up as a change. A missing newline at the end of a
 * text is ignored (it would only add `\ No newline at end of file` noise to every hunk).
 * Partials are compared as text too, each under a `{{> name}}` line, so a changed partial shows
 * as the lines that changed in it.
 */
export function diffPromptVersions(from: PromptVersionLike, to: PromptVersionLike): PromptVersionDiff {
  const changes: PromptVersionFieldChange[] = [];
  for (const field of promptVersionFields) {
    const before = fieldText(from, field);
    const after = fieldText(to, field);
    if (before === after) continue;
    const patch = structuredPatch(`v${from.version}/${field}`, `v${to.version}/${field}`, before, after, undefined, undefined, {
      context: contextLines,
    });
    let added = 0;
    let removed = 0;
    for (const hunk of patch.hunks) {
      for (const line of hunk.lines) {
        if (line.startsWith('+')) added++;
        else if (line.startsWith('-')) removed++;
      }
    }
    changes.push({ field, unified: formatPatch(patch, FILE_HEADERS_ONLY), added, removed });
  }
  return { from: from.version, to: to.version, changes };
}

/**
 * Renders a {@link PromptVersionDiff} for a terminal: a header per changed field followed by its
 * hunks, with added lines green and removed lines red when `color` is set.
 */
export function formatPromptVersionDiff(diff: PromptVersionDiff, options: { color?: boolean } = {}): string {
  const paint = (format: Parameters<typeof styleText>[0], text: string): string =>
    // The caller decides about color (it knows the stream and NO_COLOR), so no stream check here.
    options.color ? styleText(format, text, { validateStream: false }) : text;
  if (diff.changes.length === 0) return `No differences between v${diff.from} and v${diff.to}\n`;

  const out: string[] = [];
  for (const change of diff.changes) {
    if (out.length > 0) out.push('');
    out.push(`${paint('bold', `${change.field}: v${diff.from} → v${diff.to}`)} ${paint('green', `+${change.added}`)} ${paint('red', `-${change.removed}`)}`);
    // The first two lines are the `---`/`+++` file headers, which the header above replaces.
    for (const line of change.unified.split('\n').slice(2)) {
      if (line === '') continue;
      if (line.startsWith('@@')) out.push(paint('cyan', line));
      else if (line.startsWith('+')) out.push(paint('green', line));
      else if (line.startsWith('-')) out.push(paint('red', line));
      else out.push(line);
    }
  }
  return `${out.join('\n')}\n`;
}

function fieldText(version: PromptVersionLike, field: PromptVersionField): string {
  if (field === 'partials') {
    return (version.partials ?? []).map((partial) => `{{> ${partial.name}}}\n${withNewline(partial.source.replace(/\r\n?/g, '\n'))}`).join('');
  }
  const value = version[field];
  const text = field === 'template' ? String(value ?? '') : value === undefined || value === null ? '' : canonicalJson(value, 2);
  return withNewline(text);
}

function withNewline(text: string): string {
  return text === '' || text.endsWith('\n') ? text : `${text}\n`;
}
