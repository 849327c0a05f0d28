import { z } from 'zod';

export type { JudgeCallRecord } from './assertion.ts';

/** Types a judge file may define: every model-graded type except `judge` itself. */
export const judgeFileTypes = ['llm-rubric', 'pairwise', 'factuality', 'answer-relevance', 'rubric-criteria'] as const;

/**
 * A judge file (`judges/helpful.yaml`): one model-graded assertion, kept in its own file so it can
 * be calibrated against human labels and reused by `type: judge`.
 */
export const JudgeFileSchema = z
  .object({
    type: z.enum(judgeFileTypes),
    value: z.unknown().optional(),
    provider: z.string().min(1).optional(),
    threshold: z.number().min(0).max(1).optional(),
    /** The metric name; defaults to the file name without extension. */
    name: z.string().min(1).optional(),
    description: z.string().optional(),
  })
  .strict();

export type JudgeFile = z.infer<typeof JudgeFileSchema>;

const passWords = new Set(['pass', 'passed', 'true', 'yes', 'y', 'good', 'correct', '1']);
const failWords = new Set(['fail', 'failed', 'false', 'no', 'n', 'bad', 'incorrect', '0']);

/** A human pass/fail label: `true`/`false`, `1`/`0`, or a word such as `pass`, `fail`, `yes`, `no`, `good`, `bad`. */
export function parsePassLabel(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 1 || value === 0) return value === 1;
  if (typeof value !== 'string') return undefined;
  const word = value.trim().toLowerCase();
  if (passWords.has(word)) return true;
  if (failWords.has(word)) return false;
  return undefined;
}

const PassLabelSchema = z.unknown().transform((value, context) => {
  const label = parsePassLabel(value);
  if (label === undefined) {
    context.addIssue({ code: 'custom', message: `label must be true/false or "pass"/"fail" (got ${JSON.stringify(value) ?? 'nothing'})` });
    return z.NEVER;
  }
  return label;
});

const IdSchema = z.union([z.string().min(1, 'id must not be empty'), z.number()], { error: 'id must be a string or a number' }).transform(String);

/** One human-labelled case for `assay judge calibrate` (a line of the labels JSONL file). */
export const JudgeLabelRowSchema = z
  .object({
    id: IdSchema,
    output: z.string(),
    vars: z.record(z.string(), z.unknown()).optional(),
    prompt: z.string().optional(),
    reference: z.string().optional(),
    label: PassLabelSchema,
    /** Free text a labeller left; kept for the disagreement list. */
    note: z.string().optional(),
  })
  .strict();

export type JudgeLabelRow = z.infer<typeof JudgeLabelRowSchema>;

/** One rater's label of one item for `assay judge agreement`. Booleans and pass/fail words are one category each. */
export const AgreementLabelRowSchema = z
  .object({
    id: IdSchema,
    rater: z.union([z.string().min(1, 'rater must not be empty'), z.number()], { error: 'rater must be a string or a number' }).transform(String),
    label: z.union([z.string().min(1, 'label must not be empty'), z.number(), z.boolean()], { error: 'label must be a category name, a number, or true/false' }),
    criterion: z.string().min(1).optional(),
  })
  .strict();

export type AgreementLabelRow = z.infer<typeof AgreementLabelRowSchema>;

const RateSchema = z.object({
  n: z.number().int().min(0),
  estimate: z.number().min(0).max(1).nullable(),
  ci95: z.tuple([z.number(), z.number()]).nullable(),
});

/** `<judge>.calibration.json`, written next to the judge file by `assay judge calibrate`. */
export const JudgeCalibrationFileSchema = z.object({
  version: z.literal(1),
  /** The judge file's name (the calibration file sits next to it). */
  judge: z.string(),
  /** Hash of the judge definition (type, value, provider, threshold) the labels were judged with. */
  judgeHash: z.string(),
  /** The labels file, relative to the judge file's folder. */
  labelsFile: z.string(),
  createdAt: z.string(),
  /** Label rows; `evaluated` of them got a verdict, the rest could not be judged. */
  rows: z.number().int().min(0),
  evaluated: z.number().int().min(0),
  unevaluable: z.number().int().min(0),
  /** Human pass labels among the evaluated rows (the denominator of sensitivity). */
  positives: z.number().int().min(0),
  /** Human fail labels among the evaluated rows (the denominator of specificity). */
  negatives: z.number().int().min(0),
  counts: z.object({
    truePositives: z.number().int().min(0),
    falseNegatives: z.number().int().min(0),
    falsePositives: z.number().int().min(0),
    trueNegatives: z.number().int().min(0),
  }),
  accuracy: RateSchema,
  sensitivity: RateSchema,
  specificity: RateSchema,
  kappa: z.object({ estimate: z.number().nullable(), ci95: z.tuple([z.number(), z.number()]).nullable() }),
});

export type JudgeCalibrationFile = z.infer<typeof JudgeCalibrationFileSchema>;
