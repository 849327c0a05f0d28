import type { ToolDefinition } from '../assertion-context.ts';
import { compileJsonSchema, type SchemaValidator } from './json-schema-validator.ts';
import { failed, passed, quote, type AssertionSpec, type Invalid, type SyncCheck } from './outcome.ts';

export function compileIsValidToolCall(spec: AssertionSpec, invalid: Invalid): SyncCheck {
  const { value } = spec;
  if (value !== undefined && (typeof value !== 'string' || value === '')) {
    return invalid('value', 'is-valid-tool-call value must be the expected tool name', 'Use `value: get_weather`, or leave value out to accept any declared tool.');
  }
  const expected = value;
  return ({ toolCalls, prompt }) => {
    if (toolCalls.length === 0) return failed('The response made no tool calls');
    const tools = prompt.tools ?? [];
    const problems: string[] = [];
    for (const [index, call] of toolCalls.entries()) {
      const tool = tools.find((candidate) => candidate.name === call.toolName);
      if (!tool) {
        problems.push(`call ${index + 1} names unknown tool ${quote(call.toolName, 40)}`);
        continue;
      }
      if (!tool.inputSchema) continue;
      const validate = validatorFor(tool);
      if (!validate) {
        problems.push(`tool ${quote(tool.name, 40)} has an invalid inputSchema`);
        continue;
      }
      const result = validate(call.input);
      if (!result.valid) problems.push(`call ${index + 1} to ${quote(tool.name, 40)}: ${result.errors}`);
    }
    if (expected !== undefined && !toolCalls.some((call) => call.toolName === expected)) {
      problems.push(`no call to ${quote(expected, 40)}`);
    }
    if (problems.length > 0) return failed(`Invalid tool calls: ${problems.slice(0, 3).join('; ')}${problems.length > 3 ? ` (+${problems.length - 3} more)` : ''}`);
    return passed(`${toolCalls.length} tool call${toolCalls.length === 1 ? '' : 's'} valid`);
  };
}

const validators = new WeakMap<ToolDefinition, SchemaValidator | null>();

function validatorFor(tool: ToolDefinition): SchemaValidator | null {
  let validate = validators.get(tool);
  if (validate === undefined) {
    try {
      validate = compileJsonSchema(tool.inputSchema!);
    } catch {
      validate = null;
    }
    validators.set(tool, validate);
  }
  return validate;
}
