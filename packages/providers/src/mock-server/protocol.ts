import type { IncomingHttpHeaders } from 'node:http';
import type { MockReply, MockRequest } from './rules.ts';

/** A request as a wire protocol understood it. */
export interface ParsedRequest extends MockRequest {
  stream: boolean;
  /** OpenAI `stream_options.include_usage`. */
  includeUsage: boolean;
  promptTokens: number;
}

/** Per-response values shared by all the frames of one answer. */
export interface ReplyContext {
  /** Sequence number of the request, used for ids so they are unique and cheap. */
  sequence: number;
  created: number;
  model: string;
  promptTokens: number;
  includeUsage: boolean;
}

/** One provider's wire format: request parsing, auth, bodies, stream frames and error shapes. */
export interface WireProtocol {
  readonly name: 'openai' | 'openai-responses' | 'anthropic';
  /** Returns the parsed request, or an error message for a 400. */
  parse(body: unknown): ParsedRequest | string;
  authorized(headers: IncomingHttpHeaders, apiKey: string): boolean;
  errorBody(status: number, message: string): string;
  completionBody(reply: MockReply, context: ReplyContext): string;
  /** Complete SSE frames (each ends with a blank line), in order, including the terminator. */
  streamFrames(reply: MockReply, context: ReplyContext): string[];
}

/** Splits text into word-sized pieces that join back to the same text, at most `maxPieces` of them. */
export function splitText(text: string, maxPieces = 64): string[] {
  if (text === '') return [];
  const words = text.match(/\s*\S+\s*/g) ?? [text];
  if (words.length <= maxPieces) return words;
  const size = Math.ceil(words.length / maxPieces);
  const pieces: string[] = [];
  for (let index = 0; index < words.length; index += size) pieces.push(words.slice(index, index + size).join(''));
  return pieces;
}

export function bearerToken(headers: IncomingHttpHeaders): string | undefined {
  const authorization = headers.authorization;
  if (!authorization || !authorization.startsWith('Bearer ')) return undefined;
  return authorization.slice(7).trim();
}

// Arguments stream in a few pieces, like the real API, so clients' delta merging is exercised.
export function splitArguments(text: string): string[] {
  if (text.length <= 8) return [text];
  const size = Math.ceil(text.length / 3);
  return [text.slice(0, size), text.slice(size, 2 * size), text.slice(2 * size)].filter((piece) => piece !== '');
}
