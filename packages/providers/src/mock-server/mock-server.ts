import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError } from '@assay/spec';
import { anthropicProtocol } from './anthropic-protocol.ts';
import { loadCassette, type Cassette } from './cassette.ts';
import { embeddingResponseBody, parseEmbeddingRequest } from './embeddings.ts';
import { createFaultSampler, type FaultDecision, type FaultKind, type FaultOptions } from './faults.ts';
import { openAIProtocol } from './openai-protocol.ts';
import { openAIResponsesProtocol } from './openai-responses-protocol.ts';
import type { ParsedRequest, ReplyContext, WireProtocol } from './protocol.ts';
import { compileRules, type CompiledRule, type MockReply, type MockRule } from './rules.ts';

export interface MockServerOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default `127.0.0.1`. */
  host?: string;
  /**
   * `echo` answers with the last user message; `rules` with the first matching rule (echo when
   * none matches); `cassette` with recorded answers (404 when none matches). Default: `cassette`
   * when `cassettePath` is set, `rules` when `rules` is, else `echo`.
   */
  mode?: 'echo' | 'rules' | 'cassette';
  rules?: MockRule[];
  /** JSONL file; see `loadCassette` for the accepted line shapes. */
  cassettePath?: string;
  faults?: FaultOptions;
  /** Seed of the fault sampler (default 1): the same seed and request order inject the same faults. */
  seed?: number;
  /** When set, requests must carry it (`Authorization: Bearer` for OpenAI, `x-api-key` for Anthropic). */
  apiKey?: string;
  /** Called with one line per request. */
  log?: (line: string) => void;
  /**
   * Milliseconds a client may take to send a request's headers (default 10 s) and the whole
   * request (default 60 s), and an idle keep-alive connection stays open (default 65 s). The first
   * two close connections of clients that never finish a request (slowloris).
   */
  timeouts?: { headersMs?: number; requestMs?: number; keepAliveMs?: number };
}

export interface MockStats {
  requests: number;
  byStatus: Record<number, number>;
  faultsInjected: number;
  faultsByKind: Record<FaultKind, number>;
}

export interface MockServerHandle {
  /** Base URL without `/v1`, e.g. `http://127.0.0.1:43123`. */
  url: string;
  port: number;
  /** Stops listening and drops open keep-alive connections. */
  close(): Promise<void>;
  /** A snapshot of the counters. */
  stats(): MockStats;
}

const MAX_BODY_BYTES = 32 * 1024 * 1024;
const JSON_HEADERS = { 'content-type': 'application/json' } as const;
const SSE_HEADERS: OutgoingHttpHeaders = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' };

/**
 * Starts an OpenAI- and Anthropic-compatible model server with fault injection.
 *
 * @example
 * const server = await startMockServer({ mode: 'echo', faults: { rate429: 0.1 }, seed: 7 });
 * const openai = createOpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused' });
 * const { text } = await generateText({ model: openai.chat('mock-model'), prompt: 'Hello' });
 * await server.close();
 */
export async function startMockServer(options: MockServerOptions = {}): Promise<MockServerHandle> {
  const mode = options.mode ?? (options.cassettePath ? 'cassette' : options.rules ? 'rules' : 'echo');
  let rules: CompiledRule[] = [];
  let cassette: Cassette | undefined;
  if (mode === 'rules') {
    if (!options.rules || options.rules.length === 0) {
      throw new ConfigError('Mock server mode "rules" needs at least one rule.', { hint: 'Pass --rules <file>.', docs: 'mock-server.md' });
    }
    rules = compileRules(options.rules);
  } else if (mode === 'cassette') {
    if (!options.cassettePath) {
      throw new ConfigError('Mock server mode "cassette" needs a cassette file.', { hint: 'Pass --cassette <file>.', docs: 'mock-server.md' });
    }
    cassette = await loadCassette(options.cassettePath);
  }

  const sampleFault = createFaultSampler(options.faults, options.seed ?? 1);
  const retryAfter = String(options.faults?.retryAfterSeconds ?? 1);
  const apiKey = options.apiKey;
  const log = options.log;
  const stats: MockStats = {
    requests: 0,
    byStatus: {},
    faultsInjected: 0,
    faultsByKind: { rate429: 0, rate5xx: 0, malformed: 0, cutStream: 0 },
  };
  const timers = new Set<NodeJS.Timeout>();
  const modelIds = ['mock-model', ...new Set((options.rules ?? []).map((rule) => rule.match?.model).filter((id): id is string => !!id && !id.endsWith('*')))];

  function send(request: IncomingMessage, response: ServerResponse, status: number, headers: OutgoingHttpHeaders, body: string, note?: string): void {
    stats.byStatus[status] = (stats.byStatus[status] ?? 0) + 1;
    headers['content-length'] = Buffer.byteLength(body);
    response.writeHead(status, headers);
    response.end(body);
    if (log) log(`${request.method} ${request.url} ${status}${note ? ` ${note}` : ''}`);
  }

  function sendError(request: IncomingMessage, response: ServerResponse, protocol: WireProtocol, status: number, message: string, note?: string): void {
    const headers: OutgoingHttpHeaders = { ...JSON_HEADERS };
    if (status === 429) headers['retry-after'] = retryAfter;
    send(request, response, status, headers, protocol.errorBody(status, message), note);
  }

  function reply(parsed: ParsedRequest): MockReply | string {
    if (mode === 'cassette') {
      return cassette!.lookup(parsed) ?? `No cassette entry matches the last user message ${JSON.stringify(parsed.lastUser.slice(0, 200))}.`;
    }
    if (mode === 'rules') {
      for (const rule of rules) if (rule.matches(parsed)) return rule.reply(parsed);
    }
    return { content: parsed.lastUser, toolCalls: [], delayMs: 0, status: 200 };
  }

  /** Counts the fault and answers an injected 429 or 5xx; true when it did. */
  function injectedError(request: IncomingMessage, response: ServerResponse, protocol: WireProtocol, fault: FaultDecision): boolean {
    if (fault.kind) {
      stats.faultsInjected++;
      stats.faultsByKind[fault.kind]++;
    }
    if (fault.kind === 'rate429') sendError(request, response, protocol, 429, 'Rate limit reached (injected by assay mock-server).', 'fault=429');
    else if (fault.kind === 'rate5xx') {
      const status = fault.status ?? 500;
      sendError(request, response, protocol, status, `Internal server error (injected by assay mock-server, status ${status}).`, `fault=${status}`);
    } else return false;
    return true;
  }

  /** A JSON answer, cut in half when the fault is `malformed`. */
  function sendJson(request: IncomingMessage, response: ServerResponse, status: number, body: string, fault: FaultDecision): void {
    const malformed = fault.kind === 'malformed';
    send(request, response, status, { ...JSON_HEADERS }, malformed ? body.slice(0, Math.max(1, Math.floor(body.length / 2))) : body, malformed ? 'fault=malformed' : undefined);
  }

  /** Runs `answer` after `delay` milliseconds (at once when there is none). */
  function after(delay: number, answer: () => void): void {
    if (delay <= 0) return answer();
    const timer = setTimeout(() => {
      timers.delete(timer);
      answer();
    }, delay);
    timers.add(timer);
  }

  function answer(request: IncomingMessage, response: ServerResponse, protocol: WireProtocol, parsed: ParsedRequest, result: MockReply, fault: FaultDecision, sequence: number): void {
    if (response.destroyed || injectedError(request, response, protocol, fault)) return;
    if (result.status >= 400) {
      return sendError(request, response, protocol, result.status, result.content || `Scripted error ${result.status}.`);
    }
    const context: ReplyContext = {
      sequence,
      created: Math.floor(Date.now() / 1000),
      model: parsed.model,
      promptTokens: parsed.promptTokens,
      includeUsage: parsed.includeUsage,
    };
    if (!parsed.stream) return sendJson(request, response, result.status, protocol.completionBody(result, context), fault);
    const frames = protocol.streamFrames(result, context);
    stats.byStatus[result.status] = (stats.byStatus[result.status] ?? 0) + 1;
    response.writeHead(result.status, SSE_HEADERS);
    if (fault.kind === 'malformed') {
      // Break the JSON of the first frame after the opening one; the rest stays valid.
      const target = Math.min(1, frames.length - 1);
      const frame = frames[target]!;
      frames[target] = `${frame.slice(0, Math.max(8, Math.floor(frame.length / 2)))}\n\n`;
    }
    if (fault.kind === 'cutStream') {
      const kept = Math.max(1, Math.floor(frames.length / 2));
      response.write(frames.slice(0, kept).join(''), () => response.socket?.destroy());
      if (log) log(`${request.method} ${request.url} ${result.status} stream fault=cut-stream after ${kept}/${frames.length} frames`);
      return;
    }
    response.end(frames.join(''));
    if (log) log(`${request.method} ${request.url} ${result.status} stream${fault.kind === 'malformed' ? ' fault=malformed' : ''}`);
  }

  /** Reads a JSON request body, checking the key and the size first; answers 401, 413 or 400 itself. */
  function readJson(request: IncomingMessage, response: ServerResponse, protocol: WireProtocol, then: (body: unknown) => void): void {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    request.on('end', () => {
      if (apiKey !== undefined && !protocol.authorized(request.headers, apiKey)) {
        return sendError(request, response, protocol, 401, protocol.name === 'anthropic' ? 'invalid x-api-key' : 'Incorrect API key provided.');
      }
      if (size > MAX_BODY_BYTES) return sendError(request, response, protocol, 413, 'Request body too large.');
      let body: unknown;
      try {
        body = JSON.parse(chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8'));
      } catch {
        return sendError(request, response, protocol, 400, 'We could not parse the JSON body of your request.');
      }
      then(body);
    });
  }

  function handleCompletion(request: IncomingMessage, response: ServerResponse, protocol: WireProtocol): void {
    readJson(request, response, protocol, (body) => {
      const parsed = protocol.parse(body);
      if (typeof parsed === 'string') return sendError(request, response, protocol, 400, parsed);
      const result = reply(parsed);
      if (typeof result === 'string') return sendError(request, response, protocol, 404, result);
      const sequence = stats.requests;
      const fault = sampleFault(parsed.stream);
      after(fault.latencyMs + result.delayMs, () => answer(request, response, protocol, parsed, result, fault, sequence));
    });
  }

  /** `POST /v1/embeddings`: hashed bag-of-words vectors in every mode (see embeddings.ts), with the same faults as chat. */
  function handleEmbeddings(request: IncomingMessage, response: ServerResponse): void {
    readJson(request, response, openAIProtocol, (body) => {
      const parsed = parseEmbeddingRequest(body);
      if (typeof parsed === 'string') return sendError(request, response, openAIProtocol, 400, parsed);
      const fault = sampleFault(false);
      after(fault.latencyMs, () => {
        if (response.destroyed || injectedError(request, response, openAIProtocol, fault)) return;
        sendJson(request, response, 200, embeddingResponseBody(parsed), fault);
      });
    });
  }

  const headersTimeout = options.timeouts?.headersMs ?? 10_000;
  const serverOptions = {
    headersTimeout,
    requestTimeout: Math.max(headersTimeout, options.timeouts?.requestMs ?? 60_000),
    // Clients (and the benchmark at concurrency 16) reuse connections; keep them longer than Node's 5 s default.
    keepAliveTimeout: options.timeouts?.keepAliveMs ?? 65_000,
    // How often Node looks for requests past those limits (30 s by default).
    connectionsCheckingInterval: Math.min(1_000, headersTimeout),
  };
  const server = createServer(serverOptions, (request, response) => {
    stats.requests++;
    const url = request.url ?? '/';
    const queryStart = url.indexOf('?');
    const path = queryStart === -1 ? url : url.slice(0, queryStart);
    if (path === '/v1/chat/completions' && request.method === 'POST') return handleCompletion(request, response, openAIProtocol);
    if (path === '/v1/messages' && request.method === 'POST') return handleCompletion(request, response, anthropicProtocol);
    if (path === '/v1/embeddings' && request.method === 'POST') return handleEmbeddings(request, response);
    if (path === '/v1/responses' && request.method === 'POST') return handleCompletion(request, response, openAIResponsesProtocol);
    request.resume();
    if (path === '/v1/models' && request.method === 'GET') {
      const anthropic = request.headers['anthropic-version'] !== undefined;
      const body = anthropic
        ? JSON.stringify({
            data: modelIds.map((id) => ({ type: 'model', id, display_name: id, created_at: '2025-01-01T00:00:00Z' })),
            has_more: false,
            first_id: modelIds[0],
            last_id: modelIds.at(-1),
          })
        : JSON.stringify({ object: 'list', data: modelIds.map((id) => ({ id, object: 'model', created: 0, owned_by: 'assay-mock' })) });
      return send(request, response, 200, { ...JSON_HEADERS }, body);
    }
    const protocol = path.startsWith('/v1/messages') || request.headers['anthropic-version'] !== undefined ? anthropicProtocol : openAIProtocol;
    sendError(request, response, protocol, 404, `Unknown route ${request.method} ${path}. The mock serves POST /v1/chat/completions, POST /v1/responses, POST /v1/messages, POST /v1/embeddings and GET /v1/models.`);
  });

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new ConfigError(`Port ${options.port} on ${host} is already in use.`, { hint: 'Pick another --port, or 0 for a free one.', cause: error })
          : error,
      );
    };
    server.once('error', onError);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${urlHost}:${port}`,
    port,
    close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      return new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
    stats() {
      return { ...stats, byStatus: { ...stats.byStatus }, faultsByKind: { ...stats.faultsByKind } };
    },
  };
}
