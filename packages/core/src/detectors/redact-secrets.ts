/** What a secret is replaced with. A key with a vendor prefix keeps it (`sk-…[redacted]`), so one can tell which key it was. */
export const redactionMarker = '[redacted]';

/** Shorter values are not replaced wherever they occur (a 4-letter key would blank common words); the patterns below still catch them as credentials. */
const minimumSecretLength = 8;

const vendorPrefix = /^[A-Za-z]{2,4}[-_]/;
// Every pattern is bounded or anchored on a literal, so a multi-megabyte error page stays linear.
const urlCredentials = /\b([a-z][a-z\d+.-]{0,30}:\/\/)[^\s/?#@"'<>]{1,512}@/gi;
const secretQueryNames = 'api[_-]?key|key|access[_-]?token|refresh[_-]?token|token|auth|secret|client[_-]?secret|password|passwd|sig|signature|x-amz-signature|x-goog-signature';
const secretQueryName = new RegExp(`^(?:${secretQueryNames})$`, 'i');
const querySecret = new RegExp(`([?&;](?:${secretQueryNames})=)[^&#\\s"'<>]+`, 'gi');
const authorizationCredential = /\b(Bearer|Basic)(\s{1,4})(?=[\w.~+/=-]{0,512}\d)[\w.~+/=-]{12,}/gi;
const credentialHeader =
  /\b((?:proxy-)?authorization|(?:x-)?api[_-]?key|x-goog-api-key|x-auth-token|cookie)(["']?\s{0,4}[:=]\s{0,4}["']?)(?!Bearer\b|Basic\b)[^\s"',;}[…]{8,}/gi;
const vendorKey = /\b(sk-)(?:ant-|proj-|svcacct-|admin-)?[\w-]{20,}/g;

/** How one secret appears once redacted. */
function markerFor(secret: string): string {
  const prefix = secret.length >= 20 ? vendorPrefix.exec(secret)?.[0] : undefined;
  return prefix ? `${prefix}…${redactionMarker}` : redactionMarker;
}

/**
 * `text` without the given secrets (exact values and their URL-encoded forms) and without
 * anything shaped like a credential: a URL's `user:password@`, `?key=` / `api_key=` / `token=`
 * style query values, `Bearer`/`Basic` credentials, the values of `Authorization`, `api-key`,
 * `x-api-key` and `Cookie` fields as a server might echo them, and `sk-…` keys. Idempotent: a
 * redacted text redacts to itself.
 *
 * @param secrets the keys and credentials in play (API keys, header values, URL passwords); values under 8 characters are only caught by the patterns
 * @example
 * redactSecrets('401: got header Authorization: Bearer sk-proj-Ab12Cd34Ef56Gh78Ij90', ['sk-proj-Ab12Cd34Ef56Gh78Ij90']);
 * // '401: got header Authorization: Bearer sk-…[redacted]'
 */
export function redactSecrets(text: string, secrets: Iterable<string> = []): string {
  if (text === '') return text;
  let result = text;
  const values = new Set<string>();
  for (const secret of secrets) {
    const value = secret.trim();
    if (value.length < minimumSecretLength) continue;
    values.add(value);
    const encoded = encodeURIComponent(value);
    if (encoded !== value) values.add(encoded);
  }
  // Longest first, so a secret that contains another is replaced whole.
  for (const value of [...values].sort((a, b) => b.length - a.length)) {
    if (result.includes(value)) result = result.split(value).join(markerFor(value));
  }
  return result
    .replace(urlCredentials, `$1${redactionMarker}@`)
    .replace(querySecret, `$1${redactionMarker}`)
    .replace(authorizationCredential, `$1$2${redactionMarker}`)
    .replace(credentialHeader, `$1$2${redactionMarker}`)
    .replace(vendorKey, `$1…${redactionMarker}`);
}

/** The secret parts of a URL: the user name and password, and the values of credential-like query parameters. */
export function urlSecrets(url: string | undefined): string[] {
  if (!url) return [];
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [];
  }
  const secrets: string[] = [];
  for (const part of [parsed.username, parsed.password]) if (part) secrets.push(part, safeDecode(part));
  for (const [name, value] of parsed.searchParams) if (value && secretQueryName.test(name)) secrets.push(value);
  return secrets;
}

const credentialHeaderName = /authorization|api[_-]?key|token|secret|password|cookie|signature|credential/i;

/**
 * The credentials among custom request headers: the values of `Authorization`, `api-key`,
 * `x-api-key` and other key-, token- or secret-named headers, and the credential after a
 * `Bearer`/`Basic` scheme on its own (a server may echo only that).
 */
export function headerSecrets(headers: Record<string, string | undefined> | undefined): string[] {
  const secrets: string[] = [];
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (!value || !credentialHeaderName.test(name)) continue;
    secrets.push(value);
    const credential = /^\s*(?:Bearer|Basic|Token)\s+(.+)$/i.exec(value)?.[1];
    if (credential) secrets.push(credential);
  }
  return secrets;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
