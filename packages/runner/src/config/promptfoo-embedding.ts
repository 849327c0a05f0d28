import { embeddingTypes, type AssertionType, type EmbeddingProviderRef } from '@assay/spec';

/** promptfoo's provider config keys an embedding model takes, in Assay's spelling. */
const embeddingConfigKeys: Record<string, string> = {
  apiBaseUrl: 'apiBaseUrl',
  apiHost: 'apiBaseUrl',
  apiKey: 'apiKey',
  apiKeyEnvar: 'apiKeyEnv',
  headers: 'headers',
  dimensions: 'dimensions',
};

/** Whether a (converted) assertion is `similar` in one of its forms. */
export function isEmbeddingAssertion(assertion: unknown): boolean {
  const type = (assertion as { type?: unknown } | null)?.type;
  return typeof type === 'string' && embeddingTypes.includes(type.replace(/^not-/, '') as AssertionType);
}

/**
 * An embedding model as promptfoo writes it (an id, or `{ id, config }`) in Assay's shape; config
 * keys Assay does not take are named in `unsupported` under `where`. Anything else is returned as
 * written, for the schema check to report at its line.
 */
export function convertEmbeddingProvider(value: unknown, where: string, unsupported: Set<string>): unknown {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
  const { id, config, ...rest } = value as Record<string, unknown>;
  for (const key of Object.keys(rest)) unsupported.add(`${where}.${key}`);
  const converted: Record<string, unknown> = {};
  for (const [key, setting] of Object.entries((config ?? {}) as Record<string, unknown>)) {
    const mapped = embeddingConfigKeys[key];
    // promptfoo's apiHost is a host name (`xxx.openai.azure.com`), not a URL.
    if (mapped && key === 'apiHost' && typeof setting === 'string' && !/^https?:\/\//.test(setting)) converted[mapped] = `https://${setting}`;
    else if (mapped) converted[mapped] = setting;
    else unsupported.add(`${where}.config.${key}`);
  }
  return { id, ...(Object.keys(converted).length ? { config: converted } : {}) };
}

/**
 * promptfoo's `options.provider` by task (`{ text: …, embedding: … }`): the grading model's id and
 * the embedding model; undefined when the value is not such a map.
 */
export function providersByTask(value: unknown, where: string, unsupported: Set<string>): { text?: unknown; embedding?: EmbeddingProviderRef } | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value) || 'id' in value) return undefined;
  const { text, embedding, ...rest } = value as Record<string, unknown>;
  if (text === undefined && embedding === undefined) return undefined;
  for (const key of Object.keys(rest)) unsupported.add(`${where}.${key}`);
  return { ...(text === undefined ? {} : { text }), ...(embedding === undefined ? {} : { embedding: convertEmbeddingProvider(embedding, `${where}.embedding`, unsupported) as EmbeddingProviderRef }) };
}
