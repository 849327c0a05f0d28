import { useCallback, useEffect, useState } from 'react';

export interface Resource<T> {
  /** The last value loaded; kept while a reload or the next page is on its way. */
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
  /** Replaces the value after a change the server answered with (no refetch). */
  setData: (data: T) => void;
}

/**
 * Loads `load` when `dependencies` change (or `reload` is called) and aborts the previous request,
 * so a slow answer for old filters never overwrites a newer one. `enabled: false` skips loading.
 */
export function useResource<T>(load: (signal: AbortSignal) => Promise<T>, dependencies: readonly unknown[], enabled = true): Resource<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(enabled);
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    if (!enabled) {
      setLoading(false);
      return;
    }
    const controller = new AbortController();
    setLoading(true);
    setError(null);
    load(controller.signal).then(
      (value) => {
        if (controller.signal.aborted) return;
        setData(value);
        setLoading(false);
      },
      (reason: unknown) => {
        if (controller.signal.aborted) return;
        setError(reason);
        setLoading(false);
      },
    );
    return () => controller.abort();
    // `load` is a new closure on every render; what it reads is listed in `dependencies`.
  }, [...dependencies, enabled, generation]);

  const reload = useCallback(() => setGeneration((value) => value + 1), []);
  return { data, error, loading, reload, setData };
}
