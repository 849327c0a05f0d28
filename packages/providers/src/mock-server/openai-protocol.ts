import { estimateTokens, lastUserText, textOfContent } from './message-text.ts';
import { bearerToken, splitArguments, splitText, type ParsedRequest, type ReplyContext, type WireProtocol } from './protocol.ts';
import type { MockReply } from './rules.ts';

/** OpenAI chat completions: `POST /v1/chat/completions`. */
export const openAIProtocol: WireProtocol = {
  name: 'openai',

  parse(body) {
    if (!isRecord(body)) return 'The request body must be a JSON object.';
    const { model, messages } = body;
    if (typeof model !== 'string' || model === '') return 'You must provide a model parameter.';
    if (!Array.isArray(messages) || messages.length === 0) return "Invalid 'messages': expected a non-empty array.";
    let system = '';
    let promptCharacters = 0;
    for (let index = 0; index < messages.length; index++) {
      const message = messages[index];
      if (!isRecord(message) || typeof message.role !== 'string') return `Invalid 'messages[${index}]': expected an object with a 'role'.`;
      const text = textOfContent(message.content);
      promptCharacters += text.length;
      if (message.role === 'system' || message.role === 'developer') system += system === '' ? text : `\n${text}`;
      if (Array.isArray(message.tool_calls)) promptCharacters += JSON.stringify(message.tool_calls).length;
    }
    if (Array.isArray(body.tools)) promptCharacters += JSON.stringify(body.tools).length;
    const streamOptions = body.stream_options;
    const parsed: ParsedRequest = {
      model,
      lastUser: lastUserText(messages),
      system,
      stream: body.stream === true,
      includeUsage: isRecord(streamOptions) && streamOptions.include_usage === true,
      promptTokens: estimateTokens(promptCharacters),
    };
    return parsed;
  },

  authorized(headers, apiKey) {
    return bearerToken(headers) === apiKey;
  },

  errorBody(status, message) {
    const [type, code] = errorKind(status);
    return JSON.stringify({ error: { message, type, param: null, code } });
  },

  completionBody(reply, context) {
    const hasTools = reply.toolCalls.length > 0;
    const message: Record<string, unknown> = {
      role: 'assistant',
      content: hasTools && reply.content === '' ? null : reply.content,
      refusal: null,
    };
    if (hasTools) {
      message.tool_calls = reply.toolCalls.map((call, index) => ({
        id: toolCallId(context, index),
        type: 'function',
        function: { name: call.name, arguments: call.arguments },
      }));
    }
    return JSON.stringify({
      id: `chatcmpl-mock${context.sequence}`,
      object: 'chat.completion',
      created: context.created,
      model: context.model,
      choices: [{ index: 0, message, logprobs: null, finish_reason: hasTools ? 'tool_calls' : 'stop' }],
      usage: usage(reply, context),
      system_fingerprint: null,
    });
  },

  streamFrames(reply, context) {
    const head = `{"id":"chatcmpl-mock${context.sequence}","object":"chat.completion.chunk","created":${context.created},"model":${JSON.stringify(context.model)},"system_fingerprint":null,"choices":[`;
    const tail = context.includeUsage ? '],"usage":null}' : ']}';
    const frame = (choice: unknown) => `data: ${head}${JSON.stringify(choice)}${tail}\n\n`;
    const frames = [frame({ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null })];
    for (const piece of splitText(reply.content)) {
      frames.push(frame({ index: 0, delta: { content: piece }, logprobs: null, finish_reason: null }));
    }
    reply.toolCalls.forEach((call, index) => {
      frames.push(
        frame({
          index: 0,
          delta: { tool_calls: [{ index, id: toolCallId(context, index), type: 'function', function: { name: call.name, arguments: '' } }] },
          logprobs: null,
          finish_reason: null,
        }),
      );
      for (const piece of splitArguments(call.arguments)) {
        frames.push(frame({ index: 0, delta: { tool_calls: [{ index, function: { arguments: piece } }] }, logprobs: null, finish_reason: null }));
      }
    });
    frames.push(frame({ index: 0, delta: {}, logprobs: null, finish_reason: reply.toolCalls.length > 0 ? 'tool_calls' : 'stop' }));
    if (context.includeUsage) {
      frames.push(`data: ${head}],"usage":${JSON.stringify(usage(reply, context))}}\n\n`);
    }
    frames.push('data: [DONE]\n\n');
    return frames;
  },
};

function usage(reply: MockReply, context: ReplyContext) {
  let characters = reply.content.length;
  for (const call of reply.toolCalls) characters += call.name.length + call.arguments.length;
  const completionTokens = estimateTokens(characters);
  return {
    prompt_tokens: context.promptTokens,
    completion_tokens: completionTokens,
    total_tokens: context.promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
}

function toolCallId(context: ReplyContext, index: number): string {
  return `call_mock${context.sequence}_${index}`;
}

function errorKind(status: number): [type: string, code: string | null] {
  switch (status) {
    case 400:
      return ['invalid_request_error', null];
    case 401:
      return ['invalid_request_error', 'invalid_api_key'];
    case 403:
      return ['invalid_request_error', 'unsupported_country_region_territory'];
    case 404:
      return ['invalid_request_error', 'not_found'];
    case 413:
      return ['invalid_request_error', 'request_too_large'];
    case 429:
      return ['requests', 'rate_limit_exceeded'];
    default:
      return status >= 500 ? ['server_error', null] : ['invalid_request_error', null];
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
