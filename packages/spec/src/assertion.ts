import { z } from 'zod';

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
  'is-json',
  'contains-json',
  'json-schema',
  'javascript',
  'levenshtein',
  'latency',
  'cost',
  'tokens',
  'is-valid-tool-call',
  'is-refusal',
  'leaks-canary',
  'leaks-pii',
  'contract',
  'llm-rubric',
] as const;

export type AssertionType = (typeof assertionTypes)[number];

/** Model-graded types: they call a judge model, so the runner schedules them. */
export const modelGradedTypes: readonly AssertionType[] = ['llm-rubric'];

export const AssertionSchema = z
  .object({
    type: z.string().min(1),
    value: z.unknown().optional(),
    threshold: z.number().optional(),
    weight: z.number().min(0).optional(),
    metric: z.string().optional(),
    required: z.boolean().optional(),
    provider: z.string().optional(),
  })
  .strict();

export type Assertion = z.infer<typeof AssertionSchema>;

export interface JudgeRecord {
  provider: string;
  prompt: string;
  raw: string;
  reasoning?: string;
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
}
