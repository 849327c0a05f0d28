import { distance } from 'fastest-levenshtein';
import {
  describeOutput,
  failed,
  parseJson,
  passed,
  quote,
  stringList,
  verdict,
  type AssertionSpec,
  type Invalid,
  type SyncCheck,
} from './outcome.ts';

function requireText(spec: AssertionSpec, invalid: Invalid): string {
  const { value } = spec;
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return invalid('value', `${spec.type} needs a non-empty string value`, `Add \`value: "text to look for"\` to the ${spec.type} assertion.`);
}

export function compileEquals(spec: AssertionSpec, invalid: Invalid): SyncCheck {
  const { value } = spec;
  if (value === undefined) {
    return invalid('value', 'equals needs a value', 'Add `value:` with the exact expected output (a string, or an object/array to compare as JSON).');
  }
  if (typeof value === 'object') {
    const expected = value;
    return ({ output }) => {
      const parsed = parseJson(output);
      if (!parsed.ok) return failed(`${describeOutput(output)} is not valid JSON, so it cannot equal the expected value`);
      return verdict(deepEqual(parsed.value, expected), 'Output JSON equals the expected value', `Output JSON ${quote(JSON.stringify(parsed.value))} differs from the expected value`);
    };
  }
  const expected = String(value);
  return ({ output }) => verdict(output === expected, `Output equals ${quote(expected)}`, `${describeOutput(output)} does not equal ${quote(expected)}`);
}

export function compileContains(spec: AssertionSpec, invalid: Invalid): SyncCheck {
  const needle = requireText(spec, invalid);
  if (spec.type === 'icontains') {
    const lower = needle.toLowerCase();
    return ({ output }) =>
      verdict(output.toLowerCase().includes(lower), `Output contains ${quote(needle)} (ignoring case)`, `Output does not contain ${quote(needle)} (ignoring case)`);
  }
  return ({ output }) => verdict(output.includes(needle), `Output contains ${quote(needle)}`, `Output does not contain ${quote(needle)}`);
}

/**
 * promptfoo's reading of a comma-separated `contains-any`/`contains-all` string: items are split
 * on commas, and an item in double quotes may hold commas (`"a, b", c` is `a, b` and `c`).
 */
export function splitCommaList(value: string): string[] {
  return (value.match(/(".*?"|[^,]+)(?=\s*,|\s*$)/g) ?? []).map((item) => item.trim().replace(/^"|"$/g, '')).filter((item) => item !== '');
}

export function compileContainsSet(spec: AssertionSpec, invalid: Invalid): SyncCheck {
  const items = typeof spec.value === 'string' ? splitCommaList(spec.value) : stringList(spec.value);
  if (!items || items.length === 0) {
    return invalid('value', `${spec.type} needs a list of strings`, 'Use `value: [first, second]` or a comma-separated string `value: "first, second"`.');
  }
  const ignoreCase = spec.type.startsWith('i');
  const needles = ignoreCase ? items.map((item) => item.toLowerCase()) : items;
  const all = spec.type.endsWith('-all');
  const suffix = ignoreCase ? ' (ignoring case)' : '';
  return ({ output }) => {
    const haystack = ignoreCase ? output.toLowerCase() : output;
    if (all) {
      const missing = items.filter((_, i) => !haystack.includes(needles[i]!));
      return missing.length === 0
        ? passed(`Output contains all ${items.length} strings${suffix}`)
        : failed(`Output is missing ${missing.map((item) => quote(item, 40)).join(', ')}${suffix}`);
    }
    const index = needles.findIndex((needle) => haystack.includes(needle));
    return index !== -1
      ? passed(`Output contains ${quote(items[index]!)}${suffix}`)
      : failed(`Output contains none of ${items.map((item) => quote(item, 40)).join(', ')}${suffix}`);
  };
}

export function compileStartsWith(spec: AssertionSpec, invalid: Invalid): SyncCheck {
  const prefix = requireText(spec, invalid);
  return ({ output }) => verdict(output.startsWith(prefix), `Output starts with ${quote(prefix)}`, `${describeOutput(output)} does not start with ${quote(prefix)}`);
}

export function compileRegex(spec: AssertionSpec, invalid: Invalid): SyncCheck {
  if (typeof spec.value !== 'string' || spec.value === '') {
    return invalid('value', 'regex needs a regular expression as value', 'Add `value: "^Answer: \\\\d+"`; for a case-insensitive part write `(?i:...)`.');
  }
  // As promptfoo, `value` is the pattern itself (`new RegExp(value)`): `/x/i` matches the text
  // "/x/i", slashes included. Flags go inline: `(?i:paris)`.
  let pattern: RegExp;
  try {
    pattern = new RegExp(spec.value);
  } catch (error) {
    return invalid('value', `regex value is not a valid regular expression: ${(error as Error).message}`, 'Check brackets and escapes; in YAML, prefer single quotes so backslashes stay as written.');
  }
  return ({ output }) => verdict(pattern.test(output), `Output matches ${pattern}`, `${describeOutput(output)} does not match ${pattern}`);
}

export function compileLevenshtein(spec: AssertionSpec, invalid: Invalid): SyncCheck {
  const reference = requireText(spec, invalid);
  const maxDistance = spec.threshold ?? 5;
  return ({ output }) => {
    const lengthGap = Math.abs(output.length - reference.length);
    // The distance is at least the length difference: skip the O(n·m) computation for hopeless cases.
    if (lengthGap > maxDistance) {
      return failed(`Levenshtein distance is at least ${lengthGap} (> ${maxDistance}) from ${quote(reference)}`);
    }
    const actual = distance(output, reference);
    return verdict(actual <= maxDistance, `Levenshtein distance ${actual} <= ${maxDistance}`, `Levenshtein distance ${actual} > ${maxDistance} from ${quote(reference)}`);
  };
}

/** `word-count`: exactly `value` words, or `value: { min, max }`. Words are runs of non-space characters. */
export function compileWordCount(spec: AssertionSpec, invalid: Invalid): SyncCheck {
  const hint = 'Use `value: 50` (exactly) or `value: { min: 10, max: 80 }`.';
  let min: number | undefined;
  let max: number | undefined;
  const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 0;
  if (isCount(spec.value)) min = max = spec.value;
  else if (typeof spec.value === 'object' && spec.value !== null && !Array.isArray(spec.value)) {
    for (const [key, limit] of Object.entries(spec.value)) {
      if (key !== 'min' && key !== 'max') return invalid(`value.${key}`, `word-count value has an unknown key "${key}"`, hint);
      if (!isCount(limit)) return invalid(`value.${key}`, `word-count value.${key} must be a whole number >= 0`, hint);
      if (key === 'min') min = limit;
      else max = limit;
    }
    if (min === undefined && max === undefined) return invalid('value', 'word-count needs min and/or max', hint);
    if (min !== undefined && max !== undefined && min > max) return invalid('value', `word-count min ${min} is above max ${max}`, hint);
  } else return invalid('value', 'word-count needs a number of words or { min, max }', hint);
  const wanted = min === max ? `exactly ${min}` : [min === undefined ? '' : `at least ${min}`, max === undefined ? '' : `at most ${max}`].filter(Boolean).join(' and ');
  return ({ output }) => {
    const trimmed = output.trim();
    const count = trimmed === '' ? 0 : trimmed.split(/\s+/).length;
    const ok = (min === undefined || count >= min) && (max === undefined || count <= max);
    return verdict(ok, `Output has ${count} words (${wanted})`, `Output has ${count} words, expected ${wanted}`);
  };
}

/** Structural equality of JSON values (key order does not matter). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    return a.length === other.length && a.every((item, i) => deepEqual(item, other[i]));
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = Object.keys(left);
  if (keys.length !== Object.keys(right).length) return false;
  return keys.every((key) => Object.hasOwn(right, key) && deepEqual(left[key], right[key]));
}
