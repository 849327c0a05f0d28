import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a test server saw: one per request, in arrival order. */
export interface SeenRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: any;
  receivedAt: number;
}

export interface WireReply {
  status?: number;
  headers?: Record<string, string>;
  /** An object is sent as JSON; a string as-is (for malformed bodies). */
  body?: unknown;
  /** Hold the reply back (simulates a slow model). */
  delayMs?: number;
}

export interface WireServer {
  url: string;
  requests: SeenRequest[];
  /** Most requests the server had open at once. */
  maxInFlight: number;
  close(): Promise<void>;
}

/**
 * A local HTTP server for provider tests: the handler returns the reply for the nth request.
 * Speaks whatever wire shape the handler builds (see `openaiChatReply`, `anthropicReply`).
 */
export async function startWireServer(handler: (request: SeenRequest, index: number) => WireReply | Promise<WireReply>): Promise<WireServer> {
  const requests: SeenRequest[] = [];
  let inFlight = 0;
  const state = { maxInFlight: 0 };
  const server: Server = createServer(async (incoming, outgoing) => {
    inFlight++;
    state.maxInFlight = Math.max(state.maxInFlight, inFlight);
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const seen: SeenRequest = {
      method: incoming.method ?? 'GET',
      path: incoming.url ?? '/',
      headers: incoming.headers,
      body: text ? JSON.parse(text) : undefined,
      receivedAt: performance.now(),
    };
    const index = requests.push(seen) - 1;
    const reply = await handler(seen, index);
    if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
    inFlight--;
    if (outgoing.destroyed) return;
    const body = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? {});
    outgoing.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
    outgoing.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get maxInFlight() {
      return state.maxInFlight;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function openaiChatReply(
  text: string,
  usage: { prompt?: number; completion?: number; cached?: number; reasoning?: number } = {},
  extra: { toolCalls?: { name: string; arguments: string }[] } = {},
): WireReply {
  const prompt = usage.prompt ?? 10;
  const completion = usage.completion ?? 5;
  return {
    body: {
      id: 'chatcmpl-test',
      object: 'chat.completion',
      created: 1_700_000_000,
      model: 'test-model',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: text,
            tool_calls: extra.toolCalls?.map((call, index) => ({ id: `call_${index}`, type: 'function', function: call })),
          },
          finish_reason: extra.toolCalls ? 'tool_calls' : 'stop',
        },
      ],
      usage: {
        prompt_tokens: prompt,
        completion_tokens: completion,
        total_tokens: prompt + completion,
        prompt_tokens_details: { cached_tokens: usage.cached ?? 0 },
        completion_tokens_details: { reasoning_tokens: usage.reasoning ?? 0 },
      },
    },
  };
}

export function anthropicReply(text: string, usage: { input?: number; output?: number; cacheRead?: number; cacheWrite?: number } = {}): WireReply {
  return {
    body: {
      id: 'msg_test',
      type: 'message',
      role: 'assistant',
      model: 'claude-test',
      content: [{ type: 'text', text }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: {
        input_tokens: usage.input ?? 10,
        output_tokens: usage.output ?? 5,
        cache_read_input_tokens: usage.cacheRead ?? 0,
        cache_creation_input_tokens: usage.cacheWrite ?? 0,
      },
    },
  };
}

export function openaiError(status: number, message: string, headers?: Record<string, string>): WireReply {
  return { status, headers, body: { error: { message, type: 'test_error', param: null, code: null } } };
}
