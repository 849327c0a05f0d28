import { z } from 'zod';

// The wire shapes of a run as `assay eval --upload` sends it (the interfaces in result.ts,
// comparison.ts and assertion.ts, field for field). Every object is strict: the server refuses
// anything else with a 422 naming the field, so the dashboard and `/compare` only ever read runs
// in this shape (issue 16). result-schema.test-d.ts keeps these and the interfaces equal.

/** Run ids: what `assay eval` makes (`20261120-1a2b3c4d`) and what a user may choose. */
export const RunIdSchema = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits, ".", "_", ":", "-"');

export const RunStatusSchema = z.enum(['running', 'completed', 'interrupted', 'failed']);

const IsoDateTimeSchema = z.iso.datetime({ offset: true });
const CountSchema = z.number().int().min(0);
const IntervalSchema = z.tuple([z.number(), z.number()]);
const NameSchema = z.string().max(1000);

const JudgeCallRecordSchema = z.strictObject({
  prompt: z.string(),
  raw: z.string(),
  reasoning: z.string().optional(),
  verdict: z.string().optional(),
});

const JudgeRecordSchema = z.strictObject({
  provider: z.string(),
  prompt: z.string(),
  raw: z.string(),
  reasoning: z.string().optional(),
  calls: z.array(JudgeCallRecordSchema).optional(),
  criteria: z.record(z.string(), z.strictObject({ score: z.number(), reasoning: z.string().optional() })).optional(),
  file: z.string().optional(),
});

export const AssertionResultSchema = z.strictObject({
  type: z.string(),
  pass: z.boolean(),
  score: z.number(),
  reason: z.string(),
  weight: z.number(),
  required: z.boolean(),
  metric: z.string().optional(),
  judge: JudgeRecordSchema.optional(),
  unevaluable: z.boolean().optional(),
});

const TokenUsageSchema = z.strictObject({
  inputTokens: z.number().min(0),
  outputTokens: z.number().min(0),
  cachedInputTokens: z.number().min(0),
  reasoningTokens: z.number().min(0),
  totalTokens: z.number().min(0),
});

/** One prompt × provider × case × repeat, as `runEval` stores it. */
export const CaseResultSchema = z.strictObject({
  runId: RunIdSchema,
  key: z.string().min(1).max(1000),
  promptId: NameSchema,
  providerId: NameSchema,
  caseId: NameSchema,
  caseIndex: CountSchema,
  repeat: CountSchema,
  vars: z.record(z.string(), z.unknown()),
  messages: z.array(z.strictObject({ role: z.enum(['system', 'user', 'assistant', 'tool']), content: z.string() })),
  output: z.string(),
  toolCalls: z.array(z.strictObject({ toolName: z.string(), input: z.unknown() })),
  error: z.string().optional(),
  pass: z.boolean(),
  score: z.number(),
  assertions: z.array(AssertionResultSchema),
  latencyMs: z.number().min(0),
  usage: TokenUsageSchema,
  cost: z.number().nullable(),
  cached: z.boolean(),
  finishedAt: IsoDateTimeSchema,
}).meta({ id: 'CaseResult' });

const RepeatSummarySchema = z.strictObject({
  k: CountSchema,
  cases: CountSchema,
  passAtK: z.number().nullable(),
  passAllK: z.number().nullable(),
  flakyCases: CountSchema,
  flakinessRate: z.number().nullable(),
  flaky: z.array(z.strictObject({ caseId: z.string(), passed: CountSchema, repeats: CountSchema })),
  icc: z.number().nullable(),
  designEffect: z.number().nullable(),
});

const SummaryCellSchema = z.strictObject({
  prompt: NameSchema,
  provider: NameSchema,
  n: CountSchema,
  passed: CountSchema,
  errors: CountSchema,
  passRate: z.number().nullable(),
  ci95: IntervalSchema.nullable(),
  meanScore: z.number().nullable(),
  scoreCi95: IntervalSchema.nullable(),
  repeats: RepeatSummarySchema.optional(),
  cost: z.number(),
  costPerCase: z.number().nullable(),
  costPerPass: z.number().nullable(),
  tokens: z.number().min(0),
  meanLatencyMs: z.number().nullable(),
  promptHash: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  registryVersion: z.strictObject({ name: z.string().max(200), version: z.number().int().min(1) }).optional(),
});

const JudgeMetricSummarySchema = z.strictObject({
  file: z.string(),
  calibrated: z.boolean(),
  sensitivity: z.number().optional(),
  specificity: z.number().optional(),
  positives: CountSchema.optional(),
  negatives: CountSchema.optional(),
  correctedPassRate: z.number().nullable().optional(),
  correctedCi95: IntervalSchema.nullable().optional(),
});

const MetricSummarySchema = z.strictObject({
  metric: z.string(),
  prompt: NameSchema,
  provider: NameSchema,
  n: CountSchema,
  passed: CountSchema,
  passRate: z.number().nullable(),
  ci95: IntervalSchema.nullable(),
  judge: JudgeMetricSummarySchema.optional(),
});

const GateResultSchema = z.strictObject({
  gate: z.string(),
  cell: z.string().optional(),
  ok: z.boolean(),
  detail: z.string(),
  value: z.number().nullable(),
  limit: z.number().nullable(),
});

/** A run's summary as `runEval` folds it: the matrix, metrics, thresholds, gates and warnings. */
export const RunSummarySchema = z.strictObject({
  total: CountSchema,
  passed: CountSchema,
  failed: CountSchema,
  errors: CountSchema,
  cached: CountSchema.optional(),
  cost: z.number(),
  tokens: z.number().min(0),
  durationMs: z.number().min(0),
  cells: z.array(SummaryCellSchema),
  metrics: z.array(MetricSummarySchema),
  thresholds: z.array(z.strictObject({ cell: z.string(), threshold: z.number(), passRate: z.number().nullable(), ok: z.boolean() })),
  gates: z.array(GateResultSchema),
  warnings: z.array(z.string()),
}).meta({ id: 'RunSummary' });

const runRecordShape = {
  id: RunIdSchema,
  createdAt: IsoDateTimeSchema,
  status: RunStatusSchema,
  configPath: z.string().max(4096),
  planHash: z.string().max(200),
  total: z.number().int().min(0).max(10_000_000),
  options: z.record(z.string(), z.unknown()),
  summary: RunSummarySchema.optional(),
  finishedAt: IsoDateTimeSchema.optional(),
  label: z.string().max(200).optional(),
};

/** A stored run, as the server answers it (uploaded runs carry their project). */
export const RunRecordSchema = z.strictObject({ ...runRecordShape, projectId: z.string().optional() }).meta({ id: 'RunRecord' });

/** A run as `assay eval --upload` sends it: no `projectId`, which comes from the caller's key or session. */
export const RunUploadSchema = z.strictObject(runRecordShape).meta({ id: 'RunUpload' });
