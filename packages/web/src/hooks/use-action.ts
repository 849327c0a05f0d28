import { useCallback, useState } from 'react';

export interface Action<A extends unknown[]> {
  run: (...args: A) => Promise<boolean>;
  pending: boolean;
  error: unknown;
  clearError: () => void;
}

/**
 * Wraps a change (a POST, PUT or DELETE): tracks whether it is in flight and keeps its error for
 * the banner. `run` resolves to true when it succeeded.
 */
export function useAction<A extends unknown[]>(perform: (...args: A) => Promise<unknown>): Action<A> {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = useCallback(
    async (...args: A) => {
      setPending(true);
      setError(null);
      try {
        await perform(...args);
        return true;
      } catch (reason) {
        setError(reason);
        return false;
      } finally {
        setPending(false);
      }
    },
    [perform],
  );
  const clearError = useCallback(() => setError(null), []);
  return { run, pending, error, clearError };
}
