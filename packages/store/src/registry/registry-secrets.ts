import { createHash, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Secrets of the registry: API keys, session and setup tokens (random, stored as SHA-256) and
 * passwords (salted scrypt). High-entropy tokens need no salt or slow hash: nobody can guess
 * 256 random bits, so a fast hash only has to make the stored value useless to a reader of the
 * database.
 */

/** API keys start with this, so secret scanners (and people) can recognise a leaked one. */
export const apiKeyPrefix = 'assay_';
/** Characters of a key kept for display: `assay_` and 8 of the random part. */
const displayPrefixLength = apiKeyPrefix.length + 8;

/** 32 random bytes, base64url (43 characters). */
export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

/** A new API key: the secret (shown once), its hash (stored) and display prefix. */
export function newApiKeySecret(): { secret: string; hash: string; prefix: string } {
  const secret = apiKeyPrefix + randomToken();
  return { secret, hash: sha256(secret), prefix: secret.slice(0, displayPrefixLength) };
}

export function sha256(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

// --- passwords ----------------------------------------------------------------------------------

/**
 * scrypt with N = 2^15, r = 8, p = 1 (32 MiB, ~0.1 s on a small server core): above libsodium's
 * "interactive" level. The parameters are part of every stored hash, so they can be raised
 * later without invalidating existing passwords.
 */
export const defaultScryptLogN = 15;
const blockSize = 8;
const parallelization = 1;
const keyLength = 32;
const saltLength = 16;

/** `$scrypt$ln=15,r=8,p=1$<salt base64>$<hash base64>`, the PHC string format. */
export async function hashPassword(password: string, logN: number = defaultScryptLogN): Promise<string> {
  const salt = randomBytes(saltLength);
  const hash = await derive(password, salt, { N: 2 ** logN, r: blockSize, p: parallelization }, keyLength);
  return `$scrypt$ln=${logN},r=${blockSize},p=${parallelization}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

/** Compares in constant time; false (never an exception) for a malformed stored hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const match = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(stored);
  if (!match) return false;
  const [, logN, r, p, salt, hash] = match;
  const expected = Buffer.from(hash!, 'base64');
  if (expected.length === 0 || Number(logN) < 1 || Number(logN) > 20) return false;
  try {
    const actual = await derive(password, Buffer.from(salt!, 'base64'), { N: 2 ** Number(logN), r: Number(r), p: Number(p) }, expected.length);
    return timingSafeEqual(actual, expected);
  } catch {
    return false; // parameters scrypt refuses (e.g. r = 0)
  }
}

function derive(password: string, salt: Buffer, options: ScryptOptions & { N: number; r: number; p: number }, length: number): Promise<Buffer> {
  // Node refuses more than 32 MiB by default; scrypt needs 128 * N * r bytes (plus a little).
  const maxmem = 128 * options.N * options.r * options.p + 16 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, length, { ...options, maxmem }, (error, key) => (error ? reject(error) : resolve(key)));
  });
}
