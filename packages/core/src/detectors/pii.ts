/** Kinds of personal data `detectPii` looks for. */
export const piiKinds = ['email', 'phone', 'credit-card', 'ssn', 'iban', 'ipv4'] as const;

export type PiiKind = (typeof piiKinds)[number];

export interface PiiMatch {
  kind: PiiKind;
  match: string;
  /** Offset of the match in the text. */
  index: number;
}

// Every pattern is bounded (no unbounded quantifier after a variable-length prefix), so a scan
// of a multi-megabyte model output stays linear. Emails are found from each `@` instead of by
// regex for the same reason: `[\w.]+@` is quadratic on a long run of word characters.
const creditCardPattern = /(?<![\d-])(?:\d[ -]?){12,18}\d(?![\d-])/g;
const ssnPattern = /(?<![\d-])(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?![\d-])/g;
const ibanPattern = /(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?(?![A-Za-z0-9])/g;
const ipv4Pattern =
  /(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?!\.?\d)/g;
const phonePattern =
  /(?<![\w+])(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?)?\d{2,4}(?:[ .-]?\d{2,4}){1,4}(?![\w])/g;

const localPartChar = /[A-Za-z0-9._%+-]/;
const domainChar = /[A-Za-z0-9.-]/;

// Higher-priority kinds claim their span first, so a card number is not also reported as a phone.
const detectionOrder: readonly PiiKind[] = ['email', 'iban', 'credit-card', 'ssn', 'ipv4', 'phone'];

/**
 * Finds personal data in `text`: email addresses, phone numbers (formatted, 10-15 digits),
 * credit card numbers (Luhn-checked), US social security numbers (`123-45-6789`), IBANs
 * (mod-97 checked) and IPv4 addresses. `kinds` limits which kinds are reported.
 *
 * @example
 * detectPii('Mail jane@example.com or call +1 415 555 0100');
 * // [{ kind: 'email', match: 'jane@example.com', index: 5 }, { kind: 'phone', match: '+1 415 555 0100', index: 30 }]
 */
export function detectPii(text: string, kinds: readonly PiiKind[] = piiKinds): PiiMatch[] {
  if (text === '' || kinds.length === 0) return [];
  const wanted = new Set(kinds);
  const claimed: Array<[number, number]> = [];
  const found: PiiMatch[] = [];
  for (const kind of detectionOrder) {
    // A kind that is not wanted still claims its spans when a lower-priority kind is wanted
    // (a card number must not come back as a phone number).
    if (!wanted.has(kind) && !(kind !== 'phone' && wanted.has('phone'))) continue;
    for (const candidate of findKind(kind, text)) {
      const end = candidate.index + candidate.match.length;
      if (claimed.some(([start, stop]) => candidate.index < stop && end > start)) continue;
      claimed.push([candidate.index, end]);
      if (wanted.has(kind)) found.push(candidate);
    }
  }
  return found.sort((a, b) => a.index - b.index);
}

function findKind(kind: PiiKind, text: string): PiiMatch[] {
  switch (kind) {
    case 'email':
      return findEmails(text);
    case 'credit-card':
      return collect(kind, text, creditCardPattern, (match) => {
        const digits = match.replace(/[ -]/g, '');
        return /^[2-6]/.test(digits) && luhn(digits);
      });
    case 'ssn':
      return collect(kind, text, ssnPattern);
    case 'iban':
      return collect(kind, text, ibanPattern, (match) => ibanChecksum(match.replace(/ /g, '')));
    case 'ipv4':
      return collect(kind, text, ipv4Pattern);
    case 'phone':
      return collect(kind, text, phonePattern, (match) => {
        const digitCount = match.replace(/\D/g, '').length;
        // Bare digit runs are order numbers and timestamps as often as phone numbers.
        return digitCount >= 10 && digitCount <= 15 && /[+( .-]/.test(match);
      });
  }
}

function collect(kind: PiiKind, text: string, pattern: RegExp, accept?: (match: string) => boolean): PiiMatch[] {
  const found: PiiMatch[] = [];
  for (const m of text.matchAll(pattern)) {
    if (!accept || accept(m[0])) found.push({ kind, match: m[0], index: m.index });
  }
  return found;
}

function findEmails(text: string): PiiMatch[] {
  const found: PiiMatch[] = [];
  let at = text.indexOf('@');
  let searchedTo = 0;
  while (at !== -1) {
    let start = at;
    while (start > searchedTo && at - start < 64 && localPartChar.test(text[start - 1]!)) start--;
    let end = at + 1;
    while (end < text.length && end - at <= 253 && domainChar.test(text[end]!)) end++;
    const domain = text.slice(at + 1, end).replace(/[.-]+$/, '');
    if (start < at && /^[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$/.test(domain)) {
      const local = text.slice(start, at).replace(/^[.]+/, '');
      const matchStart = at - local.length;
      const match = text.slice(matchStart, at + 1 + domain.length);
      found.push({ kind: 'email', match, index: matchStart });
      searchedTo = at + 1 + domain.length;
    }
    at = text.indexOf('@', at + 1);
  }
  return found;
}

function luhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let digit = digits.charCodeAt(i) - 48;
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double = !double;
  }
  return sum % 10 === 0;
}

function ibanChecksum(iban: string): boolean {
  if (iban.length < 15 || iban.length > 34) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const char of rearranged) {
    const code = char.charCodeAt(0);
    const value = code >= 65 ? String(code - 55) : char;
    for (const digit of value) remainder = (remainder * 10 + (digit.charCodeAt(0) - 48)) % 97;
  }
  return remainder === 1;
}
