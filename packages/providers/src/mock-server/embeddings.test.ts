import { createOpenAI } from '@ai-sdk/openai';
import { cosineSimilarity, embedMany } from 'ai';
import { describe, expect, it } from 'vitest';
import { embeddingResponseBody, hashedEmbedding, parseEmbeddingRequest } from './embeddings.ts';
import { startMockServer } from './mock-server.ts';

const cosine = (a: number[], b: number[]) => a.reduce((sum, value, index) => sum + value * b[index]!, 0);

describe('hashedEmbedding', () => {
  it('is deterministic, of length 1, and ignores case, punctuation and word order', () => {
    const vector = hashedEmbedding('The capital of France is Paris.');
    expect(vector).toHaveLength(384);
    expect(Math.hypot(...vector)).toBeCloseTo(1, 12);
    expect(hashedEmbedding('The capital of France is Paris.')).toEqual(vector);
    expect(cosine(vector, hashedEmbedding('paris IS the capital of france'))).toBeCloseTo(1, 12);
  });

  it('makes texts that share words similar and texts that share none about orthogonal', () => {
    const answer = hashedEmbedding('The capital of France is Paris');
    const close = cosine(answer, hashedEmbedding('Paris is the capital'));
    const unrelated = cosine(answer, hashedEmbedding('Refunds take five working days'));
    expect(close).toBeGreaterThan(0.75);
    expect(Math.abs(unrelated)).toBeLessThan(0.2);
  });

  it('gives a text without words a unit vector and honours the size asked for', () => {
    expect(Math.hypot(...hashedEmbedding('', 64))).toBeCloseTo(1, 12);
    expect(hashedEmbedding('...', 64)).toEqual(hashedEmbedding('', 64));
    expect(hashedEmbedding('hello', 8)).toHaveLength(8);
  });
});

describe('parseEmbeddingRequest', () => {
  it('reads OpenAI requests and refuses what the API refuses', () => {
    expect(parseEmbeddingRequest({ model: 'text-embedding-3-small', input: 'hi' })).toEqual({ model: 'text-embedding-3-small', inputs: ['hi'], dimensions: 384, encoding: 'float' });
    expect(parseEmbeddingRequest({ model: 'm', input: ['a', 'b'], dimensions: 16, encoding_format: 'base64' })).toMatchObject({ inputs: ['a', 'b'], dimensions: 16, encoding: 'base64' });
    expect(parseEmbeddingRequest({ input: 'hi' })).toBe('You must provide a model parameter.');
    expect(parseEmbeddingRequest({ model: 'm', input: [] })).toContain("'input'");
    expect(parseEmbeddingRequest({ model: 'm', input: [[1, 2]] })).toContain('text only');
    expect(parseEmbeddingRequest({ model: 'm', input: 'x', dimensions: 0 })).toContain("'dimensions'");
  });

  it('answers in the OpenAI shape, as floats or base64 float32', () => {
    const body = JSON.parse(embeddingResponseBody({ model: 'm', inputs: ['a b', 'c'], dimensions: 8, encoding: 'float' }));
    expect(body).toMatchObject({ object: 'list', model: 'm', usage: { prompt_tokens: 1, total_tokens: 1 } });
    expect(body.data.map((item: { index: number }) => item.index)).toEqual([0, 1]);
    expect(body.data[0].embedding).toEqual(hashedEmbedding('a b', 8));
    const encoded = JSON.parse(embeddingResponseBody({ model: 'm', inputs: ['a b'], dimensions: 8, encoding: 'base64' }));
    const bytes = Buffer.from(encoded.data[0].embedding, 'base64');
    const decoded = [...new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4)];
    expect(decoded).toHaveLength(8);
    decoded.forEach((value, index) => expect(value).toBeCloseTo(hashedEmbedding('a b', 8)[index]!, 6));
  });
});

describe('POST /v1/embeddings', () => {
  it("answers the AI SDK's embedMany, checks the key, and refuses a bad body with a 400", async () => {
    const server = await startMockServer({ apiKey: 'mock-key' });
    try {
      const openai = createOpenAI({ baseURL: `${server.url}/v1`, apiKey: 'mock-key' });
      const { embeddings } = await embedMany({ model: openai.embedding('text-embedding-3-small'), values: ['Paris is the capital of France', 'the capital of France is Paris'] });
      expect(cosineSimilarity(embeddings[0]!, embeddings[1]!)).toBeCloseTo(1, 9);
      const post = (body: unknown, key = 'mock-key') =>
        fetch(`${server.url}/v1/embeddings`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect((await post({ model: 'm', input: 'x' }, 'wrong')).status).toBe(401);
      const bad = await post({ model: 'm' });
      expect(bad.status).toBe(400);
      expect((await bad.json()).error.message).toContain("'input'");
    } finally {
      await server.close();
    }
  });
});
