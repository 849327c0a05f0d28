import { Link } from 'wouter';
import { getPrompt, listChangeRequests } from '../api.ts';
import { RiskBadge } from '../components/badge.tsx';
import { ErrorBanner } from '../components/error-banner.tsx';
import { PageHeader } from '../components/layout.tsx';
import { Loading } from '../components/loading.tsx';
import { ChangeRequestsSection } from '../components/prompt/change-requests-section.tsx';
import { ChangelogSection } from '../components/prompt/changelog-section.tsx';
import { LabelsSection } from '../components/prompt/labels-section.tsx';
import { VersionsSection } from '../components/prompt/versions-section.tsx';
import { Tabs } from '../components/tabs.tsx';
import { formatDateTime, isOverdue } from '../format.ts';
import { useQueryParams } from '../hooks/use-query-params.ts';
import { useResource } from '../hooks/use-resource.ts';
import { useSession } from '../session.tsx';
import { promptsHref } from './paths.ts';

const tabKeys = ['versions', 'labels', 'requests', 'changelog'] as const;
type TabKey = (typeof tabKeys)[number];

/** `/p/:projectId/prompts/:name`: versions and diffs, labels, change requests, changelog. */
export function PromptPage({ projectId, name }: { projectId: string; name: string }) {
  const [search, setSearch] = useQueryParams();
  const requested = search.get('tab') as TabKey | null;
  const tab: TabKey = requested && tabKeys.includes(requested) ? requested : 'versions';
  const selectTab = (key: TabKey) => setSearch((params) => params.set('tab', key), { replace: true });
  const { session } = useSession();
  const prompt = useResource((signal) => getPrompt(projectId, name, signal), [projectId, name]);
  // Issue 11: the tab said nothing of requests waiting for a review.
  const pending = useResource((signal) => listChangeRequests(projectId, { promptName: name, status: 'pending', limit: 100 }, signal), [projectId, name]);
  const pendingCount = pending.data ? `${pending.data.items.length}${pending.data.nextCursor ? '+' : ''} pending` : undefined;
  const project = session?.projects.find((access) => access.project.id === projectId)?.project;
  const protectedLabels = project?.settings.protectedLabels ?? [];

  if (prompt.error && !prompt.data) {
    return (
      <>
        <PageHeader title={name} subtitle={<Link href={promptsHref(projectId)}>← All prompts</Link>} />
        <ErrorBanner error={prompt.error} />
      </>
    );
  }
  if (!prompt.data) return <Loading what="Loading prompt" />;
  const summary = prompt.data.prompt;

  return (
    <>
      <PageHeader
        testId="prompt-header"
        title={<span className="mono-title">{summary.name}</span>}
        subtitle={
          <span className="meta-line">
            <Link href={promptsHref(projectId)}>← All prompts</Link>
            <span>latest v{summary.latestVersion}</span>
            <span>owner {summary.owner ?? '—'}</span>
            <RiskBadge tier={summary.riskTier} />
            <span className={isOverdue(summary.lastReviewed) ? 'overdue' : undefined}>last reviewed {summary.lastReviewed ?? 'never'}</span>
            <span className="muted">updated {formatDateTime(summary.updatedAt)}</span>
          </span>
        }
      />
      <Tabs
        tabs={[
          { key: 'versions', label: 'Versions', count: summary.latestVersion },
          { key: 'labels', label: 'Labels', count: prompt.data.labels.length },
          { key: 'requests', label: 'Change requests', ...(pending.data?.items.length ? { count: pendingCount, tone: 'attention' as const } : {}) },
          { key: 'changelog', label: 'Changelog' },
        ]}
        selected={tab}
        onSelect={selectTab}
      />
      <div className="tab-panel" role="tabpanel">
        {tab === 'versions' && <VersionsSection projectId={projectId} promptName={name} />}
        {tab === 'labels' && (
          <LabelsSection
            projectId={projectId}
            promptName={name}
            latestVersion={summary.latestVersion}
            labels={prompt.data.labels}
            protectedLabels={protectedLabels}
            onChanged={prompt.reload}
            onChangeRequestCreated={() => {
              pending.reload();
              selectTab('requests');
            }}
          />
        )}
        {tab === 'requests' && <ChangeRequestsSection projectId={projectId} promptName={name} onApplied={prompt.reload} onChanged={pending.reload} />}
        {tab === 'changelog' && <ChangelogSection projectId={projectId} promptName={name} />}
      </div>
    </>
  );
}
