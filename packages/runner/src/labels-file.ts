import { readFileSync } from 'node:fs';
import path from 'node:path';
import { formatFieldPath } from '@assay/core';
import { ConfigError } from '@assay/spec';

/** What is used of a zod schema (runner does not depend on zod itself; the schemas live in spec). */
interface RowSchema<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false; error: { issues: readonly { code: string; path: PropertyKey[]; message: string; keys?: string[] }[] } };
}

export interface LabelsRow<T> {
  row: T;
  /** 1-based line in the labels file. */
  line: number;
}

/**
 * Reads a human-labels JSONL file: one JSON object a line, each renamed by `synonyms` (e.g.
 * `response` → `output`) and checked against `schema`. Every bad row is a ConfigError naming the
 * file, line and field, with `hint` saying what a row looks like.
 */
export function readLabelsFile<T>(file: string, schema: RowSchema<T>, options: { synonyms: Record<string, readonly string[]>; hint: string }): LabelsRow<T>[] {
  const shown = path.relative(process.cwd(), path.resolve(file)) || file;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new ConfigError(`Labels file not found: ${shown}`, { file: shown, hint: 'Pass the path of a JSONL file with one labelled row per line.', docs: 'judges.md' });
  }
  const rows: LabelsRow<T>[] = [];
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = index + 1;
    const source = lines[index]!.trim();
    if (!source) continue;
    let value: unknown;
    try {
      value = JSON.parse(source);
    } catch (error) {
      throw new ConfigError(`Invalid JSON: ${(error as Error).message}`, { file: shown, line, hint: `Each line is one JSON object: ${options.hint}`, docs: 'judges.md' });
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new ConfigError('A labels row must be a JSON object', { file: shown, line, hint: options.hint, docs: 'judges.md' });
    }
    const record = renameSynonyms(value as Record<string, unknown>, options.synonyms, shown, line);
    const parsed = schema.safeParse(record);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = issue.code === 'unrecognized_keys' ? (issue.keys?.[0] ?? '') : formatFieldPath(issue.path as PropertyKey[]);
      const missing = issue.path.length === 1 && !(field in record);
      const message = issue.code === 'unrecognized_keys' ? `Unknown field "${field}"` : missing ? `Missing field "${field}"` : issue.message;
      throw new ConfigError(`Invalid labels row: ${message}`, { file: shown, line, field: field || undefined, hint: options.hint, docs: 'judges.md' });
    }
    rows.push({ row: parsed.data, line });
  }
  if (rows.length === 0) throw new ConfigError(`Labels file ${shown} has no rows`, { file: shown, hint: options.hint, docs: 'judges.md' });
  return rows;
}

function renameSynonyms(record: Record<string, unknown>, synonyms: Record<string, readonly string[]>, file: string, line: number): Record<string, unknown> {
  const result = { ...record };
  for (const [name, alternatives] of Object.entries(synonyms)) {
    for (const alternative of alternatives) {
      if (!(alternative in result)) continue;
      if (name in result) {
        throw new ConfigError(`Both "${name}" and "${alternative}" are set`, { file, line, field: alternative, hint: `"${alternative}" means "${name}" here; keep one of them.`, docs: 'judges.md' });
      }
      result[name] = result[alternative];
      delete result[alternative];
    }
  }
  return result;
}
