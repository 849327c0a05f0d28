import type { ChatMessage, TokenUsage, ToolCallRecord } from '@assay/spec';

/** A tool the model may call. `inputSchema` is the JSON Schema of its arguments. */
export interface ModelTool {
  name: string;
  description?: string;
  inputSchema?: Record<string, unknown>;
}

/** Sampling settings a prompt or provider entry may set. Unsupported ones come back as warnings. */
export interface ModelSettings {
  temperature?: number;
  maxTokens?: number;
  topP?: number;
  seed?: number;
  topK?: number;
  frequencyPenalty?: number;
  presencePenalty?: number;
  stopSequences?: string[];
  /** Provider entries only: JSON mode, or structured output with a schema, when the request has no output schema. */
  responseFormat?: 'text' | 'json' | { schema: Record<string, unknown>; name?: string };
}

/** One model call as the runner sees it. */
export interface ModelRequest {
  messages: ChatMessage[];
  tools?: ModelTool[];
  /** JSON Schema for structured output (responseFormat json) when the prompt declares one. */
  outputSchema?: Record<string, unknown>;
  settings?: ModelSettings;
  abortSignal?: AbortSignal;
  /**
   * Repeat index (suite `repeat:`). Part of the cache and cassette key when above 0, so repeated
   * samples of one case are recorded and cached separately instead of all returning the first.
   */
  repeat?: number;
}

export interface ModelResponse {
  text: string;
  toolCalls: ToolCallRecord[];
  usage: TokenUsage;
  /** `stop`, `length`, `content-filter`, `tool-calls`, `error` or `other`. */
  finishReason: string;
  latencyMs: number;
  /** Served from the on-disk cache or a cassette. */
  cached: boolean;
  /** Unsupported settings and similar (AI SDK call warnings turned into strings). */
  warnings: string[];
}

/** A resolved provider entry. `call` is the hot path: one per case. */
export interface ModelHandle {
  /** The provider id as configured, e.g. `openai:gpt-4o-mini`. */
  id: string;
  /** `label` from the config, else the id. */
  label: string;
  modelId: string;
  provider: string;
  limits: { concurrency?: number };
  call(request: ModelRequest): Promise<ModelResponse>;
}

export interface RetryInfo {
  provider: string;
  /** 1 for the first retry. */
  attempt: number;
  delayMs: number;
  reason: string;
}

export interface ProviderRegistryOptions {
  /** Directory relative paths (cache, cassette) resolve against. */
  cwd: string;
  /** Where API keys and base URLs are read from. Default `process.env`. */
  env?: Record<string, string | undefined>;
  /** On-disk response cache; `false` disables it. */
  cache?: { directory: string } | false;
  cassette?: { path: string; mode: 'record' | 'replay' };
  /** Per-attempt timeout; a provider entry's `timeoutMs` overrides it. */
  timeoutMs: number;
  /** Retries after the first attempt; a provider entry's `retries` overrides it. */
  retries: number;
  onRetry?: (info: RetryInfo) => void;
  /** Backoff shape (full jitter): delay = random(0, min(maxMs, baseMs * 2^attempt)). Default 500 ms / 30 s. */
  retryDelay?: { baseMs?: number; maxMs?: number };
  /** fetch used for every HTTP provider. Default: the global fetch. */
  fetch?: typeof globalThis.fetch;
}
