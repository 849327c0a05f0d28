import { listRuns } from '../api.ts';
import { ErrorBanner } from '../components/error-banner.tsx';
import { PageHeader } from '../components/layout.tsx';
import { Empty, Loading } from '../components/loading.tsx';
import { useResource } from '../hooks/use-resource.ts';
import { RunsPage } from './runs-page.tsx';

/**
 * `assay view`'s runs page: the dashboard's, except for a folder without runs, which is told to
 * run `assay eval` here (the viewer takes no uploads).
 */
export function ViewerRunsPage({ projectId }: { projectId: string }) {
  const first = useResource((signal) => listRuns(projectId, { limit: 1 }, signal), [projectId]);
  if (first.error) return <ErrorBanner error={first.error} />;
  if (!first.data) return <Loading what="Loading runs" />;
  if (first.data.total > 0) return <RunsPage projectId={projectId} />;
  return (
    <>
      <PageHeader
        title="Runs"
        subtitle={
          <>
            The runs <code>assay eval</code> stored in this folder.
          </>
        }
      />
      <div data-testid="viewer-no-runs">
        <Empty>
          No runs here yet. Run <code>assay eval</code> in this folder (or <code>assay eval --watch</code> to run again on every change), then reload this page.
        </Empty>
      </div>
    </>
  );
}
