import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { suiteJsonSchema } from './suite-json-schema.ts';

describe('suite.schema.json', () => {
  it('is up to date with the zod schema (run `npm run build:schema` if not)', () => {
    const committed = JSON.parse(readFileSync(new URL('../suite.schema.json', import.meta.url), 'utf8'));
    expect(committed).toEqual(suiteJsonSchema());
  });

  it('describes the top-level fields editors should offer', () => {
    const schema = suiteJsonSchema() as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['prompts', 'providers', 'dataset', 'tests', 'defaultAssert', 'repeat', 'threshold']));
    expect(schema.required).toEqual(expect.arrayContaining(['prompts', 'providers']));
  });
});
