import { useState, type FormEvent } from 'react';
import { Redirect, useLocation } from 'wouter';
import { createProject, listProjects, logout } from '../api.ts';
import { ErrorBanner } from '../components/error-banner.tsx';
import { Loading } from '../components/loading.tsx';
import { useAction } from '../hooks/use-action.ts';
import { useResource } from '../hooks/use-resource.ts';
import { useSession } from '../session.tsx';
import { AuthFrame } from './auth-frame.tsx';

/** `/`: sends the user to the first project's prompts, or offers to create one. */
export function HomePage() {
  const { session, signOut, refresh } = useSession();
  const [, navigate] = useLocation();
  const signedIn = Boolean(session?.user);
  const projects = useResource((signal) => listProjects(signal), [signedIn], signedIn);
  const [name, setName] = useState('');
  const [displayName, setDisplayName] = useState('');
  const create = useAction(async () => {
    const { project } = await createProject({ name, displayName: displayName || undefined });
    await refresh();
    navigate(`/p/${encodeURIComponent(project.id)}/prompts`);
  });

  if (!session) return <Loading />;
  if (!session.user) return <Redirect to="/login" replace />;
  if (projects.loading || (!projects.data && !projects.error)) return <Loading what="Loading projects" />;
  const first = projects.data?.items[0];
  if (first) return <Redirect to={`/p/${encodeURIComponent(first.project.id)}/prompts`} replace />;

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void create.run();
  };

  return (
    <AuthFrame title="No projects yet">
      <ErrorBanner error={projects.error ?? create.error} />
      {session.user.isAdmin ? (
        <form className="form" onSubmit={onSubmit} data-testid="create-project-form">
          <p className="muted">Create the first project. Prompts, runs and API keys belong to a project.</p>
          <label className="field">
            <span>Project name</span>
            <input required pattern="[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?" value={name} onChange={(event) => setName(event.target.value)} placeholder="support-bot" />
            <small className="hint">Lowercase letters, digits and inner hyphens.</small>
          </label>
          <label className="field">
            <span>Display name</span>
            <input value={displayName} onChange={(event) => setDisplayName(event.target.value)} placeholder="Support bot" />
          </label>
          <button type="submit" className="button button-primary button-wide" disabled={create.pending}>
            Create project
          </button>
        </form>
      ) : (
        <p>You are not a member of any project yet. Ask an administrator to add you.</p>
      )}
      <button
        type="button"
        className="button button-ghost button-wide"
        onClick={() => void logout().finally(() => { signOut(); navigate('/login'); })}
        data-testid="logout-button"
      >
        Log out
      </button>
    </AuthFrame>
  );
}
