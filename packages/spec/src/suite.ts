import { z } from 'zod';
import { AssertionSchema } from './assertion.ts';
import { EmbeddingProviderRefSchema } from './embedding-provider.ts';

export const ProviderLimitsSchema = z
  .object({
    concurrency: z.number().int().min(1).optional(),
    requestsPerMinute: z.number().positive().optional(),
    tokensPerMinute: z.number().positive().optional(),
  })
  .strict();

export const ProviderConfigSchema = z
  .object({
    id: z.string().min(1),
    label: z.string().optional(),
    config: z
      .object({
        temperature: z.number().optional(),
        maxTokens: z.number().int().positive().optional(),
        topP: z.number().optional(),
        seed: z.number().int().optional(),
        topK: z.number().int().positive().optional(),
        frequencyPenalty: z.number().optional(),
        presencePenalty: z.number().optional(),
        stopSequences: z.array(z.string()).optional(),
        /** JSON mode for every call, or structured output with a schema; a prompt's own output schema wins. */
        responseFormat: z
          .union([z.enum(['text', 'json']), z.object({ schema: z.record(z.string(), z.unknown()), name: z.string().optional() }).strict()])
          .optional(),
        apiBaseUrl: z.string().url().optional(),
        apiKey: z.string().optional(),
        apiKeyEnv: z.string().optional(),
        headers: z.record(z.string(), z.string()).optional(),
        /** Azure OpenAI's `api-version` query parameter (default 2024-10-21). */
        apiVersion: z.string().min(1).optional(),
        /** Bedrock's AWS region, Vertex's location. */
        region: z.string().min(1).optional(),
        /** Vertex's Google Cloud project. */
        projectId: z.string().min(1).optional(),
        /** `http` providers: the endpoint, its method, the body with `{{prompt}}`, and the expression reading the answer. */
        url: z.url({ protocol: /^https?$/ }).optional(),
        method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'get', 'post', 'put', 'patch']).optional(),
        body: z.union([z.string(), z.record(z.string(), z.unknown()), z.array(z.unknown())]).optional(),
        transformResponse: z.string().min(1).optional(),
      })
      .strict()
      .optional(),
    limits: ProviderLimitsSchema.optional(),
    timeoutMs: z.number().int().positive().optional(),
    retries: z.number().int().min(0).optional(),
  })
  .strict();

export type ProviderConfig = z.infer<typeof ProviderConfigSchema>;

export const PromptRefSchema = z.union([
  z.string().min(1),
  z
    .object({
      id: z.string().min(1).optional(),
      file: z.string().min(1).optional(),
      template: z.string().optional(),
      label: z.string().optional(),
    })
    .strict(),
]);

export const TestCaseSchema = z
  .object({
    id: z.string().optional(),
    description: z.string().optional(),
    vars: z.record(z.string(), z.unknown()).default({}),
    assert: z.array(AssertionSchema).optional(),
    tags: z.array(z.string()).optional(),
    threshold: z.number().min(0).max(1).optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
    /** Run the case only on these providers: labels or ids; a trailing `*` matches a prefix (`openai:*`). */
    providers: z.array(z.string().min(1)).optional(),
  })
  .strict();

export type TestCase = z.infer<typeof TestCaseSchema>;

export const RunOptionsSchema = z
  .object({
    concurrency: z.number().int().min(1).max(1024).default(8),
    cache: z.boolean().default(true),
    timeoutMs: z.number().int().positive().default(60_000),
    retries: z.number().int().min(0).max(20).default(4),
    grader: z.string().optional(),
    /** The embedding model of `similar` assertions that name none (default `openai:text-embedding-3-small`). */
    embedding: EmbeddingProviderRefSchema.optional(),
    enforceContract: z.boolean().default(true),
  })
  .strict();

/** Release gates checked after a run; any failing gate makes `assay eval` exit 1. */
export const GateSchema = z
  .object({
    /** Every cell's pass rate must reach this (its interval's lower bound, unless `use: estimate`). */
    minPassRate: z.number().min(0).max(1).optional(),
    /** Every cell's mean score must reach this (bootstrap lower bound, unless `use: estimate`). */
    minScore: z.number().min(0).max(1).optional(),
    /** Per named metric: minimum pass rate in every cell. */
    metrics: z.record(z.string(), z.number().min(0).max(1)).optional(),
    /** Fail when any cell is significantly worse than the baseline run (needs `--baseline` or `baseline:`). */
    noSignificantRegression: z.boolean().default(false),
    /** Run id, run label or results JSON file to compare against when `--baseline` is not given. */
    baseline: z.string().min(1).optional(),
    /** Confidence of the intervals and tests behind the gates. */
    confidence: z.number().gt(0.5).lt(1).default(0.95),
    /** `lowerBound` (default) gates on the interval's lower bound; `estimate` on the point estimate. */
    use: z.enum(['lowerBound', 'estimate']).default('lowerBound'),
    /** Maximum mean cost per case in USD, per cell. */
    maxCostPerCase: z.number().min(0).optional(),
    /** Maximum share of flaky cases (needs repeats). */
    maxFlakinessRate: z.number().min(0).max(1).optional(),
  })
  .strict();

export type Gate = z.infer<typeof GateSchema>;

/** Result files `assay eval` can write, by extension (docs/output-formats.md). */
export const outputFormats = { '.json': 'json', '.jsonl': 'jsonl', '.csv': 'csv', '.xml': 'xml', '.html': 'html' } as const;
export type OutputFormat = (typeof outputFormats)[keyof typeof outputFormats];

const OutputFileSchema = z
  .string()
  .regex(new RegExp(`\\.(${Object.values(outputFormats).join('|')})$`, 'i'), `a result file must end in ${Object.keys(outputFormats).join(', ')}`);

export const SuiteSchema = z
  .object({
    $schema: z.string().optional(),
    description: z.string().optional(),
    prompts: z.array(PromptRefSchema).min(1),
    providers: z.array(z.union([z.string().min(1), ProviderConfigSchema])).min(1),
    /** A `.jsonl`/`.csv`/`.yaml` file or folder path, or inline cases. */
    dataset: z.union([z.string().min(1), z.array(TestCaseSchema)]).optional(),
    tests: z.array(TestCaseSchema).optional(),
    defaultAssert: z.array(AssertionSchema).optional(),
    repeat: z.number().int().min(1).max(1000).default(1),
    /** Minimum pass rate for every prompt × provider cell; below it the run exits 1. */
    threshold: z.number().min(0).max(1).optional(),
    gate: GateSchema.optional(),
    /**
     * Upload every run of this suite to a team server (`assay serve`), as `--upload` does. The key
     * comes from `ASSAY_API_KEY`, never from this file; `--server` and `ASSAY_SERVER` override `url`.
     */
    server: z
      .object({
        url: z.url({ protocol: /^https?$/ }).optional(),
        upload: z.boolean().default(true),
      })
      .strict()
      .optional(),
    /** Result files written after every run (format by extension), relative to the suite file; `-o` replaces them. */
    output: z.union([OutputFileSchema, z.array(OutputFileSchema).min(1)]).optional(),
    options: RunOptionsSchema.default(RunOptionsSchema.parse({})),
    /** Per-model prices in USD per million tokens, overriding the built-in table. */
    prices: z
      .record(z.string(), z.object({ input: z.number(), output: z.number(), cachedInput: z.number().optional() }).strict())
      .optional(),
  })
  .strict();

export type SuiteInput = z.input<typeof SuiteSchema>;
export type Suite = z.infer<typeof SuiteSchema>;

/** Typed identity for `assay.config.ts`. The loaded value is still validated. */
export function defineConfig(config: SuiteInput): SuiteInput {
  return config;
}
