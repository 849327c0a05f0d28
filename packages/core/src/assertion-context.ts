import type { EmbeddingProviderRef, ResponseContract, TokenUsage, ToolCallRecord } from '@assay/spec';

export interface ToolDefinition {
  name: string;
  description?: string;
  /** JSON Schema of the tool's arguments. */
  inputSchema?: Record<string, unknown>;
}

/** A judge call the runner makes on an assertion's behalf (core never calls a model itself). */
export type GradeFunction = (request: {
  provider?: string;
  prompt: string;
  /** Ask for JSON matching this schema (structured output) where the judge's provider supports it. */
  outputSchema?: Record<string, unknown>;
}) => Promise<{ provider: string; text: string }>;

/**
 * Embeds texts with an embedding model on an assertion's behalf (`similar`): the one named, else
 * the suite's `options.embedding`, else the default. One vector per value, in order.
 */
export type EmbedFunction = (request: { provider?: EmbeddingProviderRef; values: readonly string[] }) => Promise<{ provider: string; embeddings: number[][] }>;

/** Everything an assertion may look at for one model response. */
export interface AssertionContext {
  output: string;
  /** What a `transform` returned when it was not a string (an object, a number…); `output` is then its JSON text. */
  transformed?: unknown;
  toolCalls: readonly ToolCallRecord[];
  vars: Readonly<Record<string, unknown>>;
  tags: readonly string[];
  /** The case, as `context.test` of javascript assertions and transforms shows it (its vars are `vars`). */
  test?: { id?: string; description?: string; metadata?: Readonly<Record<string, unknown>>; threshold?: number };
  latencyMs: number;
  /** Why the model stopped (`stop`, `length`, `tool-calls`, `content-filter`, `error`, `other`), when the provider said. */
  finishReason?: string;
  usage: TokenUsage;
  /** USD, null when unknown. */
  cost: number | null;
  prompt: {
    id: string;
    /** The rendered prompt as text (for judges). */
    text: string;
    contract?: ResponseContract;
    /** JSON Schema from the prompt's `output.schema` or contract. */
    outputSchema?: Record<string, unknown>;
    tools?: readonly ToolDefinition[];
    canaries?: readonly string[];
  };
  grade?: GradeFunction;
  embed?: EmbedFunction;
}
