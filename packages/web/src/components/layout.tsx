import type { ReactNode } from 'react';
import { Link, useLocation } from 'wouter';
import { listProjects, logout } from '../api.ts';
import { useResource } from '../hooks/use-resource.ts';
import { useSession } from '../session.tsx';
import { ErrorBanner } from './error-banner.tsx';
import { ErrorBoundary } from './error-boundary.tsx';
import { SelectField } from './select-field.tsx';
import { roleAtLeast, type Role } from '../types.ts';

const sections: readonly { path: string; label: string; testId: string; minimumRole: Role }[] = [
  { path: 'prompts', label: 'Prompts', testId: 'nav-prompts', minimumRole: 'viewer' },
  { path: 'runs', label: 'Runs', testId: 'nav-runs', minimumRole: 'viewer' },
  // The server answers 403 to anyone else; no link to a page that cannot open.
  { path: 'audit', label: 'Audit log', testId: 'nav-audit', minimumRole: 'admin' },
  { path: 'settings', label: 'Settings', testId: 'nav-settings', minimumRole: 'viewer' },
];

/** The frame of every project page: header (project switcher, user, logout) and the left nav. */
export function ProjectLayout({ projectId, children }: { projectId: string; children: ReactNode }) {
  const [location, navigate] = useLocation();
  const { session, signOut } = useSession();
  const projects = useResource((signal) => listProjects(signal), []);
  const items = projects.data?.items ?? session?.projects ?? [];
  const current = items.find((access) => access.project.id === projectId);

  const onLogout = async () => {
    try {
      await logout();
    } finally {
      signOut();
      navigate('/login');
    }
  };

  return (
    <div className="app">
      <header className="app-header" data-testid="app-header">
        <Link href="/" className="brand" aria-label="Assay home">
          <img src="/favicon.svg" alt="" width={22} height={22} />
          <span>Assay</span>
        </Link>
        <SelectField
          label="Project"
          className="project-switcher"
          labelClassName="project-switcher-label"
          value={projectId}
          onChange={(event) => navigate(`/p/${encodeURIComponent(event.target.value)}/prompts`)}
          testId="project-switcher"
        >
          {!current && <option value={projectId}>{projectId}</option>}
          {items.map((access) => (
            <option key={access.project.id} value={access.project.id}>
              {access.project.displayName || access.project.name}
            </option>
          ))}
        </SelectField>
        <div className="header-spacer" />
        {current && <span className="role-chip" data-testid="current-role">{current.role}</span>}
        {session?.user && (
          <span className="user-name" data-testid="user-name" title={session.user.email}>
            {session.user.name}
          </span>
        )}
        <button type="button" className="button button-ghost button-on-dark" onClick={() => void onLogout()} data-testid="logout-button">
          Log out
        </button>
      </header>
      <nav className="side-nav" aria-label="Sections">
        <ul>
          {sections.filter((section) => !current || roleAtLeast(current.role, section.minimumRole)).map((section) => {
            const href = `/p/${encodeURIComponent(projectId)}/${section.path}`;
            const active = location === href || location.startsWith(`${href}/`) || (section.path === 'runs' && location.startsWith(`/p/${encodeURIComponent(projectId)}/compare`));
            return (
              <li key={section.path}>
                <Link href={href} className={active ? 'nav-link active' : 'nav-link'} aria-current={active ? 'page' : undefined} data-testid={section.testId}>
                  {section.label}
                </Link>
              </li>
            );
          })}
        </ul>
      </nav>
      <main className="content">
        <ErrorBanner error={projects.error} />
        <ErrorBoundary resetKey={location}>{children}</ErrorBoundary>
      </main>
    </div>
  );
}

/** The page title row: heading, optional subtitle and actions on the right. */
export function PageHeader({ title, subtitle, actions, testId }: { title: ReactNode; subtitle?: ReactNode; actions?: ReactNode; testId?: string }) {
  return (
    <div className="page-header" data-testid={testId}>
      <div>
        <h1>{title}</h1>
        {subtitle && <div className="page-subtitle">{subtitle}</div>}
      </div>
      {actions && <div className="page-actions">{actions}</div>}
    </div>
  );
}
