import { estimateTokens, textOfContent } from './message-text.ts';
import { openAIProtocol } from './openai-protocol.ts';
import { bearerToken, splitArguments, splitText, type ParsedRequest, type ReplyContext, type WireProtocol } from './protocol.ts';
import type { MockReply } from './rules.ts';

/**
 * OpenAI's Responses API: `POST /v1/responses`. The request's `input` is a string or a list of
 * items (messages with `input_text` parts, function calls and their outputs); `instructions` is
 * the system prompt. The answer is a `response` object whose `output` holds a `message` item with
 * `output_text` parts and one `function_call` item per tool call; streamed, it arrives as typed
 * events (`response.created` … `response.completed`), each with a `sequence_number`.
 */
export const openAIResponsesProtocol: WireProtocol = {
  name: 'openai-responses',

  parse(body) {
    if (!isRecord(body)) return 'The request body must be a JSON object.';
    const { model, input } = body;
    if (typeof model !== 'string' || model === '') return 'You must provide a model parameter.';
    if (typeof input !== 'string' && (!Array.isArray(input) || input.length === 0)) return "Invalid 'input': expected a string or a non-empty array.";
    let system = typeof body.instructions === 'string' ? body.instructions : '';
    let lastUser = typeof input === 'string' ? input : '';
    let promptCharacters = system.length + lastUser.length;
    if (Array.isArray(input)) {
      for (let index = 0; index < input.length; index++) {
        const item = input[index];
        if (!isRecord(item)) return `Invalid 'input[${index}]': expected an object.`;
        const text = textOfContent(item.content);
        promptCharacters += text.length + (typeof item.arguments === 'string' ? item.arguments.length : 0) + (typeof item.output === 'string' ? item.output.length : 0);
        if (item.role === 'system' || item.role === 'developer') system += system === '' ? text : `\n${text}`;
        else if (item.role === 'user') lastUser = text;
      }
    }
    if (Array.isArray(body.tools)) promptCharacters += JSON.stringify(body.tools).length;
    // The Responses API always reports usage, streamed or not.
    return { model, lastUser, system, stream: body.stream === true, includeUsage: true, promptTokens: estimateTokens(promptCharacters) } satisfies ParsedRequest;
  },

  authorized(headers, apiKey) {
    return bearerToken(headers) === apiKey;
  },

  errorBody(status, message) {
    return openAIProtocol.errorBody(status, message);
  },

  completionBody(reply, context) {
    return JSON.stringify(responseObject(reply, context, 'completed'));
  },

  streamFrames(reply, context) {
    let sequence = 0;
    const frame = (type: string, fields: Record<string, unknown>) => `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence++, ...fields })}\n\n`;
    const frames = [
      frame('response.created', { response: responseObject({ ...reply, content: '', toolCalls: [] }, context, 'in_progress') }),
      frame('response.in_progress', { response: responseObject({ ...reply, content: '', toolCalls: [] }, context, 'in_progress') }),
    ];
    const items = outputItems(reply, context);
    items.forEach((item, outputIndex) => {
      if (item.type === 'message') {
        frames.push(frame('response.output_item.added', { output_index: outputIndex, item: { ...item, status: 'in_progress', content: [] } }));
        const part = { type: 'output_text', text: '', annotations: [] };
        frames.push(frame('response.content_part.added', { item_id: item.id, output_index: outputIndex, content_index: 0, part }));
        for (const piece of splitText(reply.content)) {
          frames.push(frame('response.output_text.delta', { item_id: item.id, output_index: outputIndex, content_index: 0, delta: piece, logprobs: [] }));
        }
        frames.push(frame('response.output_text.done', { item_id: item.id, output_index: outputIndex, content_index: 0, text: reply.content, logprobs: [] }));
        frames.push(frame('response.content_part.done', { item_id: item.id, output_index: outputIndex, content_index: 0, part: { ...part, text: reply.content } }));
      } else {
        frames.push(frame('response.output_item.added', { output_index: outputIndex, item: { ...item, status: 'in_progress', arguments: '' } }));
        for (const piece of splitArguments(String(item.arguments))) {
          frames.push(frame('response.function_call_arguments.delta', { item_id: item.id, output_index: outputIndex, delta: piece }));
        }
        frames.push(frame('response.function_call_arguments.done', { item_id: item.id, output_index: outputIndex, arguments: item.arguments }));
      }
      frames.push(frame('response.output_item.done', { output_index: outputIndex, item }));
    });
    frames.push(frame('response.completed', { response: responseObject(reply, context, 'completed') }));
    return frames;
  },
};

type OutputItem = { type: 'message' | 'function_call'; id: string; [field: string]: unknown };

function outputItems(reply: MockReply, context: ReplyContext): OutputItem[] {
  const items: OutputItem[] = [];
  if (reply.content !== '' || reply.toolCalls.length === 0) {
    items.push({
      type: 'message',
      id: `msg_mock${context.sequence}`,
      status: 'completed',
      role: 'assistant',
      content: [{ type: 'output_text', text: reply.content, annotations: [] }],
    });
  }
  reply.toolCalls.forEach((call, index) => {
    items.push({
      type: 'function_call',
      id: `fc_mock${context.sequence}_${index}`,
      call_id: `call_mock${context.sequence}_${index}`,
      name: call.name,
      arguments: call.arguments,
      status: 'completed',
    });
  });
  return items;
}

function responseObject(reply: MockReply, context: ReplyContext, status: 'in_progress' | 'completed') {
  let characters = reply.content.length;
  for (const call of reply.toolCalls) characters += call.name.length + call.arguments.length;
  const outputTokens = estimateTokens(characters);
  const done = status === 'completed';
  return {
    id: `resp_mock${context.sequence}`,
    object: 'response',
    created_at: context.created,
    status,
    error: null,
    incomplete_details: null,
    model: context.model,
    output: done ? outputItems(reply, context) : [],
    parallel_tool_calls: true,
    tool_choice: 'auto',
    tools: [],
    usage: done
      ? {
          input_tokens: context.promptTokens,
          input_tokens_details: { cached_tokens: 0 },
          output_tokens: outputTokens,
          output_tokens_details: { reasoning_tokens: 0 },
          total_tokens: context.promptTokens + outputTokens,
        }
      : null,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
