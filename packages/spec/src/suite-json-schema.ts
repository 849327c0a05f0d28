import { z } from 'zod';
import { SuiteSchema } from './suite.ts';

/** JSON Schema of the suite YAML, for editor autocompletion (`# yaml-language-server: $schema=…`). */
export function suiteJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(SuiteSchema, { io: 'input', unrepresentable: 'any' }),
    $id: 'https://assay.dev/schemas/suite.schema.json',
    title: 'Assay suite',
  };
}
