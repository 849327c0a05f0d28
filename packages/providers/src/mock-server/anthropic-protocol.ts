import { estimateTokens, lastUserText, textOfContent } from './message-text.ts';
import { bearerToken, splitArguments, splitText, type ParsedRequest, type ReplyContext, type WireProtocol } from './protocol.ts';
import type { MockReply } from './rules.ts';

/** Anthropic messages: `POST /v1/messages`. */
export const anthropicProtocol: WireProtocol = {
  name: 'anthropic',

  parse(body) {
    if (!isRecord(body)) return 'The request body must be a JSON object.';
    const { model, messages } = body;
    if (typeof model !== 'string' || model === '') return 'model: Field required';
    if (typeof body.max_tokens !== 'number') return 'max_tokens: Field required';
    if (!Array.isArray(messages) || messages.length === 0) return 'messages: at least one message is required';
    let promptCharacters = 0;
    for (let index = 0; index < messages.length; index++) {
      const message = messages[index];
      if (!isRecord(message) || (message.role !== 'user' && message.role !== 'assistant')) {
        return `messages.${index}.role: Input should be 'user' or 'assistant'`;
      }
      const { content } = message;
      promptCharacters += typeof content === 'string' ? content.length : contentCharacters(content);
    }
    const system = textOfContent(body.system);
    promptCharacters += system.length;
    if (Array.isArray(body.tools)) promptCharacters += JSON.stringify(body.tools).length;
    const parsed: ParsedRequest = {
      model,
      lastUser: lastUserText(messages),
      system,
      stream: body.stream === true,
      includeUsage: true,
      promptTokens: estimateTokens(promptCharacters),
    };
    return parsed;
  },

  authorized(headers, apiKey) {
    // The API takes `x-api-key`; `Authorization: Bearer` is accepted too, as for OAuth tokens.
    return headers['x-api-key'] === apiKey || bearerToken(headers) === apiKey;
  },

  errorBody(status, message) {
    return JSON.stringify({ type: 'error', error: { type: errorType(status), message } });
  },

  completionBody(reply, context) {
    const content: unknown[] = [];
    if (reply.content !== '' || reply.toolCalls.length === 0) content.push({ type: 'text', text: reply.content });
    reply.toolCalls.forEach((call, index) => {
      content.push({ type: 'tool_use', id: toolUseId(context, index), name: call.name, input: parseInput(call.arguments) });
    });
    return JSON.stringify({
      id: `msg_mock${context.sequence}`,
      type: 'message',
      role: 'assistant',
      model: context.model,
      content,
      stop_reason: reply.toolCalls.length > 0 ? 'tool_use' : 'end_turn',
      stop_sequence: null,
      usage: { ...usage(context), output_tokens: outputTokens(reply) },
    });
  },

  streamFrames(reply, context) {
    const frames = [
      event('message_start', {
        type: 'message_start',
        message: {
          id: `msg_mock${context.sequence}`,
          type: 'message',
          role: 'assistant',
          model: context.model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { ...usage(context), output_tokens: 1 },
        },
      }),
    ];
    let blockIndex = 0;
    if (reply.content !== '' || reply.toolCalls.length === 0) {
      frames.push(event('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }));
      frames.push(event('ping', { type: 'ping' }));
      for (const piece of splitText(reply.content)) {
        frames.push(event('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: piece } }));
      }
      frames.push(event('content_block_stop', { type: 'content_block_stop', index: 0 }));
      blockIndex = 1;
    }
    reply.toolCalls.forEach((call, toolIndex) => {
      const index = blockIndex + toolIndex;
      frames.push(
        event('content_block_start', {
          type: 'content_block_start',
          index,
          content_block: { type: 'tool_use', id: toolUseId(context, toolIndex), name: call.name, input: {} },
        }),
      );
      for (const piece of splitArguments(call.arguments)) {
        frames.push(event('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: piece } }));
      }
      frames.push(event('content_block_stop', { type: 'content_block_stop', index }));
    });
    frames.push(
      event('message_delta', {
        type: 'message_delta',
        delta: { stop_reason: reply.toolCalls.length > 0 ? 'tool_use' : 'end_turn', stop_sequence: null },
        usage: { output_tokens: outputTokens(reply) },
      }),
    );
    frames.push(event('message_stop', { type: 'message_stop' }));
    return frames;
  },
};

function event(name: string, data: unknown): string {
  return `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}

function usage(context: ReplyContext) {
  return { input_tokens: context.promptTokens, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
}

function outputTokens(reply: MockReply): number {
  let characters = reply.content.length;
  for (const call of reply.toolCalls) characters += call.name.length + call.arguments.length;
  return estimateTokens(characters);
}

function toolUseId(context: ReplyContext, index: number): string {
  return `toolu_mock${context.sequence}_${index}`;
}

function parseInput(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return {};
  }
}

function contentCharacters(content: unknown): number {
  if (!Array.isArray(content)) return 0;
  let characters = 0;
  for (const block of content) {
    if (!isRecord(block)) continue;
    if (typeof block.text === 'string') characters += block.text.length;
    else if (block.type === 'tool_use') characters += JSON.stringify(block.input ?? {}).length;
    else if (block.type === 'tool_result') characters += typeof block.content === 'string' ? block.content.length : contentCharacters(block.content);
  }
  return characters;
}

function errorType(status: number): string {
  switch (status) {
    case 400:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 529:
      return 'overloaded_error';
    default:
      return status >= 500 ? 'api_error' : 'invalid_request_error';
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
