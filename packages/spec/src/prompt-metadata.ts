import { z } from 'zod';

export const RiskTierSchema = z.enum(['low', 'medium', 'high', 'critical']);

export const ResponseContractSchema = z
  .object({
    /** JSON Schema the output must satisfy. Defaults to the prompt's `output.schema` when that is JSON Schema. */
    outputSchema: z.record(z.string(), z.unknown()).optional(),
    /** Cases with any of these tags must be refused; all other cases must not be. */
    mustRefuse: z.array(z.string()).optional(),
    /** Answers (that are not refusals) must cite sources matching this regular expression. */
    mustCite: z
      .object({ pattern: z.string(), minCount: z.number().int().min(1).default(1) })
      .strict()
      .optional(),
  })
  .strict();

export type ResponseContract = z.infer<typeof ResponseContractSchema>;

/** Assay's additions to a Dotprompt file's frontmatter, under `metadata`. */
export const PromptMetadataSchema = z
  .object({
    owner: z.string().optional(),
    riskTier: RiskTierSchema.optional(),
    lastReviewed: z.union([z.string().regex(/^\d{4}-\d{2}-\d{2}$/), z.date()]).optional(),
    contract: ResponseContractSchema.optional(),
    canaries: z.array(z.string()).optional(),
  })
  .passthrough();

export type PromptMetadata = z.infer<typeof PromptMetadataSchema>;
