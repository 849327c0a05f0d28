import { ConfigError, type Assertion } from '@assay/spec';
import { describe, expect, it } from 'vitest';
import type { EmbedFunction } from '../assertion-context.ts';
import { compileAssertion } from './index.ts';
import { makeContext } from './test-context.ts';

/** A scripted `ctx.embed`: each text's vector from `vectors`, every request recorded. */
function fakeEmbed(vectors: Record<string, number[]>, provider = 'openai:text-embedding-3-small') {
  const calls: Array<Parameters<EmbedFunction>[0]> = [];
  const embed: EmbedFunction = async (request) => {
    calls.push(request);
    return { provider, embeddings: request.values.map((value) => vectors[value] ?? [0, 0, 1]) };
  };
  return { calls, embed };
}

// cos(output, close) = 0.8, cos(output, far) = 0, cos(output, same) = 1.
const vectors = { output: [1, 0, 0], close: [0.8, 0.6, 0], far: [0, 1, 0], same: [2, 0, 0], zero: [0, 0, 0] };

async function run(assertion: Assertion, output = 'output', embedVectors: Record<string, number[]> = vectors) {
  const { calls, embed } = fakeEmbed(embedVectors);
  const result = await compileAssertion(assertion, { file: 'assay.yaml', field: 'tests[0].assert[0]' }).evaluate(makeContext({ output, embed }));
  return { result, calls };
}

describe('similar', () => {
  it('passes at and above the threshold with the similarity as score, and fails below it', async () => {
    const at = await run({ type: 'similar', value: 'close', threshold: 0.8 });
    expect(at.result).toMatchObject({ pass: true, score: expect.closeTo(0.8, 9) });
    expect(at.result.reason).toBe('Cosine similarity 0.800 >= 0.8 to "close", openai:text-embedding-3-small');
    const above = await run({ type: 'similar', value: 'close', threshold: 0.81 });
    expect(above.result).toMatchObject({ pass: false, score: expect.closeTo(0.8, 9) });
    expect(above.result.reason).toContain('Cosine similarity 0.800 < 0.81');
  });

  it('defaults the threshold to 0.75, as promptfoo does', async () => {
    expect((await run({ type: 'similar', value: 'close' })).result.pass).toBe(true);
    const vectorsAt70 = { output: [1, 0], lower: [0.7, Math.sqrt(1 - 0.49)] };
    expect((await run({ type: 'similar', value: 'lower' }, 'output', vectorsAt70)).result.pass).toBe(false);
  });

  it('embeds the output and every value in one call, with the provider as written', async () => {
    const provider = { id: 'openai:embedding:text-embedding-3-large', config: { dimensions: 256 } };
    const { calls } = await run({ type: 'similar', value: ['far', 'close'], provider });
    expect(calls).toEqual([{ provider, values: ['output', 'far', 'close'] }]);
    expect((await run({ type: 'similar', value: 'far' })).calls[0]).toEqual({ values: ['output', 'far'] });
  });

  it('passes when the output is close to any value of a list, and names the closest', async () => {
    const { result } = await run({ type: 'similar', value: ['far', 'close'] });
    expect(result.pass).toBe(true);
    expect(result.reason).toContain('to "close" (the closest of 2 values)');
  });

  it('not-similar passes only when the output is far from every value, and fails at the threshold', async () => {
    expect((await run({ type: 'not-similar', value: ['far', 'close'] })).result).toMatchObject({ pass: false, score: expect.closeTo(0.2, 9) });
    expect((await run({ type: 'not-similar', value: ['far'] })).result).toMatchObject({ pass: true, score: 1 });
    expect((await run({ type: 'not-similar', value: 'close', threshold: 0.8 })).result.pass).toBe(false);
  });

  it('similar:dot compares dot products, similar:euclidean a maximum distance scored 1 / (1 + d)', async () => {
    expect((await run({ type: 'similar:dot', value: 'same', threshold: 1 })).result).toMatchObject({ pass: true, score: 1 });
    const near = await run({ type: 'similar:euclidean', value: 'close', threshold: 0.7 });
    const distance = Math.hypot(0.2, 0.6);
    expect(near.result).toMatchObject({ pass: true, score: expect.closeTo(1 / (1 + distance), 9) });
    expect(near.result.reason).toBe(`Euclidean distance ${distance.toFixed(3)} <= 0.7 from "close", openai:text-embedding-3-small`);
    expect((await run({ type: 'similar:euclidean', value: 'far', threshold: 1.2 })).result.pass).toBe(false);
    expect((await run({ type: 'not-similar:euclidean', value: 'far', threshold: 1.2 })).result.pass).toBe(true);
  });

  it('cannot be evaluated without an embedding model or with a zero vector, and then fails in its not- form too', async () => {
    for (const type of ['similar', 'not-similar']) {
      const result = await compileAssertion({ type, value: 'close' }, {}).evaluate(makeContext({ output: 'output' }));
      expect(result).toMatchObject({ pass: false, unevaluable: true });
      expect(result.reason).toContain('needs an embedding model');
      const zero = await run({ type, value: 'zero' });
      expect(zero.result).toMatchObject({ pass: false, unevaluable: true });
      expect(zero.result.reason).toContain('all zeros');
    }
  });

  it('an embedding call that fails makes the assertion unevaluable with the error', async () => {
    const embed: EmbedFunction = async () => {
      throw new Error('openai:text-embedding-3-small: no API key (OPENAI_API_KEY is not set)');
    };
    const result = await compileAssertion({ type: 'similar', value: 'close' }, {}).evaluate(makeContext({ output: 'output', embed }));
    expect(result).toMatchObject({ pass: false, unevaluable: true });
    expect(result.reason).toContain('OPENAI_API_KEY is not set');
  });

  it('refuses a missing or non-text value, a cosine threshold above 1 and a negative distance, naming the field', () => {
    const error = (assertion: Assertion) => {
      try {
        compileAssertion(assertion, { file: 'assay.yaml', field: 'tests[0].assert[0]' });
      } catch (caught) {
        expect(ConfigError.isInstance(caught)).toBe(true);
        return caught as ConfigError;
      }
      throw new Error('expected a ConfigError');
    };
    expect(error({ type: 'similar' }).field).toBe('tests[0].assert[0].value');
    expect(error({ type: 'similar', value: ['ok', 3] }).field).toBe('tests[0].assert[0].value[1]');
    expect(error({ type: 'similar', value: '  ' }).message).toContain('empty');
    expect(error({ type: 'similar', value: 'x', threshold: 1.5 }).field).toBe('tests[0].assert[0].threshold');
    expect(error({ type: 'similar:euclidean', value: 'x', threshold: -1 }).message).toContain('>= 0');
    expect(() => compileAssertion({ type: 'similar:euclidean', value: 'x', threshold: 1.5 }, {})).not.toThrow();
  });

  it('takes provider as { id, config } for similar only', () => {
    expect(() => compileAssertion({ type: 'similar', value: 'x', provider: { id: 'openai:text-embedding-3-small' } }, {})).not.toThrow();
    expect(() => compileAssertion({ type: 'llm-rubric', value: 'x', provider: { id: 'openai:gpt-4o-mini' } }, { field: 'assert[0]' })).toThrow(/llm-rubric takes provider as a provider id/);
  });
});
