// promptfoo's prompts as Assay prompt templates, filled in the order promptfoo fills them
// (src/evaluatorHelpers.ts renderPrompt, src/providers/shared.ts parseChatPrompt):
// - a prompt whose raw text is valid JSON (a .json chat file, a .yaml one read as JSON) has each
//   string inside it rendered, so a quote or newline in a var cannot break the JSON;
// - any other prompt is rendered as text, vars that are templates first; the text is then a chat
//   when it is a JSON list of messages (or YAML starting `- role:`), else one user message.
// Nothing is trimmed. Templates are Nunjucks, rendered by nunjucks-template.ts (no user code runs).
import { ConfigError, PromptMetadataSchema, type ChatMessage } from '@assay/spec';
import { parseDocument } from 'yaml';
import { compileNunjucks, hasTemplateSyntax, renderVarTemplates, resolveVarReferences, type TemplateSource } from './nunjucks-template.ts';
import type { PromptTemplate } from './prompt-template.ts';
import { parseYamlSource, type YamlSource } from './yaml-source.ts';

/** How promptfoo reads the prompt: text (inline, .txt, .md, .j2), a .json file or a .yaml file. */
export type PromptfooPromptFormat = 'text' | 'json' | 'yaml';

const docs = 'promptfoo.md#templates';
const roles: Record<string, ChatMessage['role']> = { system: 'system', developer: 'system', user: 'user', assistant: 'assistant' };

/** A value of the prompt's structure whose strings are templates: filled by `fill`. */
interface Filler {
  variables: string[];
  fill(vars: Record<string, unknown>): unknown;
}

/**
 * Compiles a prompt of a promptfoo config. A `.json`/`.yaml` prompt holds a list of
 * `{ role, content }` messages; a message list that is wrong (no role, an image part) is an error
 * at its line now, not at the first call.
 *
 * @example
 * const prompt = compilePromptfooPrompt('[{"role":"user","content":"Hi {{ name }}"}]', { id: 'chat', file: 'chat.json', format: 'json' });
 * await prompt.render({ name: 'Ada "A"' }); // [{ role: 'user', content: 'Hi Ada "A"' }]
 */
export function compilePromptfooPrompt(source: string, options: { id: string; file: string; format: PromptfooPromptFormat; lineOffset?: number }): PromptTemplate {
  const where: TemplateSource = { file: options.file, lineOffset: options.lineOffset };
  const structured = options.format === 'yaml' ? parseYamlSource(source, options.file, options.lineOffset) : jsonSource(source, options.file);
  let filler: Filler;
  let toMessages: (value: unknown, vars: Record<string, unknown>) => ChatMessage[];
  if (structured && (options.format !== 'text' || isMessageList(structured.value))) {
    checkMessages(structured, options.file, options.format);
    filler = compileValue(structured.value, where);
    toMessages = (value) => messagesOf(value);
  } else if (options.format === 'json') {
    // Not JSON as written (a {% for %} over messages, `{{ messages | dump }}`): rendered, then parsed.
    const template = compileNunjucks(source, where);
    filler = { variables: template.variables, fill: (vars) => template.render(renderVarTemplates(vars, where)) };
    toMessages = (text, vars) => parseRenderedJson(text as string, vars, options.file);
  } else {
    const template = hasTemplateSyntax(source) ? compileNunjucks(source, where) : undefined;
    filler = { variables: template?.variables ?? [], fill: (vars) => (template ? template.render(renderVarTemplates(vars, where)) : source) };
    toMessages = (text) => chatOrText(text as string);
  }
  return {
    id: options.id,
    file: options.file,
    source,
    frontmatter: {},
    body: source,
    config: {},
    metadata: PromptMetadataSchema.parse({}),
    tools: [],
    defaults: {},
    variables: filler.variables.filter((name) => name !== '_conversation'),
    partials: {},
    async render(vars) {
      // promptfoo's multi-turn var: empty, since every Assay case is one turn.
      const resolved = resolveVarReferences({ _conversation: [], ...vars });
      return toMessages(filler.fill(resolved), resolved);
    },
  };
}

/** The file as JSON with positions for errors, when it parses as JSON (promptfoo's test); else undefined. */
function jsonSource(source: string, file: string): YamlSource | undefined {
  try {
    JSON.parse(source);
  } catch {
    return undefined;
  }
  return parseYamlSource(source, file);
}

function isMessageList(value: unknown): value is Record<string, unknown>[] {
  return Array.isArray(value) && value.length > 0 && value.every((item) => item !== null && typeof item === 'object' && 'role' in item);
}

/** A `.json`/`.yaml` prompt: a list of messages with a known role and text content. */
function checkMessages(structured: YamlSource, file: string, format: PromptfooPromptFormat): void {
  const value = structured.value;
  const at = (path: PropertyKey[]) => structured.locate(path)?.line;
  const example = format === 'yaml' ? '- role: system\n  content: You are terse.\n- role: user\n  content: "{{ question }}"' : '[{ "role": "user", "content": "{{ question }}" }]';
  if (!Array.isArray(value) || value.length === 0) {
    throw new ConfigError(`A ${format === 'yaml' ? 'YAML' : 'JSON'} prompt file holds a list of chat messages`, { file, line: 1, hint: `Write ${example}. For a plain-text prompt use a .txt file.`, docs });
  }
  for (const [index, message] of value.entries()) {
    if (!message || typeof message !== 'object' || Array.isArray(message)) {
      throw new ConfigError(`Message ${index + 1} is not a { role, content } object`, { file, line: at([index]), hint: `Write ${example}.`, docs });
    }
    const record = message as Record<string, unknown>;
    if (typeof record.role !== 'string' || (!hasTemplateSyntax(record.role) && !(record.role in roles))) {
      throw new ConfigError(`Message ${index + 1} has role ${JSON.stringify(record.role)}`, { file, line: at([index, 'role']) ?? at([index]), field: `[${index}].role`, hint: `A role is one of ${Object.keys(roles).join(', ')} (developer is sent as system).`, docs });
    }
    const extra = Object.keys(record).filter((key) => key !== 'role' && key !== 'content');
    if (extra.length) {
      throw new ConfigError(`Message ${index + 1} has ${extra.map((key) => `"${key}"`).join(', ')}, which Assay does not send`, { file, line: at([index, extra[0]!]), field: `[${index}].${extra[0]}`, hint: 'A message is { role, content }; remove the other fields (tool calls and names are not sent).', docs });
    }
    const content = record.content;
    if (Array.isArray(content)) {
      for (const [partIndex, part] of content.entries()) {
        if (!part || typeof part !== 'object' || (part as Record<string, unknown>).type !== 'text' || typeof (part as Record<string, unknown>).text !== 'string') {
          throw new ConfigError(`Message ${index + 1} has a content part that is not text`, { file, line: at([index, 'content', partIndex]), field: `[${index}].content[${partIndex}]`, hint: 'Assay sends text only: write content as a string, or as [{ "type": "text", "text": "…" }] parts. Images, audio and files are not supported yet.', docs });
        }
      }
    } else if (content !== undefined && content !== null && typeof content !== 'string') {
      throw new ConfigError(`Message ${index + 1} has content that is not text`, { file, line: at([index, 'content']), field: `[${index}].content`, hint: 'Write content as a string.', docs });
    }
  }
}

/** Every string in `value` compiled as a template (promptfoo's renderVarsInObject), the rest kept. */
function compileValue(value: unknown, where: TemplateSource): Filler {
  if (typeof value === 'string') {
    if (!hasTemplateSyntax(value)) return { variables: [], fill: () => value };
    const template = compileNunjucks(value, where);
    return { variables: template.variables, fill: (vars) => template.render(vars) };
  }
  if (Array.isArray(value)) {
    const items = value.map((item) => compileValue(item, where));
    return { variables: items.flatMap((item) => item.variables), fill: (vars) => items.map((item) => item.fill(vars)) };
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).map(([key, item]) => [key, compileValue(item, where)] as const);
    return { variables: entries.flatMap(([, item]) => item.variables), fill: (vars) => Object.fromEntries(entries.map(([key, item]) => [key, item.fill(vars)])) };
  }
  return { variables: [], fill: () => value };
}

/** Rendered messages as Assay's: text parts joined, `developer` as `system`. */
function messagesOf(value: unknown): ChatMessage[] {
  return (value as Record<string, unknown>[]).map((message) => {
    const role = roles[String(message.role)];
    if (role === undefined) {
      throw new ConfigError(`A message's role renders as ${JSON.stringify(message.role)}`, { hint: `A role is one of ${Object.keys(roles).join(', ')}.`, docs });
    }
    const content = message.content;
    const text = Array.isArray(content) ? content.map((part) => String((part as { text?: unknown }).text ?? '')).join('') : typeof content === 'string' ? content : content == null ? '' : JSON.stringify(content);
    return { role, content: text };
  });
}

/** A rendered text prompt: a chat when it reads as one (promptfoo's parseChatPrompt), else one user message. */
function chatOrText(text: string): ChatMessage[] {
  const trimmed = text.trim();
  let parsed: unknown;
  if (trimmed.startsWith('- role:')) {
    const document = parseDocument(text);
    if (document.errors.length === 0) parsed = document.toJS();
  } else if (trimmed.startsWith('[')) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
  }
  if (isMessageList(parsed) && parsed.every((message) => String(message.role) in roles && (message.content == null || typeof message.content === 'string'))) return messagesOf(parsed);
  return [{ role: 'user', content: text }];
}

/** A value holding, anywhere inside, text that ends a JSON string when written between quotes as is. */
function breaksJsonString(value: unknown): boolean {
  if (typeof value === 'string') return /["\\\n\r\t]/.test(value);
  if (Array.isArray(value)) return value.some(breaksJsonString);
  return value !== null && typeof value === 'object' && Object.values(value).some(breaksJsonString);
}

/**
 * A `.json` prompt that is a template as a whole, parsed once rendered. A var holding a quote or a
 * newline, written inside "…", ends the JSON string early: promptfoo fails there too; this names
 * the file and the var.
 */
function parseRenderedJson(text: string, vars: Record<string, unknown>, file: string): ChatMessage[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const breaking = Object.entries(vars).filter(([, item]) => breaksJsonString(item)).map(([name]) => name);
    const culprit = breaking.length
      ? `The var${breaking.length > 1 ? 's' : ''} ${breaking.map((name) => `"${name}"`).join(', ')} of this case hold${breaking.length > 1 ? '' : 's'} a quote, backslash or line break, which ends a JSON string early: write {{ ${breaking[0]} | dump }} in place of "{{ ${breaking[0]} }}" (without the quotes) to insert it as a JSON string.`
      : 'Check the commas and quotes the template writes around its loops.';
    throw new ConfigError(`The prompt file is not valid JSON once filled in: ${(error as Error).message}`, { file, hint: culprit, docs });
  }
  if (!isMessageList(value)) {
    throw new ConfigError('The prompt file, filled in, is not a list of chat messages', { file, hint: 'It must render as [{ "role": "…", "content": "…" }, …].', docs });
  }
  return messagesOf(value);
}
