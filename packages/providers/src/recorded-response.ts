import type {
  LanguageModelV3Content,
  LanguageModelV3FinishReason,
  LanguageModelV3GenerateResult,
  LanguageModelV3Usage,
  SharedV3Warning,
} from '@ai-sdk/provider';

/** The part of a model result that the cache and cassettes store. */
export interface RecordedResponse {
  content: RecordedContent[];
  finishReason: LanguageModelV3FinishReason;
  usage: Omit<LanguageModelV3Usage, 'raw'>;
  warnings?: SharedV3Warning[];
}

export type RecordedContent =
  | { type: 'text'; text: string }
  | { type: 'reasoning'; text: string }
  | { type: 'tool-call'; toolCallId: string; toolName: string; input: string };

/** Marks results served from disk; `call()` reports them as `cached: true`. */
export const cachedMetadata = { assay: { cached: true } } as const;

export function toRecordedResponse(result: LanguageModelV3GenerateResult): RecordedResponse {
  const content: RecordedContent[] = [];
  for (const part of result.content) {
    if (part.type === 'text' || part.type === 'reasoning') content.push({ type: part.type, text: part.text });
    else if (part.type === 'tool-call') {
      content.push({ type: 'tool-call', toolCallId: part.toolCallId, toolName: part.toolName, input: part.input });
    }
  }
  const { inputTokens, outputTokens } = result.usage;
  const recorded: RecordedResponse = {
    content,
    finishReason: result.finishReason,
    usage: { inputTokens, outputTokens },
  };
  if (result.warnings.length > 0) recorded.warnings = result.warnings;
  return recorded;
}

export function fromRecordedResponse(recorded: RecordedResponse): LanguageModelV3GenerateResult {
  return {
    content: recorded.content as LanguageModelV3Content[],
    finishReason: recorded.finishReason,
    usage: recorded.usage,
    warnings: recorded.warnings ?? [],
    providerMetadata: cachedMetadata,
  };
}
