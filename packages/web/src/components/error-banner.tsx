import type { ReactNode } from 'react';
import { ApiError } from '../api.ts';

/** Describes any error the way the user should read it: a problem's title and detail. */
export function describeError(error: unknown): { title: string; detail?: string; hint?: string; docs?: string; fields?: { path: string; message: string }[] } {
  if (ApiError.isInstance(error)) {
    const { title, detail, hint, fields, type } = error.problem;
    // The server's problem types link to the section of its own docs that explains them.
    const docs = typeof type === 'string' && type.startsWith('/docs/') ? type : undefined;
    return { title, detail, hint: typeof hint === 'string' ? hint : undefined, docs, fields };
  }
  if (error instanceof Error) return { title: 'Something went wrong', detail: error.message };
  return { title: 'Something went wrong', detail: String(error) };
}

interface ErrorBannerProps {
  error: unknown;
  onDismiss?: () => void;
  /** Extra actions under the message (e.g. "Request approval"). */
  children?: ReactNode;
}

/** A visible, announced error (role="alert"); renders nothing without an error. */
export function ErrorBanner({ error, onDismiss, children }: ErrorBannerProps) {
  if (error === null || error === undefined) return null;
  const { title, detail, hint, docs, fields } = describeError(error);
  return (
    <div className="banner banner-error" role="alert" data-testid="error-banner">
      <div className="banner-body">
        <strong className="banner-title">{title}</strong>
        {detail && <span className="banner-detail">{detail}</span>}
        {(hint || docs) && (
          <span className="banner-hint">
            {hint}
            {docs && (
              <>
                {hint ? ' ' : ''}
                <a href={docs} target="_blank" rel="noreferrer">
                  Docs
                </a>
              </>
            )}
          </span>
        )}
        {fields && fields.length > 0 && (
          <ul className="banner-fields">
            {fields.map((field) => (
              <li key={`${field.path}:${field.message}`}>
                <code>{field.path || '(body)'}</code> {field.message}
              </li>
            ))}
          </ul>
        )}
        {children && <div className="banner-actions">{children}</div>}
      </div>
      {onDismiss && (
        <button type="button" className="banner-close" aria-label="Dismiss" onClick={onDismiss}>
          ×
        </button>
      )}
    </div>
  );
}

/** A success or information message. */
export function Notice({ children, onDismiss, testId = 'notice' }: { children: ReactNode; onDismiss?: () => void; testId?: string }) {
  return (
    <div className="banner banner-info" role="status" data-testid={testId}>
      <div className="banner-body">
        <div>{children}</div>
      </div>
      {onDismiss && (
        <button type="button" className="banner-close" aria-label="Dismiss" onClick={onDismiss}>
          ×
        </button>
      )}
    </div>
  );
}
