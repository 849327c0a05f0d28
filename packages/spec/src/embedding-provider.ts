import { z } from 'zod';

/**
 * An embedding model as a `similar` assertion or the suite's `options.embedding` names it: an id
 * (`openai:text-embedding-3-small`, promptfoo's `openai:embedding:text-embedding-3-small`), or an
 * id with connection settings (promptfoo's `provider: { id, config }`).
 */
export const EmbeddingProviderSchema = z
  .object({
    id: z.string().min(1),
    config: z
      .object({
        apiBaseUrl: z.string().url().optional(),
        apiKey: z.string().optional(),
        apiKeyEnv: z.string().optional(),
        headers: z.record(z.string(), z.string()).optional(),
        /** Output size, for models that can shorten their vectors (OpenAI `text-embedding-3-*`). */
        dimensions: z.number().int().positive().optional(),
      })
      .strict()
      .optional(),
    timeoutMs: z.number().int().positive().optional(),
    retries: z.number().int().min(0).optional(),
  })
  .strict();

export type EmbeddingProviderConfig = z.infer<typeof EmbeddingProviderSchema>;

/** An embedding model named by id alone, or with settings. */
export const EmbeddingProviderRefSchema = z.union([z.string().min(1), EmbeddingProviderSchema]);

export type EmbeddingProviderRef = z.infer<typeof EmbeddingProviderRefSchema>;
