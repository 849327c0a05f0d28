import { describe, expect, it } from 'vitest';
import { isStrictCompatible } from './model-call.ts';

describe('isStrictCompatible', () => {
  it('accepts closed objects whose properties are all required, all the way down', () => {
    expect(
      isStrictCompatible({
        type: 'object',
        additionalProperties: false,
        required: ['answer', 'sources'],
        properties: {
          answer: { type: 'string' },
          sources: { type: 'array', items: { type: 'object', additionalProperties: false, required: ['id'], properties: { id: { type: 'string' } } } },
        },
      }),
    ).toBe(true);
  });

  it('rejects an optional property, an open object, or a nested one of either', () => {
    expect(isStrictCompatible({ type: 'object', additionalProperties: false, required: [], properties: { a: { type: 'string' } } })).toBe(false);
    expect(isStrictCompatible({ type: 'object', required: ['a'], properties: { a: { type: 'string' } } })).toBe(false);
    expect(
      isStrictCompatible({
        type: 'object',
        additionalProperties: false,
        required: ['list'],
        properties: { list: { type: 'array', items: { type: 'object', properties: { x: { type: 'number' } } } } },
      }),
    ).toBe(false);
  });
});
