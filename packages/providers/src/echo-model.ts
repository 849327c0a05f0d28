import type { LanguageModelV3, LanguageModelV3CallOptions, LanguageModelV3GenerateResult, LanguageModelV3StreamPart } from '@ai-sdk/provider';

/**
 * An offline model that replies with the last user message. For tests, `assay init` and dry runs;
 * usage counts ~4 characters a token so cost and token reports have something to show.
 */
export class EchoLanguageModel implements LanguageModelV3 {
  readonly specificationVersion = 'v3';
  readonly provider = 'echo';
  readonly modelId: string;
  readonly supportedUrls = {};

  constructor(modelId = 'echo') {
    this.modelId = modelId;
  }

  async doGenerate(options: LanguageModelV3CallOptions): Promise<LanguageModelV3GenerateResult> {
    options.abortSignal?.throwIfAborted();
    let inputCharacters = 0;
    let reply = '';
    for (const message of options.prompt) {
      if (typeof message.content === 'string') {
        inputCharacters += message.content.length;
        continue;
      }
      let text = '';
      for (const part of message.content) if (part.type === 'text') text += part.text;
      inputCharacters += text.length;
      if (message.role === 'user') reply = text;
    }
    const inputTokens = Math.ceil(inputCharacters / 4);
    const outputTokens = Math.ceil(reply.length / 4);
    return {
      content: [{ type: 'text', text: reply }],
      finishReason: { unified: 'stop', raw: 'stop' },
      usage: {
        inputTokens: { total: inputTokens, noCache: inputTokens, cacheRead: 0, cacheWrite: 0 },
        outputTokens: { total: outputTokens, text: outputTokens, reasoning: 0 },
      },
      warnings: [],
    };
  }

  async doStream(options: LanguageModelV3CallOptions) {
    const result = await this.doGenerate(options);
    const text = result.content[0]?.type === 'text' ? result.content[0].text : '';
    const parts: LanguageModelV3StreamPart[] = [
      { type: 'stream-start', warnings: [] },
      { type: 'text-start', id: '0' },
      { type: 'text-delta', id: '0', delta: text },
      { type: 'text-end', id: '0' },
      { type: 'finish', usage: result.usage, finishReason: result.finishReason },
    ];
    return {
      stream: new ReadableStream<LanguageModelV3StreamPart>({
        start(controller) {
          for (const part of parts) controller.enqueue(part);
          controller.close();
        },
      }),
    };
  }
}
