import { readFile } from 'node:fs/promises';
import { ConfigError } from '@assay/spec';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';

const toolCallSchema = z.object({
  name: z.string().min(1),
  arguments: z.union([z.record(z.string(), z.unknown()), z.string()]).default({}),
});

const ruleSchema = z.object({
  match: z
    .object({
      contains: z.string().optional(),
      regex: z.string().optional(),
      model: z.string().optional(),
      system: z.string().optional(),
    })
    .strict()
    .optional(),
  response: z
    .object({
      content: z.string().optional(),
      tool_calls: z.array(toolCallSchema).optional(),
      delay_ms: z.number().nonnegative().optional(),
      status: z.number().int().min(200).max(599).optional(),
    })
    .strict(),
});

// Not a z.union: a union reports failures at its root, and users need the failing rule's path.
const rulesListSchema = z.array(ruleSchema);
const rulesObjectSchema = z.object({ rules: rulesListSchema }).strict();

/** One scripted answer. The first rule whose `match` fits the request wins; a rule without `match` is the default. */
export interface MockRule {
  match?: {
    /** Substring of the last user message. */
    contains?: string;
    /** JavaScript regular expression tested against the last user message. */
    regex?: string;
    /** Exact model id, or a prefix ending in `*` (`gpt-4o*`). */
    model?: string;
    /** Substring of the system prompt. */
    system?: string;
  };
  response: {
    /** Reply text; `{{last_user}}` and `{{model}}` are replaced. */
    content?: string;
    tool_calls?: { name: string; arguments: Record<string, unknown> | string }[];
    /** Extra delay for this rule, on top of fault latency. */
    delay_ms?: number;
    /** A status ≥ 400 answers with a provider-shaped error whose message is `content`. */
    status?: number;
  };
}

/** The provider-neutral view of a request that rules and cassettes match against. */
export interface MockRequest {
  model: string;
  lastUser: string;
  system: string;
}

/** What the server should answer, before it is put in a provider's wire shape. */
export interface MockReply {
  content: string;
  toolCalls: { name: string; arguments: string }[];
  delayMs: number;
  status: number;
}

export interface CompiledRule {
  matches(request: MockRequest): boolean;
  reply(request: MockRequest): MockReply;
}

/** Validates rules given in code and precompiles their regular expressions. */
export function compileRules(rules: readonly MockRule[], source = 'rules'): CompiledRule[] {
  const parsed = rulesListSchema.safeParse(rules);
  if (!parsed.success) throw toConfigError(parsed.error, source);
  return parsed.data.map((rule, index) => compileRule(rule, `${source}[${index}]`));
}

function compileRule(rule: z.infer<typeof ruleSchema>, field: string): CompiledRule {
  const match = rule.match ?? {};
  let regex: RegExp | undefined;
  if (match.regex !== undefined) {
    try {
      regex = new RegExp(match.regex);
    } catch (error) {
      throw new ConfigError(`Invalid regular expression in ${field}.match.regex: ${(error as Error).message}`, {
        field: `${field}.match.regex`,
        hint: 'Use JavaScript regular expression syntax, without surrounding slashes.',
      });
    }
  }
  const model = match.model;
  const modelPrefix = model?.endsWith('*') ? model.slice(0, -1) : undefined;
  const { content = '', tool_calls: toolCalls = [], delay_ms: delayMs = 0, status = 200 } = rule.response;
  const serializedCalls = toolCalls.map((call) => ({
    name: call.name,
    arguments: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments),
  }));
  const templated = content.includes('{{');
  return {
    matches(request) {
      if (match.contains !== undefined && !request.lastUser.includes(match.contains)) return false;
      if (regex && !regex.test(request.lastUser)) return false;
      if (model !== undefined) {
        if (modelPrefix !== undefined ? !request.model.startsWith(modelPrefix) : request.model !== model) return false;
      }
      if (match.system !== undefined && !request.system.includes(match.system)) return false;
      return true;
    },
    reply(request) {
      const text = templated
        ? content.replaceAll('{{last_user}}', request.lastUser).replaceAll('{{model}}', request.model)
        : content;
      return { content: text, toolCalls: serializedCalls, delayMs, status };
    },
  };
}

/**
 * Loads rules from a YAML or JSON file: either a list of rules or `{ rules: [...] }`.
 *
 * @example
 * const rules = await loadRulesFile('mock-rules.yaml');
 * const server = await startMockServer({ mode: 'rules', rules });
 */
export async function loadRulesFile(path: string): Promise<MockRule[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`Cannot read the mock server rules file ${path}.`, {
      file: path,
      cause: error,
      hint: 'Check the path given to --rules.',
      docs: 'mock-server.md',
    });
  }
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  const firstError = document.errors[0];
  if (firstError) {
    const position = lineCounter.linePos(firstError.pos[0]);
    throw new ConfigError(`The rules file is not valid YAML or JSON: ${firstError.message.split('\n')[0]}`, {
      file: path,
      line: position.line,
      column: position.col,
      docs: 'mock-server.md',
    });
  }
  const data: unknown = document.toJS();
  const parsed = Array.isArray(data) ? rulesListSchema.safeParse(data) : rulesObjectSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const node = issue ? document.getIn(issue.path as (string | number)[], true) : undefined;
    const offset = node && typeof node === 'object' && 'range' in node ? (node.range as number[] | undefined)?.[0] : undefined;
    const position = offset === undefined ? undefined : lineCounter.linePos(offset);
    throw toConfigError(parsed.error, 'rules', { file: path, line: position?.line, column: position?.col });
  }
  const rules = Array.isArray(parsed.data) ? parsed.data : parsed.data.rules;
  // Compile once here so a bad regex is reported with the file name.
  compileRules(rules, 'rules');
  return rules;
}

function toConfigError(
  error: z.ZodError,
  source: string,
  location: { file?: string; line?: number; column?: number } = {},
): ConfigError {
  const issue = error.issues[0];
  const field = issue ? [source, ...issue.path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`))].join('').replace(/^rules\.rules/, 'rules') : source;
  return new ConfigError(`Invalid mock server rule at ${field}: ${issue?.message ?? 'invalid value'}`, {
    ...location,
    field,
    hint: 'Each rule is { match?: { contains, regex, model, system }, response: { content, tool_calls, delay_ms, status } }.',
    docs: 'mock-server.md',
  });
}
