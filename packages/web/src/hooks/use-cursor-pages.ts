import { useCallback, useState } from 'react';

export interface CursorPages {
  /** The cursor of the page on screen (undefined: the first page). */
  cursor: string | undefined;
  /** 1-based. */
  page: number;
  hasPrevious: boolean;
  next: (nextCursor: string) => void;
  previous: () => void;
}

/**
 * Walks a cursor-paginated list. The server only knows "next"; the cursors already visited are
 * kept so "Previous" works too. Give it a `resetKey` (the filters) to go back to the first page.
 */
export function useCursorPages(resetKey: string): CursorPages {
  const [state, setState] = useState<{ key: string; stack: string[] }>({ key: resetKey, stack: [] });
  const stack = state.key === resetKey ? state.stack : [];
  if (state.key !== resetKey) setState({ key: resetKey, stack: [] });
  const next = useCallback((nextCursor: string) => setState((current) => ({ key: current.key, stack: [...current.stack, nextCursor] })), []);
  const previous = useCallback(() => setState((current) => ({ key: current.key, stack: current.stack.slice(0, -1) })), []);
  return { cursor: stack.at(-1), page: stack.length + 1, hasPrevious: stack.length > 0, next, previous };
}
