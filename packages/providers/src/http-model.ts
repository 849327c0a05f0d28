import { APICallError, type LanguageModelV3, type LanguageModelV3CallOptions, type LanguageModelV3GenerateResult, type LanguageModelV3Prompt } from '@ai-sdk/provider';
import { compileSandboxed, type SandboxedFunction } from '@assay/core';
import { ConfigError, ProviderError, type ProviderConfig } from '@assay/spec';

type Config = ProviderConfig['config'];

/** `{{prompt}}`, `{{ prompt }}`, and with promptfoo's `| dump` / `| tojson` filters (the prompt as a JSON string). */
const promptPlaceholder = /\{\{\s*prompt\s*(\|\s*(dump|tojson)\s*)?\}\}/g;

/**
 * promptfoo's HTTP provider: one request per call to `config.url` with the prompt put into
 * `config.body` (or the URL) where it says `{{prompt}}`, and the answer read from the response by
 * `config.transformResponse`, a JavaScript expression over `json` (the parsed body), `text` (the
 * raw body) and `context` that runs in the same QuickJS sandbox as `javascript` assertions, never
 * in this process. Without one, the answer is the body: its JSON text, or the string it holds.
 */
export class HttpLanguageModel implements LanguageModelV3 {
  readonly specificationVersion = 'v3';
  readonly provider = 'http';
  readonly modelId: string;
  readonly supportedUrls = {};
  readonly url: string;
  private readonly config: Config;
  private readonly fetch: typeof globalThis.fetch;
  private readonly transform: SandboxedFunction | undefined;

  constructor(modelId: string, config: Config, fetch: typeof globalThis.fetch | undefined) {
    this.modelId = modelId;
    this.config = config;
    this.fetch = fetch ?? globalThis.fetch;
    const url = config?.url ?? (/^https?:\/\//.test(modelId) ? modelId : undefined);
    if (url === undefined) {
      throw new ConfigError('provider "http" needs config.url', {
        field: 'providers[].config.url',
        hint: 'set config.url to the endpoint, e.g. https://example.com/api/chat',
        docs: 'providers.md#http-endpoints',
      });
    }
    this.url = url;
    this.transform = config?.transformResponse === undefined ? undefined : compileTransform(config.transformResponse);
  }

  async doGenerate(options: LanguageModelV3CallOptions): Promise<LanguageModelV3GenerateResult> {
    const prompt = promptText(options.prompt);
    const method = (this.config?.method ?? 'POST').toUpperCase();
    const headers: Record<string, string> = { ...this.config?.headers };
    const body = this.config?.body;
    let sent: string | undefined;
    if (method !== 'GET' && method !== 'HEAD' && body !== undefined) {
      if (typeof body === 'string') sent = fill(body, prompt);
      else {
        sent = JSON.stringify(fillValue(body, prompt));
        if (!Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
      }
    }
    const url = this.url.replace(promptPlaceholder, (_match, filter) => encodeURIComponent(filter ? JSON.stringify(prompt) : prompt));
    const response = await this.fetch(url, { method, headers, body: sent, signal: options.abortSignal });
    const text = await response.text();
    const responseHeaders = Object.fromEntries(response.headers.entries());
    if (!response.ok) {
      throw new APICallError({
        message: text.slice(0, 500) || response.statusText,
        url,
        requestBodyValues: sent,
        statusCode: response.status,
        responseHeaders,
        responseBody: text,
        isRetryable: response.status === 408 || response.status === 409 || response.status === 429 || response.status >= 500,
      });
    }
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {
      // Not JSON: `json` is null, as in promptfoo, and `text` holds the body.
    }
    const output = this.transform ? await this.transformed(json, text, response.status) : json === null ? text : typeof json === 'string' ? json : JSON.stringify(json);
    const inputTokens = Math.ceil(prompt.length / 4);
    const outputTokens = Math.ceil(output.length / 4);
    return {
      content: [{ type: 'text', text: output }],
      finishReason: { unified: 'stop', raw: undefined },
      // The endpoint reports no usage: these are estimates (4 characters a token), as for echo.
      usage: {
        inputTokens: { total: inputTokens, noCache: inputTokens, cacheRead: 0, cacheWrite: 0 },
        outputTokens: { total: outputTokens, text: outputTokens, reasoning: 0 },
      },
      warnings: [],
      response: { headers: responseHeaders },
    };
  }

  async doStream(): Promise<never> {
    throw new ProviderError('http: streaming is not supported', { provider: 'http' });
  }

  private async transformed(json: unknown, text: string, status: number): Promise<string> {
    const reply = await this.transform!.run(JSON.stringify({ output: { json, text }, vars: {}, context: { response: { status } } }));
    const fail = (why: string) =>
      new ProviderError(`http: transformResponse ${why}`, {
        provider: 'http',
        // One response the expression could not read; the next may be fine.
        concernsRequest: true,
        hint: 'transformResponse reads `json` (the parsed body), `text` (the raw body) and `context`; check it against what the endpoint returns',
        docs: 'providers.md#http-endpoints',
      });
    if (!reply.ok) throw fail(reply.error === 'timeout' ? 'timed out' : `could not run (${reply.message})`);
    const result = JSON.parse(reply.raw) as { kind: 'text'; text: string } | { kind: 'other'; type: string } | { kind: 'error'; message: string };
    if (result.kind === 'error') throw fail(`threw ${JSON.stringify(result.message)}`);
    if (result.kind === 'other') throw fail(`returned ${result.type}; expected a string or a JSON value`);
    return result.text;
  }
}

/**
 * The expression (or arrow function, or function body) as sandbox code over `output`, which holds
 * `json` and `text`. A function is called with (json, text, context), as promptfoo calls it.
 */
function compileTransform(code: string): SandboxedFunction {
  if (code.startsWith('file://')) {
    throw new ConfigError('transformResponse from a file is not supported: Assay runs only inline code, in its sandbox', {
      field: 'providers[].config.transformResponse',
      hint: 'write the expression inline, e.g. transformResponse: json.choices[0].message.content',
      docs: 'providers.md#http-endpoints',
    });
  }
  const prelude = 'const json = output.json; const text = output.text;';
  const asExpression = compileSandboxed(`${prelude} const value = (\n${code}\n);\nreturn typeof value === 'function' ? value(json, text, context) : value;`, 'transform');
  if (!('problem' in asExpression)) return asExpression;
  const asBody = compileSandboxed(`${prelude}\n${code}`, 'transform');
  if (!('problem' in asBody)) return asBody;
  throw new ConfigError(`transformResponse ${asExpression.problem}`, {
    field: 'providers[].config.transformResponse',
    hint: 'write one expression over json and text (json.output), an arrow function ((json, text) => json.output), or a function body that ends with return',
    docs: 'providers.md#http-endpoints',
  });
}

/** What `{{prompt}}` stands for: the one user message's text, or the chat as JSON (what promptfoo sends for a chat prompt). */
function promptText(prompt: LanguageModelV3Prompt): string {
  const messages = prompt.map((message) => ({
    role: message.role,
    content: typeof message.content === 'string' ? message.content : message.content.map((part) => ('text' in part ? part.text : '')).join(''),
  }));
  if (messages.length === 1 && messages[0]!.role === 'user') return messages[0]!.content;
  return JSON.stringify(messages);
}

function fill(template: string, prompt: string): string {
  return template.replace(promptPlaceholder, (_match, filter) => (filter ? JSON.stringify(prompt) : prompt));
}

/** A JSON body with the prompt in its strings: a string that is only `{{prompt}}` becomes the prompt itself. */
function fillValue(value: unknown, prompt: string): unknown {
  if (typeof value === 'string') return /^\{\{\s*prompt\s*\}\}$/.test(value) ? prompt : fill(value, prompt);
  if (Array.isArray(value)) return value.map((item) => fillValue(item, prompt));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, fillValue(item, prompt)]));
  return value;
}
