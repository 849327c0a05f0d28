// Limits that keep a multi-megabyte output full of unbalanced `{` cheap to search.
const maxCandidates = 50;
const extraScanChars = 1_000_000;

/**
 * Finds JSON objects and arrays embedded in text (in ```json fences or in prose) and returns the
 * first one `accept` takes, or `undefined`. Balanced brackets are found with a string-aware scan,
 * then parsed with JSON.parse.
 */
export function findEmbeddedJson(
  text: string,
  accept: (value: unknown) => boolean = () => true,
): { value: unknown; found: number } | { value: undefined; found: number } {
  let found = 0;
  let attempts = 0;
  let from = 0;
  const budget = { chars: 2 * text.length + extraScanChars };
  while (attempts < maxCandidates && budget.chars > 0) {
    const start = nextOpening(text, from);
    if (start === -1) break;
    attempts++;
    const end = matchingClose(text, start, budget);
    if (end === -1) {
      from = start + 1;
      continue;
    }
    let value: unknown;
    let parsed = false;
    try {
      value = JSON.parse(text.slice(start, end + 1));
      parsed = true;
    } catch {
      // Not JSON (e.g. `{placeholder}` in prose); an object may still start inside it.
    }
    if (parsed) {
      found++;
      if (accept(value)) return { value, found };
      from = end + 1;
    } else {
      from = start + 1;
    }
  }
  return { value: undefined, found };
}

function nextOpening(text: string, from: number): number {
  const brace = text.indexOf('{', from);
  const bracket = text.indexOf('[', from);
  if (brace === -1) return bracket;
  if (bracket === -1) return brace;
  return Math.min(brace, bracket);
}

function matchingClose(text: string, start: number, budget: { chars: number }): number {
  const stack: string[] = [];
  let inString = false;
  const stop = Math.min(text.length, start + budget.chars);
  let i = start;
  let close = -1;
  for (; i < stop; i++) {
    const char = text[i];
    if (inString) {
      if (char === '\\') i++;
      else if (char === '"') inString = false;
      continue;
    }
    if (char === '"') inString = true;
    else if (char === '{') stack.push('}');
    else if (char === '[') stack.push(']');
    else if (char === '}' || char === ']') {
      if (stack.pop() !== char) break;
      if (stack.length === 0) {
        close = i;
        break;
      }
    }
  }
  budget.chars -= i - start + 1;
  return close;
}
