import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { afterEach, describe, expect, it } from 'vitest';
import { LoginThrottle } from './login-throttle.ts';
import { createTestApp, type TestApp, type TestAppOptions } from './testing/test-app.ts';

// Issue 16: with --trust-proxy the server took the first X-Forwarded-For entry, which the client
// writes itself: rotating it reset the per-address login throttle and forged the audit log's
// address. Over real HTTP, so the socket's address is there to fall back on.

let t: TestApp | undefined;
let server: ServerType | undefined;
let url: string;

async function listen(options: TestAppOptions): Promise<void> {
  t = await createTestApp(options);
  server = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' });
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
  await t?.close();
  server = undefined;
  t = undefined;
});

async function failLogin(email: string, forwardedFor?: string): Promise<number> {
  const response = await fetch(`${url}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', connection: 'close', ...(forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor }) },
    body: JSON.stringify({ email, password: 'not the password' }),
  });
  await response.arrayBuffer();
  return response.status;
}

async function failedLoginAddresses(): Promise<[string, string | null][]> {
  const events = await t!.registry.listAuditEvents(null, { action: 'user.login-failed' });
  return events.items.map((event) => [event.targetId, event.ip]);
}

describe('X-Forwarded-For behind trusted proxies', () => {
  it('one proxy: the entry it appended counts; rotating the first entry does not reset the login throttle', async () => {
    await listen({ trustProxy: true, loginThrottle: new LoginThrottle({ maxFailures: 3, windowMs: 60_000 }) });
    // New emails each time, so only the per-address count can stop the guesses.
    for (let index = 0; index < 3; index++) expect(await failLogin(`guess-${index}@example.com`, `10.0.0.${index}, 198.51.100.7`)).toBe(401);
    expect(await failLogin('guess-3@example.com', '10.0.0.3, 198.51.100.7')).toBe(429);
    expect(await failLogin('guess-4@example.com', '198.51.100.7')).toBe(429);
    // Another client behind the same proxy is not held back.
    expect(await failLogin('guess-5@example.com', '10.0.0.3, 198.51.100.8')).toBe(401);
    expect(await failedLoginAddresses()).toEqual([
      ['guess-5@example.com', '198.51.100.8'],
      ['guess-2@example.com', '198.51.100.7'],
      ['guess-1@example.com', '198.51.100.7'],
      ['guess-0@example.com', '198.51.100.7'],
    ]);
  });

  it('two proxies: the second entry from the right; fewer entries than proxies, or none, fall back to the socket', async () => {
    await listen({ trustProxy: 2 });
    await failLogin('two@example.com', 'forged, 203.0.113.9, 10.1.0.2');
    await failLogin('short@example.com', '203.0.113.10');
    await failLogin('none@example.com');
    expect(await failedLoginAddresses()).toEqual([
      ['none@example.com', '127.0.0.1'],
      ['short@example.com', '127.0.0.1'],
      ['two@example.com', '203.0.113.9'],
    ]);
  });

  it('without --trust-proxy the header is ignored', async () => {
    await listen({});
    await failLogin('plain@example.com', '203.0.113.11');
    expect(await failedLoginAddresses()).toEqual([['plain@example.com', '127.0.0.1']]);
  });
});
