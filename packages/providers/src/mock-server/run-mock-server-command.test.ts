import { describe, expect, it } from 'vitest';
import { parseLatency, runMockServerCommand } from './run-mock-server-command.ts';

describe('runMockServerCommand', () => {
  it('starts the server from string flags and prints where it listens', async () => {
    const lines: string[] = [];
    const server = await runMockServerCommand({ port: '0', rate429: '1', retryAfter: '2', seed: '5', print: (line) => lines.push(line) });
    try {
      expect(lines).toEqual([`Mock server listening on http://127.0.0.1:${server.port} (OpenAI: /v1/chat/completions, Anthropic: /v1/messages)`]);
      const response = await fetch(`${server.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }) });
      expect(response.status).toBe(429);
      expect(response.headers.get('retry-after')).toBe('2');
    } finally {
      await server.close();
    }
  });

  it('rejects bad flags with a ConfigError instead of exiting', async () => {
    await expect(runMockServerCommand({ rate5xx: '1.5', print: () => {} })).rejects.toMatchObject({ name: 'ConfigError', field: '--rate-5xx' });
    await expect(runMockServerCommand({ mode: 'replay', print: () => {} })).rejects.toMatchObject({ field: '--mode' });
    await expect(runMockServerCommand({ rate429: '0.6', rate5xx: '0.6', print: () => {} })).rejects.toMatchObject({ name: 'ConfigError' });
    await expect(runMockServerCommand({ mode: 'cassette', print: () => {} })).rejects.toMatchObject({ name: 'ConfigError' });
  });
});

describe('parseLatency', () => {
  it('reads fixed, range and percentile forms', () => {
    expect(parseLatency(undefined)).toBeUndefined();
    expect(parseLatency('200')).toBe(200);
    expect(parseLatency('50-400')).toEqual({ min: 50, max: 400 });
    expect(parseLatency('p50=200,p99=2000')).toEqual({ p50: 200, p99: 2000 });
    expect(() => parseLatency('fast')).toThrow(/--latency/);
    expect(() => parseLatency('400-50')).toThrow(/--latency/);
  });
});
