import type { ReactNode } from 'react';

/** Shown while the first answer of a page is on its way. */
export function Loading({ what = 'Loading' }: { what?: string }) {
  return (
    <div className="loading" role="status" aria-live="polite" data-testid="loading">
      <span className="spinner" aria-hidden="true" /> {what}…
    </div>
  );
}

/** A table or list with nothing in it. */
export function Empty({ children, testId = 'empty' }: { children: ReactNode; testId?: string }) {
  return (
    <div className="empty" data-testid={testId}>
      {children}
    </div>
  );
}
