import { z } from 'zod';
import { EmbeddingProviderSchema } from './embedding-provider.ts';

/** Model-graded types: they call a judge model, so the runner schedules them. */
const modelGradedTypeNames = [
  'llm-rubric',
  'pairwise',
  'factuality',
  'answer-relevance',
  'rubric-criteria',
  'judge',
  'context-faithfulness',
  'context-relevance',
  'context-recall',
] as const;

/** Embedding types: they compare embeddings of the output and the value (promptfoo's `similar`, by metric). */
const embeddingTypeNames = ['similar', 'similar:cosine', 'similar:dot', 'similar:euclidean'] as const;

/** Assertion types Assay knows, under their promptfoo names where promptfoo has one. Each also has a `not-` form. */
export const assertionTypes = [
  'equals',
  'contains',
  'icontains',
  'contains-any',
  'icontains-any',
  'contains-all',
  'icontains-all',
  'regex',
  'starts-with',
  'word-count',
  'is-json',
  'contains-json',
  'json-schema',
  'javascript',
  'levenshtein',
  'latency',
  'cost',
  'tokens',
  'finish-reason',
  'is-valid-tool-call',
  'is-refusal',
  'leaks-canary',
  'leaks-pii',
  'contract',
  ...modelGradedTypeNames,
  ...embeddingTypeNames,
  'assert-set',
] as const;

export type AssertionType = (typeof assertionTypes)[number];

export type ModelGradedType = (typeof modelGradedTypeNames)[number];

export const modelGradedTypes: readonly AssertionType[] = modelGradedTypeNames;

export type EmbeddingType = (typeof embeddingTypeNames)[number];

export const embeddingTypes: readonly AssertionType[] = embeddingTypeNames;

export const AssertionSchema = z
  .object({
    type: z.string().min(1),
    value: z.unknown().optional(),
    threshold: z.number().optional(),
    weight: z.number().min(0).optional(),
    metric: z.string().optional(),
    required: z.boolean().optional(),
    /** The judge model (an id), or for `similar` the embedding model (an id, or `{ id, config }`). */
    provider: z.union([z.string(), EmbeddingProviderSchema]).optional(),
    /** JavaScript applied to the output before this assertion checks it; a list runs in order. */
    transform: z.union([z.string(), z.array(z.string()).min(1)]).optional(),
    /** `assert-set`: the assertions of the set, scored together. */
    get assert(): z.ZodOptional<z.ZodArray<typeof AssertionSchema>> {
      return z.array(AssertionSchema).optional();
    },
  })
  .strict()
  // Named, so the JSON Schema refers to it as #/$defs/Assertion (it contains itself through assert-set).
  .meta({ id: 'Assertion' });

export type Assertion = z.infer<typeof AssertionSchema>;

/** What a model-graded assertion asked its judge and what the judge answered. */
export interface JudgeRecord {
  provider: string;
  /** The judge prompt; for judges that ask more than once, every prompt, each under a `### call n` heading. */
  prompt: string;
  /** The judge's reply, joined the same way when there were several calls. */
  raw: string;
  reasoning?: string;
  /** Each call, for judges that ask more than once (`pairwise` asks in both orders). */
  calls?: JudgeCallRecord[];
  /** `rubric-criteria`: the score (0..1) and reasoning the judge gave each criterion. */
  criteria?: Record<string, { score: number; reasoning?: string }>;
  /** `judge`: the judge file the definition came from. */
  file?: string;
}

export interface JudgeCallRecord {
  prompt: string;
  raw: string;
  reasoning?: string;
  /** What this call decided, e.g. `output wins` for one order of a pairwise comparison. */
  verdict?: string;
}

export interface AssertionResult {
  type: string;
  pass: boolean;
  /** 0..1 */
  score: number;
  reason: string;
  weight: number;
  required: boolean;
  metric?: string;
  judge?: JudgeRecord;
  /** The assertion could not be evaluated (judge unavailable or unreadable, no price...): a failure that says nothing about the output. */
  unevaluable?: boolean;
}
