import { mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startServer, type RunningServer } from './start-server.ts';

// Issue 16 (slowloris): a client that never finishes its request headers kept its socket for
// Node's default 60 s. `assay serve` now closes it after `timeouts.headersMs` (10 s by default).

let server: RunningServer;
let directory: string;

beforeAll(async () => {
  directory = mkdtempSync(path.join(tmpdir(), 'assay-serve-slow-'));
  server = await startServer({ cwd: directory, env: {}, port: 0, webRoot: path.join(directory, 'no-web'), timeouts: { headersMs: 200 } });
});

afterAll(async () => {
  await server?.close();
  rmSync(directory, { recursive: true, force: true });
});

it('closes a connection whose request headers never end, answering 408', async () => {
  const { port } = new URL(server.url);
  const socket = connect(Number(port), '127.0.0.1');
  await once(socket, 'connect');
  let received = '';
  socket.setEncoding('utf8').on('data', (chunk: string) => (received += chunk));
  socket.write('GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
  // The server ends the connection; this side never does.
  const closed = once(socket, 'close');
  await once(socket, 'end');
  await closed;
  expect(received).toMatch(/^HTTP\/1\.1 408 /);

  // A client that sends its request in time is served as before.
  expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
});
