import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keepAliveFetch } from './keep-alive-fetch.ts';

let server: Server;
let base: string;
const seen: { method?: string; headers: Record<string, unknown>; body: string }[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      seen.push({ method: request.method, headers: request.headers, body });
      if (request.url === '/empty') {
        response.writeHead(204).end();
      } else if (request.url === '/hang') {
        // never answers: the caller aborts
      } else {
        response.setHeader('set-cookie', ['a=1', 'b=2']);
        response.writeHead(429, { 'content-type': 'application/json', 'retry-after': '3' });
        response.end(JSON.stringify({ echoed: body }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => server.close());

describe('keepAliveFetch', () => {
  it('sends method, headers and body, and returns status, headers and body like fetch', async () => {
    const response = await keepAliveFetch(`${base}/x`, { method: 'POST', headers: { 'x-key': 'k', 'content-type': 'application/json' }, body: '{"a":1}' });
    expect(response.status).toBe(429);
    expect(response.ok).toBe(false);
    expect(response.headers.get('retry-after')).toBe('3');
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(await response.json()).toEqual({ echoed: '{"a":1}' });
    expect(seen.at(-1)).toMatchObject({ method: 'POST', body: '{"a":1}', headers: { 'x-key': 'k' } });
  });

  it('accepts Headers objects and handles bodiless statuses', async () => {
    const response = await keepAliveFetch(new URL(`${base}/empty`), { headers: new Headers({ 'x-a': 'b' }) });
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
    expect(seen.at(-1)!.headers['x-a']).toBe('b');
  });

  it('reports a refused connection the way fetch does (TypeError with the code in cause)', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const error = await keepAliveFetch(`http://127.0.0.1:${port}/`, { method: 'POST', body: '{}' }).catch((caught) => caught);
    expect(error).toBeInstanceOf(TypeError);
    expect(error.cause.code).toBe('ECONNREFUSED');
  });

  it('decompresses gzip responses', async () => {
    const { gzipSync } = await import('node:zlib');
    const gz = createServer((request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      response.end(gzipSync(JSON.stringify({ ok: true })));
    });
    await new Promise<void>((resolve) => gz.listen(0, '127.0.0.1', resolve));
    try {
      const response = await keepAliveFetch(`http://127.0.0.1:${(gz.address() as AddressInfo).port}/`);
      expect(response.headers.get('content-encoding')).toBeNull();
      expect(await response.json()).toEqual({ ok: true });
    } finally {
      gz.close();
    }
  });

  it('rejects with the abort reason when the signal aborts', async () => {
    const controller = new AbortController();
    const pending = keepAliveFetch(`${base}/hang`, { method: 'POST', body: '{}', signal: controller.signal });
    controller.abort(new DOMException('stop', 'AbortError'));
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });
});
