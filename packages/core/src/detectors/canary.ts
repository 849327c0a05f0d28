/**
 * Canary strings from `canaries` that occur in `text` (case-insensitive; models sometimes
 * change the case of what they repeat). Empty canaries are ignored.
 *
 * @example
 * findCanaries('The secret is ZEBRA-42', ['zebra-42', 'OTTER-7']); // ['zebra-42']
 */
export function findCanaries(text: string, canaries: readonly string[]): string[] {
  if (canaries.length === 0 || text === '') return [];
  const haystack = text.toLowerCase();
  const found: string[] = [];
  for (const canary of canaries) {
    if (canary !== '' && haystack.includes(canary.toLowerCase())) found.push(canary);
  }
  return found;
}
