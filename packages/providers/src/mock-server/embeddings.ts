import { estimateTokens } from './message-text.ts';

/** An OpenAI `POST /v1/embeddings` request as the mock understood it. */
export interface EmbeddingRequest {
  model: string;
  inputs: string[];
  dimensions: number;
  encoding: 'float' | 'base64';
}

/** Vector size when the request sets no `dimensions`. */
export const defaultMockDimensions = 384;
const maxDimensions = 4096;
const maxInputs = 2048;

/** The request, or the message of a 400 in OpenAI's words. */
export function parseEmbeddingRequest(body: unknown): EmbeddingRequest | string {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'The request body must be a JSON object.';
  const { model, input, dimensions, encoding_format: encoding } = body as Record<string, unknown>;
  if (typeof model !== 'string' || model === '') return 'You must provide a model parameter.';
  const inputs = typeof input === 'string' ? [input] : input;
  if (!Array.isArray(inputs) || inputs.length === 0) return "'input' must be a string or a non-empty array of strings.";
  if (!inputs.every((item) => typeof item === 'string')) return "The mock server embeds text only: each 'input' must be a string (token arrays are not supported).";
  if (inputs.length > maxInputs) return `'input' can have at most ${maxInputs} items.`;
  if (dimensions !== undefined && !(Number.isInteger(dimensions) && (dimensions as number) >= 1 && (dimensions as number) <= maxDimensions)) {
    return `'dimensions' must be a whole number from 1 to ${maxDimensions}.`;
  }
  if (encoding !== undefined && encoding !== 'float' && encoding !== 'base64') return "'encoding_format' must be 'float' or 'base64'.";
  return { model, inputs: inputs as string[], dimensions: (dimensions as number | undefined) ?? defaultMockDimensions, encoding: encoding ?? 'float' };
}

/** The OpenAI response body for a parsed request. */
export function embeddingResponseBody(request: EmbeddingRequest): string {
  let characters = 0;
  const data = request.inputs.map((text, index) => {
    characters += text.length;
    const vector = hashedEmbedding(text, request.dimensions);
    const embedding = request.encoding === 'base64' ? Buffer.from(Float32Array.from(vector).buffer).toString('base64') : vector;
    return { object: 'embedding', index, embedding };
  });
  const tokens = estimateTokens(characters);
  return JSON.stringify({ object: 'list', data, model: request.model, usage: { prompt_tokens: tokens, total_tokens: tokens } });
}

/**
 * A deterministic embedding of `text`: a hashed bag of words. Each lower-cased word (a run of
 * letters and digits) adds ±1 to one of `dimensions` slots picked by its FNV-1a hash (the sign
 * from another bit of it), and the vector is scaled to length 1. So the cosine similarity of two
 * texts is the overlap of their word counts: the same words in any order give 1, no shared words
 * give about 0. A text without words embeds as the word "<empty>".
 */
export function hashedEmbedding(text: string, dimensions = defaultMockDimensions): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? ['<empty>'];
  for (const word of words) {
    const hash = fnv1a(word);
    vector[hash % dimensions]! += hash & 0x80000000 ? -1 : 1;
  }
  const length = Math.hypot(...vector);
  // Hash collisions can cancel every word out; then the first word's slot stands for the text.
  if (length === 0) vector[fnv1a(words[0]!) % dimensions] = 1;
  return length === 0 ? vector : vector.map((value) => value / length);
}

function fnv1a(word: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < word.length; index++) {
    hash ^= word.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
