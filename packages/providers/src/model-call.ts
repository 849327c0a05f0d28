import type {
  LanguageModelV3CallOptions,
  LanguageModelV3FunctionTool,
  LanguageModelV3GenerateResult,
  LanguageModelV3Message,
  LanguageModelV3Usage,
  SharedV3Warning,
} from '@ai-sdk/provider';
import type { TokenUsage, ToolCallRecord } from '@assay/spec';
import type { ModelRequest, ModelResponse, ModelSettings } from './types.ts';

const toolMessageWarning = 'tool messages are sent as user text: a ChatMessage carries no tool call id';

/** ModelRequest → AI SDK call options. Entry `settings` are defaults; the request's win. */
export function toCallOptions(request: ModelRequest, defaults: ModelSettings | undefined, warnings: string[]): LanguageModelV3CallOptions {
  const prompt: LanguageModelV3Message[] = new Array(request.messages.length);
  for (let index = 0; index < request.messages.length; index++) {
    const { role, content } = request.messages[index]!;
    if (role === 'system') prompt[index] = { role: 'system', content };
    else if (role === 'assistant') prompt[index] = { role: 'assistant', content: [{ type: 'text', text: content }] };
    else {
      if (role === 'tool' && !warnings.includes(toolMessageWarning)) warnings.push(toolMessageWarning);
      prompt[index] = { role: 'user', content: [{ type: 'text', text: content }] };
    }
  }
  const settings = request.settings;
  const params: LanguageModelV3CallOptions = { prompt };
  const maxTokens = settings?.maxTokens ?? defaults?.maxTokens;
  const temperature = settings?.temperature ?? defaults?.temperature;
  const topP = settings?.topP ?? defaults?.topP;
  const seed = settings?.seed ?? defaults?.seed;
  const topK = settings?.topK ?? defaults?.topK;
  const frequencyPenalty = settings?.frequencyPenalty ?? defaults?.frequencyPenalty;
  const presencePenalty = settings?.presencePenalty ?? defaults?.presencePenalty;
  const stopSequences = settings?.stopSequences ?? defaults?.stopSequences;
  if (maxTokens !== undefined) params.maxOutputTokens = maxTokens;
  if (temperature !== undefined) params.temperature = temperature;
  if (topP !== undefined) params.topP = topP;
  if (seed !== undefined) params.seed = seed;
  if (topK !== undefined) params.topK = topK;
  if (frequencyPenalty !== undefined) params.frequencyPenalty = frequencyPenalty;
  if (presencePenalty !== undefined) params.presencePenalty = presencePenalty;
  if (stopSequences !== undefined && stopSequences.length > 0) params.stopSequences = stopSequences;
  if (request.tools !== undefined && request.tools.length > 0) {
    const tools: LanguageModelV3FunctionTool[] = new Array(request.tools.length);
    for (let index = 0; index < request.tools.length; index++) {
      const tool = request.tools[index]!;
      tools[index] = {
        type: 'function',
        name: tool.name,
        description: tool.description,
        inputSchema: (tool.inputSchema ?? { type: 'object', properties: {} }) as LanguageModelV3FunctionTool['inputSchema'],
      };
    }
    params.tools = tools;
  }
  const providerOptions: NonNullable<LanguageModelV3CallOptions['providerOptions']> = {};
  // The prompt's output schema first, else the provider entry's response format.
  const format = defaults?.responseFormat;
  const schema = request.outputSchema ?? (typeof format === 'object' ? format.schema : undefined);
  if (schema !== undefined) {
    params.responseFormat = { type: 'json', schema: schema as NonNullable<Extract<LanguageModelV3CallOptions['responseFormat'], { type: 'json' }>['schema']> };
    if (request.outputSchema === undefined && typeof format === 'object' && format.name !== undefined) params.responseFormat.name = format.name;
    // OpenAI's strict structured outputs reject schemas with optional properties or open
    // objects (HTTP 400); ask for strict mode only when the schema qualifies.
    if (!isStrictCompatible(schema)) providerOptions.openai = { strictJsonSchema: false };
  } else if (format === 'json') params.responseFormat = { type: 'json' };
  if (request.repeat !== undefined && request.repeat > 0) providerOptions.assay = { repeat: request.repeat };
  if (Object.keys(providerOptions).length > 0) params.providerOptions = providerOptions;
  if (request.abortSignal !== undefined) params.abortSignal = request.abortSignal;
  return params;
}

/**
 * Whether OpenAI's strict mode accepts a JSON Schema: every object lists all its properties as
 * required and sets `additionalProperties: false`, all the way down.
 */
export function isStrictCompatible(schema: unknown): boolean {
  if (schema === null || typeof schema !== 'object') return true;
  if (Array.isArray(schema)) return schema.every(isStrictCompatible);
  const node = schema as Record<string, unknown>;
  const properties = node.properties as Record<string, unknown> | undefined;
  if (node.type === 'object' || properties) {
    if (node.additionalProperties !== false) return false;
    const required = new Set(Array.isArray(node.required) ? (node.required as string[]) : []);
    if (!Object.keys(properties ?? {}).every((key) => required.has(key))) return false;
  }
  for (const key of ['properties', '$defs', 'definitions'] as const) {
    const children = node[key] as Record<string, unknown> | undefined;
    if (children && !Object.values(children).every(isStrictCompatible)) return false;
  }
  for (const key of ['items', 'anyOf', 'oneOf', 'allOf'] as const) {
    if (node[key] !== undefined && !isStrictCompatible(node[key])) return false;
  }
  return true;
}

/** AI SDK V3 usage → TokenUsage. Cached input is a subset of input, reasoning a subset of output. */
export function toTokenUsage(usage: LanguageModelV3Usage): TokenUsage {
  const input = usage.inputTokens;
  const output = usage.outputTokens;
  const inputTokens = input.total ?? (input.noCache ?? 0) + (input.cacheRead ?? 0) + (input.cacheWrite ?? 0);
  const outputTokens = output.total ?? (output.text ?? 0) + (output.reasoning ?? 0);
  return {
    inputTokens,
    outputTokens,
    cachedInputTokens: input.cacheRead ?? 0,
    reasoningTokens: output.reasoning ?? 0,
    totalTokens: inputTokens + outputTokens,
  };
}

export function warningToString(warning: SharedV3Warning): string {
  if (warning.type === 'other') return warning.message;
  const prefix = warning.type === 'unsupported' ? 'unsupported' : 'compatibility mode';
  return warning.details ? `${prefix}: ${warning.feature}: ${warning.details}` : `${prefix}: ${warning.feature}`;
}

export function toModelResponse(result: LanguageModelV3GenerateResult, latencyMs: number, warnings: string[]): ModelResponse {
  let text = '';
  const toolCalls: ToolCallRecord[] = [];
  for (const part of result.content) {
    if (part.type === 'text') text += part.text;
    else if (part.type === 'tool-call') toolCalls.push({ toolName: part.toolName, input: parseToolInput(part.input) });
  }
  for (const warning of result.warnings) warnings.push(warningToString(warning));
  return {
    text,
    toolCalls,
    usage: toTokenUsage(result.usage),
    finishReason: result.finishReason.unified,
    latencyMs,
    cached: result.providerMetadata?.assay?.cached === true,
    warnings,
  };
}

function parseToolInput(input: string): unknown {
  if (input === '') return {};
  try {
    return JSON.parse(input);
  } catch {
    return input; // models do emit broken JSON; assertions get to see it as-is
  }
}
