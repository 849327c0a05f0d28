import { useCallback } from 'react';
import { useLocation, useSearch } from 'wouter';

/**
 * The query string as URLSearchParams, and a setter that keeps the path. Read from
 * `window.location` rather than wouter's `useSearch()`, which applies `decodeURI` first and so
 * turns `%2525` into `%25` before URLSearchParams decodes again (a prompt name inside `?next=`).
 */
export function useQueryParams(): [URLSearchParams, (change: (params: URLSearchParams) => void, options?: { replace?: boolean }) => void] {
  useSearch(); // re-render when the query changes
  const [, navigate] = useLocation();
  const params = new URLSearchParams(window.location.search);
  const update = useCallback(
    (change: (params: URLSearchParams) => void, options: { replace?: boolean } = {}) => {
      const next = new URLSearchParams(window.location.search);
      change(next);
      const text = next.toString();
      navigate(`${window.location.pathname}${text ? `?${text}` : ''}`, options);
    },
    [navigate],
  );
  return [params, update];
}
