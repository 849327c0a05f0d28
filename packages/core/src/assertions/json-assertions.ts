import { findEmbeddedJson } from './extract-json.ts';
import { compileJsonSchema, type SchemaValidator } from './json-schema-validator.ts';
import { describeOutput, failed, parseJson, passed, unevaluable, type AssertionSpec, type Invalid, type SyncCheck } from './outcome.ts';

/** Compiles the optional JSON Schema in `value` (an object, or a JSON string). */
function optionalSchema(spec: AssertionSpec, invalid: Invalid): SchemaValidator | undefined {
  let { value } = spec;
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') {
    const parsed = parseJson(value);
    if (!parsed.ok) {
      return invalid('value', `${spec.type} value must be a JSON Schema object (the string given is not JSON)`, 'Write the schema as YAML under `value:`, e.g. `value: { type: object, required: [answer] }`.');
    }
    value = parsed.value;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return invalid('value', `${spec.type} value must be a JSON Schema object`, 'Write the schema as YAML under `value:`, e.g. `value: { type: object, required: [answer] }`.');
  }
  try {
    return compileJsonSchema(value);
  } catch (error) {
    return invalid('value', `${spec.type} value is not a valid JSON Schema: ${(error as Error).message}`, 'Check the keywords and types against https://json-schema.org/understanding-json-schema/.');
  }
}

export function compileIsJson(spec: AssertionSpec, invalid: Invalid): SyncCheck {
  const validate = optionalSchema(spec, invalid);
  return ({ output }) => {
    const parsed = parseJson(output);
    if (!parsed.ok) return failed(`${describeOutput(output)} is not valid JSON (${parsed.error.slice(0, 80)})`);
    if (!validate) return passed('Output is valid JSON');
    const result = validate(parsed.value);
    return result.valid ? passed('Output is valid JSON and matches the schema') : failed(`Output JSON does not match the schema: ${result.errors}`);
  };
}

export function compileContainsJson(spec: AssertionSpec, invalid: Invalid): SyncCheck {
  const validate = optionalSchema(spec, invalid);
  return ({ output }) => {
    let firstErrors: string | undefined;
    const { value, found } = findEmbeddedJson(output, (candidate) => {
      if (!validate) return true;
      const result = validate(candidate);
      if (!result.valid) firstErrors ??= result.errors;
      return result.valid;
    });
    if (value !== undefined) return passed(validate ? 'Output contains JSON that matches the schema' : 'Output contains JSON');
    if (found === 0) return failed(`${describeOutput(output)} contains no JSON object or array`);
    return failed(`Output contains JSON, but none matches the schema: ${firstErrors}`);
  };
}

export function compileJsonSchemaAssertion(spec: AssertionSpec, invalid: Invalid): SyncCheck {
  const fixed = optionalSchema(spec, invalid);
  return ({ output, prompt }) => {
    let validate = fixed;
    if (!validate) {
      if (!prompt.outputSchema) {
        return unevaluable('json-schema has no schema: give one in `value` or declare `output.schema` in the prompt');
      }
      try {
        validate = compileJsonSchema(prompt.outputSchema);
      } catch (error) {
        return unevaluable(`The prompt's output schema is not a valid JSON Schema: ${(error as Error).message}`);
      }
    }
    const parsed = parseJson(output);
    if (!parsed.ok) return failed(`${describeOutput(output)} is not valid JSON (${parsed.error.slice(0, 80)})`);
    const result = validate(parsed.value);
    return result.valid ? passed('Output matches the JSON Schema') : failed(`Output does not match the JSON Schema: ${result.errors}`);
  };
}
