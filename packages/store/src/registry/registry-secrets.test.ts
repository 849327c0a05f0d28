import { describe, expect, it } from 'vitest';
import { hashPassword, newApiKeySecret, randomToken, sha256, verifyPassword } from './registry-secrets.ts';

describe('passwords', () => {
  it('verifies the password it hashed and nothing else', async () => {
    const stored = await hashPassword('correct horse battery', 10);
    expect(stored).toMatch(/^\$scrypt\$ln=10,r=8,p=1\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
    expect(await verifyPassword('correct horse battery', stored)).toBe(true);
    expect(await verifyPassword('correct horse batterY', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  it('salts every hash', async () => {
    const [one, two] = await Promise.all([hashPassword('same', 10), hashPassword('same', 10)]);
    expect(one).not.toBe(two);
    expect(await verifyPassword('same', two)).toBe(true);
  });

  it('uses N = 2^15 by default and reads the cost from the stored hash', async () => {
    const stored = await hashPassword('pw');
    expect(stored.startsWith('$scrypt$ln=15,r=8,p=1$')).toBe(true);
    expect(await verifyPassword('pw', stored)).toBe(true);
  });

  it('treats Unicode-equivalent spellings as the same password', async () => {
    const stored = await hashPassword('caf\u00e9', 10);
    expect(await verifyPassword('cafe\u0301', stored)).toBe(true);
  });

  it('answers false, never throws, for a malformed stored hash', async () => {
    for (const stored of ['', 'plain', '$scrypt$ln=10,r=8,p=1$$', '$bcrypt$whatever', '$scrypt$ln=10,r=8,p=1$c2FsdA==$', '$scrypt$ln=64,r=8,p=1$c2FsdA==$aGFzaA==', '$scrypt$ln=10,r=0,p=1$c2FsdA==$aGFzaA==']) {
      expect(await verifyPassword('pw', stored)).toBe(false);
    }
  });
});

describe('tokens and keys', () => {
  it('makes 256-bit URL-safe tokens', () => {
    const token = randomToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(randomToken()).not.toBe(token);
  });

  it('makes API keys with a recognisable prefix, storing only their hash', () => {
    const { secret, hash, prefix } = newApiKeySecret();
    expect(secret).toMatch(/^assay_[A-Za-z0-9_-]{43}$/);
    expect(prefix).toBe(secret.slice(0, 14));
    expect(hash).toBe(sha256(secret));
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
  });
});
