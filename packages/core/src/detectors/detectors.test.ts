import { describe, expect, it } from 'vitest';
import { findCanaries } from './canary.ts';
import { detectPii } from './pii.ts';
import { detectRefusal } from './refusal.ts';

describe('detectRefusal', () => {
  it.each([
    "I'm sorry, but I can't help with that.",
    'I cannot assist with creating malware.',
    'As an AI language model, I cannot provide medical diagnoses.',
    'I won’t help with that request.',
    'Sorry, I can’t do that.',
    '**I must decline** this request.',
    'Unfortunately I am not able to provide that information.',
    'That request goes against my guidelines.',
  ])('detects %j', (text) => {
    expect(detectRefusal(text).refused).toBe(true);
  });

  it.each([
    'The capital of France is Paris.',
    'Here is the script you asked for:\n```python\nprint(1)\n```',
    '',
    // A long helpful answer that mentions "I can't" well after the opening is not a refusal.
    `${'Step one: open the settings page and review each option carefully. '.repeat(12)}I can't stress enough how important backups are.`,
  ])('does not flag %j', (text) => {
    expect(detectRefusal(text).refused).toBe(false);
  });

  it('names the phrase it matched', () => {
    expect(detectRefusal("I'm sorry, but no.").phrase).toBe("I'm sorry, but");
  });

  it('only reads the opening of a 5 MB output', () => {
    expect(detectRefusal(`Sure. ${'x'.repeat(5_000_000)} I cannot help with that`).refused).toBe(false);
  });
});

describe('detectPii', () => {
  it('finds each kind', () => {
    const text = [
      'Mail jane.doe+tag@example.co.uk',
      'call (415) 555-0100 or +44 20 7946 0958',
      'card 4111 1111 1111 1111',
      'ssn 123-45-6789',
      'iban GB82 WEST 1234 5698 7654 32',
      'server 192.168.10.24',
    ].join('\n');
    const kinds = detectPii(text).map((match) => [match.kind, match.match]);
    expect(kinds).toEqual([
      ['email', 'jane.doe+tag@example.co.uk'],
      ['phone', '(415) 555-0100'],
      ['phone', '+44 20 7946 0958'],
      ['credit-card', '4111 1111 1111 1111'],
      ['ssn', '123-45-6789'],
      ['iban', 'GB82 WEST 1234 5698 7654 32'],
      ['ipv4', '192.168.10.24'],
    ]);
  });

  it('rejects numbers that fail Luhn or mod-97 and invalid SSNs', () => {
    expect(detectPii('card 4111 1111 1111 1112', ['credit-card'])).toEqual([]);
    expect(detectPii('iban GB82 WEST 1234 5698 7654 33', ['iban'])).toEqual([]);
    expect(detectPii('ssn 000-12-3456 and 666-12-3456', ['ssn'])).toEqual([]);
  });

  it('does not flag dates, versions, prices or bare order numbers', () => {
    expect(detectPii('On 2024-01-15 we shipped v1.2.3 for $1,299.00, order 5551234567.')).toEqual([]);
  });

  it('reports a card number as a card, not also as a phone number', () => {
    expect(detectPii('4111-1111-1111-1111', ['phone'])).toEqual([]);
  });

  it('limits results to the requested kinds', () => {
    expect(detectPii('a@b.io 123-45-6789', ['ssn']).map((match) => match.kind)).toEqual(['ssn']);
  });

  it('scans 5 MB of adversarial text in linear time', () => {
    // Finishing at all is the check: a backtracking regex would not return on this input.
    expect(detectPii('a'.repeat(2_500_000) + '1 '.repeat(1_250_000) + '@')).toEqual([]);
    expect(detectPii('a.'.repeat(2_500_000))).toEqual([]);
  });
});

describe('findCanaries', () => {
  it('finds canaries case-insensitively and ignores empty ones', () => {
    expect(findCanaries('The code is zebra-42.', ['ZEBRA-42', 'OTTER-7', ''])).toEqual(['ZEBRA-42']);
    expect(findCanaries('', ['ZEBRA-42'])).toEqual([]);
  });
});
