import { once } from 'node:events';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockServer, type MockServerHandle } from './index.ts';

// Issue 16 (slowloris): connections whose request never completes were kept for Node's default
// 60 s (headers) and 5 minutes (body). The mock server now closes them after `timeouts`.

let server: MockServerHandle;
beforeAll(async () => {
  server = await startMockServer({ timeouts: { headersMs: 200, requestMs: 400 } });
});
afterAll(async () => server?.close());

/** Sends `head` on a raw socket and resolves with what came back once the server closed it. */
async function sendAndWaitForClose(head: string): Promise<string> {
  const socket = connect(server.port, '127.0.0.1');
  await once(socket, 'connect');
  let received = '';
  socket.setEncoding('utf8').on('data', (chunk: string) => (received += chunk));
  const closed = once(socket, 'close');
  socket.write(head);
  // Only the server ends it: this side writes no more and never calls end().
  await once(socket, 'end');
  await closed;
  return received;
}

describe('slow clients', () => {
  it('closes a connection whose request headers never end', async () => {
    expect(await sendAndWaitForClose('POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ')).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('closes a connection whose body never arrives in full', async () => {
    const head = 'POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"model":';
    expect(await sendAndWaitForClose(head)).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('still answers a request sent in time', async () => {
    const response = await fetch(`${server.url}/v1/models`);
    expect(response.status).toBe(200);
  });
});
