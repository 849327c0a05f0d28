import { readFile } from 'node:fs/promises';
import { ConfigError } from '@assay/spec';
import { lastUserText, textOfContent } from './message-text.ts';
import { compileRules, type CompiledRule, type MockReply, type MockRequest, type MockRule } from './rules.ts';

/** Replays recorded answers: exact last-user-message lookups first, then rule-like entries in file order. */
export interface Cassette {
  lookup(request: MockRequest): MockReply | undefined;
  readonly size: number;
}

/**
 * Loads a JSONL cassette. Each line is one of:
 * - `{"match": {"last_user": "…"}, "response": {"content": "…", "tool_calls": [...]}}` — exact key;
 * - `{"match": {"contains" | "regex" | "model" | "system": …}, "response": {...}}` — a rule;
 * - a recorded exchange `{"request": {...}, "response": {...}}` where the request holds `messages`
 *   (OpenAI or Anthropic) or an AI SDK `prompt`, and the response holds `content`/`text`, AI SDK
 *   content parts, OpenAI `choices` or Anthropic content blocks.
 * Blank lines and lines starting with `//` or `#` are skipped.
 */
export async function loadCassette(path: string): Promise<Cassette> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`Cannot read the cassette file ${path}.`, { file: path, cause: error, hint: 'Check the path given to --cassette.', docs: 'mock-server.md' });
  }
  const exact = new Map<string, MockReply>();
  const ruleEntries: MockRule[] = [];
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!.trim();
    if (line === '' || line.startsWith('//') || line.startsWith('#')) continue;
    let entry: unknown;
    try {
      entry = JSON.parse(line);
    } catch (error) {
      throw new ConfigError(`Cassette line is not valid JSON: ${(error as Error).message}`, { file: path, line: index + 1, docs: 'mock-server.md' });
    }
    const parsed = parseEntry(entry);
    if (!parsed) {
      throw new ConfigError('Cassette line has neither a usable "match" nor a "request" with a user message.', {
        file: path,
        line: index + 1,
        hint: 'Write lines like {"match": {"last_user": "Hi"}, "response": {"content": "Hello"}}.',
        docs: 'mock-server.md',
      });
    }
    if ('key' in parsed) {
      if (!exact.has(parsed.key)) exact.set(parsed.key, parsed.reply);
    } else ruleEntries.push(parsed.rule);
  }
  let rules: CompiledRule[];
  try {
    rules = compileRules(ruleEntries, 'cassette');
  } catch (error) {
    throw ConfigError.isInstance(error) ? new ConfigError(error.message, { file: path, field: (error as ConfigError).field, docs: 'mock-server.md' }) : error;
  }
  return {
    size: exact.size + rules.length,
    lookup(request) {
      const hit = exact.get(request.lastUser);
      if (hit) return hit;
      for (const rule of rules) if (rule.matches(request)) return rule.reply(request);
      return undefined;
    },
  };
}

type ParsedEntry = { key: string; reply: MockReply } | { rule: MockRule };

function parseEntry(entry: unknown): ParsedEntry | undefined {
  if (!isRecord(entry)) return undefined;
  const reply = parseResponse(entry.response);
  if (!reply) return undefined;
  const match = entry.match;
  if (isRecord(match)) {
    const key = match.last_user ?? match.prompt ?? match.user;
    if (typeof key === 'string') return { key, reply };
    return {
      rule: {
        match: match as MockRule['match'],
        response: { content: reply.content, tool_calls: reply.toolCalls, delay_ms: reply.delayMs || undefined, status: reply.status },
      },
    };
  }
  const request = entry.request ?? entry;
  if (!isRecord(request)) return undefined;
  let key: string | undefined;
  if (Array.isArray(request.messages)) key = lastUserText(request.messages);
  else if (Array.isArray(request.prompt)) key = lastUserText(request.prompt);
  else if (typeof request.prompt === 'string') key = request.prompt;
  else if (typeof entry.key === 'string') key = entry.key;
  return key === undefined ? undefined : { key, reply };
}

function parseResponse(response: unknown): MockReply | undefined {
  if (typeof response === 'string') return { content: response, toolCalls: [], delayMs: 0, status: 200 };
  if (!isRecord(response)) return undefined;
  const toolCalls: MockReply['toolCalls'] = [];
  let content = '';
  // OpenAI chat completion body.
  const firstChoice = Array.isArray(response.choices) && isRecord(response.choices[0]) ? response.choices[0] : undefined;
  const message = firstChoice && isRecord(firstChoice.message) ? firstChoice.message : undefined;
  const source = message ?? response;
  if (typeof source.content === 'string') content = source.content;
  else if (typeof source.text === 'string') content = source.text;
  else if (Array.isArray(source.content)) {
    // AI SDK content parts or Anthropic content blocks.
    content = textOfContent(source.content.filter((part) => isRecord(part) && (part.type === 'text' || part.type === undefined)));
    for (const part of source.content) {
      if (!isRecord(part)) continue;
      if (part.type === 'tool-call' || part.type === 'tool_use') {
        const name = part.toolName ?? part.name;
        const input = part.input ?? part.args ?? {};
        if (typeof name === 'string') toolCalls.push({ name, arguments: typeof input === 'string' ? input : JSON.stringify(input) });
      }
    }
  }
  const calls = source.tool_calls ?? response.tool_calls;
  if (Array.isArray(calls)) {
    for (const call of calls) {
      if (!isRecord(call)) continue;
      const fn = isRecord(call.function) ? call.function : call;
      const input = fn.arguments ?? fn.input ?? {};
      if (typeof fn.name === 'string') toolCalls.push({ name: fn.name, arguments: typeof input === 'string' ? input : JSON.stringify(input) });
    }
  }
  const delayMs = typeof response.delay_ms === 'number' ? response.delay_ms : 0;
  const status = typeof response.status === 'number' ? response.status : 200;
  return { content, toolCalls, delayMs, status };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
