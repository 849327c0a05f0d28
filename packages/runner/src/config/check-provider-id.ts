import { formatFieldPath } from '@assay/core';
import { parseEmbeddingId, parseProviderId } from '@assay/providers';
import { ConfigError } from '@assay/spec';
import type { ConfigLocator } from './config-location.ts';

/**
 * Checks a provider id a config names (a provider, the grader, a model-graded assertion's or a
 * judge file's model) where it is written: a mistyped prefix or API type (`openai:chatt:gpt-4o`)
 * is a ConfigError at its line, before anything is sent.
 *
 * @param file where the id was written, when not the locator's file (a dataset); that error names the file only
 */
export function checkProviderId(id: string, locator: ConfigLocator, fieldPath: readonly PropertyKey[], file = locator.file, parse: (id: string) => unknown = parseProviderId): void {
  try {
    parse(id);
  } catch (error) {
    if (!ConfigError.isInstance(error)) throw error;
    const { message, hint, docs } = error as ConfigError;
    if (file === locator.file) throw locator.error(message, fieldPath, hint, docs);
    throw new ConfigError(message, { file, field: formatFieldPath(fieldPath), hint, docs });
  }
}

/** checkProviderId for an embedding model (`similar`'s provider, `options.embedding`). */
export function checkEmbeddingId(id: string, locator: ConfigLocator, fieldPath: readonly PropertyKey[], file = locator.file): void {
  checkProviderId(id, locator, fieldPath, file, parseEmbeddingId);
}
