import { describe, expect, it } from 'vitest';
import { headerSecrets, redactSecrets, urlSecrets } from './redact-secrets.ts';

const openaiKey = 'sk-proj-Ab12Cd34Ef56Gh78Ij90Kl12';
const plainKey = 'f3a9c1d2e4b5a6c7d8e9';

describe('redactSecrets', () => {
  it('replaces every configured secret, keeping a vendor prefix', () => {
    const text = `HTTP 500: upstream said {"headers":{"authorization":"Bearer ${openaiKey}","x-key":"${plainKey}"}} (key ${openaiKey})`;
    expect(redactSecrets(text, [openaiKey, plainKey])).toBe(
      'HTTP 500: upstream said {"headers":{"authorization":"Bearer sk-…[redacted]","x-key":"[redacted]"}} (key sk-…[redacted])',
    );
  });

  it('replaces a secret URL-encoded, and the longer of two overlapping secrets whole', () => {
    const secret = 'p@ss/word+123456';
    expect(redactSecrets(`at https://h.example/?pw=${encodeURIComponent(secret)}`, [secret])).toBe('at https://h.example/?pw=[redacted]');
    expect(redactSecrets('token abcdefgh12345678', ['abcdefgh', 'abcdefgh12345678'])).toBe('token [redacted]');
  });

  it('leaves short configured values to the patterns, so a 4-letter key does not blank words', () => {
    expect(redactSecrets('test failed: bad request', ['test'])).toBe('test failed: bad request');
  });

  it.each([
    ['https://alice:s3cret@gateway.example/v1 refused', 'https://[redacted]@gateway.example/v1 refused'],
    ['GET https://api.example/v1/models?key=AIzaSyA1b2C3d4&alt=json', 'GET https://api.example/v1/models?key=[redacted]&alt=json'],
    ['url: /v1/chat?api_key=abc123&access_token=xyz789', 'url: /v1/chat?api_key=[redacted]&access_token=[redacted]'],
    ['echo: authorization: Bearer eyJhbGciOi.J9abc123def', 'echo: authorization: Bearer [redacted]'],
    ['got Basic YWxhZGRpbjpvcGVuc2VzYW1l', 'got Basic [redacted]'],
    ['{"x-api-key": "ant-key-0123456789"}', '{"x-api-key": "[redacted]"}'],
    ["headers {'api-key': 'azure0123456789'}", "headers {'api-key': '[redacted]'}"],
    ['invalid key sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123', 'invalid key sk-…[redacted]'],
  ])('redacts credential-shaped text without being told: %s', (text, expected) => {
    expect(redactSecrets(text)).toBe(expected);
  });

  it('leaves ordinary error text alone', () => {
    for (const text of [
      'Basic authentication failed for model gpt-4o-mini',
      'Bearer token expired',
      'Rate limit reached for requests: limit 500, used 500 (see https://platform.openai.com/account/rate-limits)',
      'This model\'s maximum context length is 8192 tokens; task-specific-fine-tune not found',
    ]) {
      expect(redactSecrets(text)).toBe(text);
    }
  });

  it('is idempotent', () => {
    const once = redactSecrets(`https://u:pw123456@h/?key=k1 Bearer ${openaiKey} x-api-key: ${plainKey}`, [openaiKey, plainKey]);
    expect(redactSecrets(once, [openaiKey, plainKey])).toBe(once);
    expect(once).not.toMatch(/pw123456|k1\b|Ab12|f3a9/);
  });

  it('stays fast on a large error page', () => {
    const page = `${'a'.repeat(500_000)} Bearer ${'b'.repeat(200_000)} https://${'c'.repeat(200_000)}`;
    const started = performance.now();
    redactSecrets(page, [openaiKey]);
    expect(performance.now() - started).toBeLessThan(500);
  });
});

describe('urlSecrets and headerSecrets', () => {
  it('takes the user, password and credential query values of a URL', () => {
    expect(urlSecrets('https://alice:p%40ss@gw.example/v1?key=k-123&region=eu')).toEqual(['alice', 'alice', 'p%40ss', 'p@ss', 'k-123']);
    expect(urlSecrets('http://127.0.0.1:11434/v1')).toEqual([]);
    expect(urlSecrets('not a url')).toEqual([]);
    expect(urlSecrets(undefined)).toEqual([]);
  });

  it('takes credential headers, and the credential after an auth scheme on its own', () => {
    expect(headerSecrets({ Authorization: `Bearer ${openaiKey}`, 'api-key': plainKey, 'X-Title': 'Assay', 'anthropic-beta': 'tools-2024' })).toEqual([
      `Bearer ${openaiKey}`,
      openaiKey,
      plainKey,
    ]);
    expect(headerSecrets(undefined)).toEqual([]);
  });
});
