import { ConfigError } from '@assay/spec';

/** `key=value` → [key, value]; the value may itself hold `=`. */
export function splitPair(text: string, flag: string): [string, string] {
  const at = text.indexOf('=');
  if (at <= 0) throw new ConfigError(`${flag} must be key=value, got "${text}"`, { hint: `e.g. ${flag} topic=billing`, docs: 'promptfoo.md' });
  return [text.slice(0, at), text.slice(at + 1)];
}
