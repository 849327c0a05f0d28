import type { ReactNode } from 'react';

/** The centred card the login and setup pages sit in. */
export function AuthFrame({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="auth-page">
      <div className="auth-card">
        <div className="auth-brand">
          <img src="/favicon.svg" alt="" width={28} height={28} />
          <span>Assay</span>
        </div>
        <h1>{title}</h1>
        {children}
      </div>
    </div>
  );
}
