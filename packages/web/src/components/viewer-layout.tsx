import type { ReactNode } from 'react';
import { Link, useLocation } from 'wouter';
import { runsHref } from '../pages/paths.ts';
import type { ViewerInfo } from '../session.tsx';
import { ErrorBoundary } from './error-boundary.tsx';

/**
 * The frame of `assay view`: the runs of one folder, read-only. No project switcher, no user, no
 * logout, and Runs the only section (a run's cases and comparisons open from there).
 */
export function ViewerLayout({ projectId, viewer, children }: { projectId: string; viewer: ViewerInfo; children: ReactNode }) {
  const [location] = useLocation();
  const href = runsHref(projectId);
  return (
    <div className="app">
      <header className="app-header" data-testid="app-header">
        <Link href={href} className="brand" aria-label="Assay runs">
          <img src="/favicon.svg" alt="" width={22} height={22} />
          <span>Assay</span>
        </Link>
        <span className="user-name" data-testid="viewer-source" title="Where these runs are stored">
          {viewer.source}
        </span>
        <div className="header-spacer" />
        <span className="role-chip" data-testid="viewer-badge" title="assay view shows this folder's runs; nothing here changes them">
          read-only viewer
        </span>
      </header>
      <nav className="side-nav" aria-label="Sections">
        <ul>
          <li>
            <Link href={href} className="nav-link active" aria-current="page" data-testid="nav-runs">
              Runs
            </Link>
          </li>
        </ul>
      </nav>
      <main className="content">
        <ErrorBoundary resetKey={location}>{children}</ErrorBoundary>
      </main>
    </div>
  );
}
