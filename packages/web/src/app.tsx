import type { ReactNode } from 'react';
import { Redirect, Route, Switch, useRoute } from 'wouter';
import { ErrorBanner } from './components/error-banner.tsx';
import { ProjectLayout } from './components/layout.tsx';
import { Loading } from './components/loading.tsx';
import { ViewerLayout } from './components/viewer-layout.tsx';
import { AuditPage } from './pages/audit-page.tsx';
import { ComparePage } from './pages/compare-page.tsx';
import { HomePage } from './pages/home-page.tsx';
import { LoginPage } from './pages/login-page.tsx';
import { NotFoundPage } from './pages/not-found-page.tsx';
import { decodeParameter, runsHref } from './pages/paths.ts';
import { PromptPage } from './pages/prompt-page.tsx';
import { PromptsPage } from './pages/prompts-page.tsx';
import { RunPage } from './pages/run-page.tsx';
import { RunsPage } from './pages/runs-page.tsx';
import { SettingsPage } from './pages/settings-page.tsx';
import { SetupPage } from './pages/setup-page.tsx';
import { ViewerRunsPage } from './pages/viewer-runs-page.tsx';
import { SessionProvider, useSession, type ViewerInfo } from './session.tsx';

/** Every page under `/p/:projectId/…`; the layout stays mounted while the page changes. */
function ProjectRoutes({ projectId }: { projectId: string }) {
  const base = `/p/${encodeURIComponent(projectId)}`;
  return (
    <ProjectLayout projectId={projectId}>
      <Switch>
        <Route path="/p/:projectId/prompts">{() => <PromptsPage projectId={projectId} />}</Route>
        <Route path="/p/:projectId/prompts/:name">{(params) => <PromptPage key={params.name} projectId={projectId} name={decodeParameter(params.name)} />}</Route>
        <Route path="/p/:projectId/runs">{() => <RunsPage projectId={projectId} />}</Route>
        <Route path="/p/:projectId/runs/:runId">{(params) => <RunPage key={params.runId} projectId={projectId} runId={decodeParameter(params.runId)} />}</Route>
        <Route path="/p/:projectId/compare">{() => <ComparePage projectId={projectId} />}</Route>
        <Route path="/p/:projectId/audit">{() => <AuditPage projectId={projectId} />}</Route>
        <Route path="/p/:projectId/settings">{() => <SettingsPage projectId={projectId} />}</Route>
        <Route path="/p/:projectId">
          <Redirect to={`${base}/prompts`} replace />
        </Route>
        <Route>
          <NotFoundPage />
        </Route>
      </Switch>
    </ProjectLayout>
  );
}

/** `assay view`: the run, case and compare pages of the viewer's one project; any other path goes to its runs. */
function ViewerRoutes({ projectId, viewer }: { projectId: string; viewer: ViewerInfo }) {
  const base = `/p/${encodeURIComponent(projectId)}`;
  return (
    <ViewerLayout projectId={projectId} viewer={viewer}>
      <Switch>
        <Route path={`${base}/runs`}>{() => <ViewerRunsPage projectId={projectId} />}</Route>
        <Route path={`${base}/runs/:runId`}>{(params) => <RunPage key={params.runId} projectId={projectId} runId={decodeParameter(params.runId)} />}</Route>
        <Route path={`${base}/compare`}>{() => <ComparePage projectId={projectId} />}</Route>
        <Route>
          <Redirect to={runsHref(projectId)} replace />
        </Route>
      </Switch>
    </ViewerLayout>
  );
}

/** Project pages need a signed-in user; anyone else goes to the login page. */
function SignedIn({ children }: { children: ReactNode }) {
  const { session, error } = useSession();
  if (!session) return <Loading />;
  if (!session.user) {
    if (error) return <ErrorBanner error={error} />;
    // The raw path and query (wouter's location is decoded and has no query).
    const next = `${window.location.pathname}${window.location.search}`;
    return <Redirect to={`/login?next=${encodeURIComponent(next)}`} replace />;
  }
  return children;
}

function Routes() {
  const [inProject, params] = useRoute<{ projectId: string }>(/^\/p\/(?<projectId>[^/]+)(?:\/.*)?$/);
  const { session, viewer } = useSession();
  // Under `assay view` there is no login, registry or settings: only the runs of its one project.
  const viewerProject = viewer ? session?.projects[0]?.project.id : undefined;
  if (viewer && viewerProject) return <ViewerRoutes projectId={viewerProject} viewer={viewer} />;
  if (inProject) {
    const projectId = decodeParameter(params.projectId);
    return (
      <SignedIn>
        <ProjectRoutes key={projectId} projectId={projectId} />
      </SignedIn>
    );
  }
  return (
    <Switch>
      <Route path="/setup" component={SetupPage} />
      <Route path="/login" component={LoginPage} />
      <Route path="/" component={HomePage} />
      <Route>
        <NotFoundPage />
      </Route>
    </Switch>
  );
}

export function App() {
  return (
    <SessionProvider>
      <Routes />
    </SessionProvider>
  );
}
