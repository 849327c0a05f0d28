/**
 * Text of a message `content` in any of the shapes the wire protocols and the AI SDK use:
 * a string, or a list of parts of which the `text` ones count.
 */
export function textOfContent(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let text = '';
  for (const part of content) {
    if (typeof part === 'string') text += part;
    else if (part && typeof part === 'object' && typeof (part as { text?: unknown }).text === 'string') {
      text += (part as { text: string }).text;
    }
  }
  return text;
}

/** Text of the last `role: 'user'` message of a message list, or '' when there is none. */
export function lastUserText(messages: unknown): string {
  if (!Array.isArray(messages)) return '';
  for (let index = messages.length - 1; index >= 0; index--) {
    const message = messages[index] as { role?: unknown; content?: unknown } | null;
    if (message && message.role === 'user') return textOfContent(message.content);
  }
  return '';
}

/** Rough token estimate (chars / 4, rounded up), what the mock reports as usage. */
export function estimateTokens(characters: number): number {
  return Math.ceil(characters / 4);
}
