import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

// One Ajv instance for the process: compiling a schema is the expensive part, so each distinct
// schema is compiled once and shared by every assertion that uses it. `addUsedSchema: false`
// keeps two unrelated schemas that reuse an `$id` from colliding in the shared instance.
// `format` keywords (`email`, `date-time`, `uri`…) are checked with ajv-formats, as promptfoo does;
// an unknown format is ignored (`logger: false` silences Ajv's warning about it).
const ajv = new Ajv({ allErrors: true, strict: false, addUsedSchema: false, logger: false });
// ajv-formats is CommonJS; its plugin is also its `default` export, which is how the types see it.
addFormats.default(ajv);

const bySource = new Map<string, ValidateFunction>();
const byObject = new WeakMap<object, ValidateFunction>();

export type SchemaValidator = (data: unknown) => { valid: true } | { valid: false; errors: string };

/** Compiles a JSON Schema once (cached by identity and by content). Throws when the schema is invalid. */
export function compileJsonSchema(schema: object): SchemaValidator {
  let validate = byObject.get(schema);
  if (!validate) {
    const source = JSON.stringify(schema);
    validate = bySource.get(source);
    if (!validate) {
      validate = ajv.compile(schema);
      bySource.set(source, validate);
    }
    byObject.set(schema, validate);
  }
  const compiled = validate;
  return (data) => (compiled(data) ? { valid: true } : { valid: false, errors: formatErrors(compiled.errors) });
}

function formatErrors(errors: ErrorObject[] | null | undefined): string {
  if (!errors || errors.length === 0) return 'does not match the schema';
  const shown = errors.slice(0, 3).map((error) => `${error.instancePath || '/'} ${error.message ?? 'is invalid'}`);
  if (errors.length > 3) shown.push(`and ${errors.length - 3} more`);
  return shown.join('; ');
}
