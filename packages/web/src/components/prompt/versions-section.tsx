import { Fragment, useState } from 'react';
import { getDiff, listVersions } from '../../api.ts';
import { formatDateTime, shortId } from '../../format.ts';
import { useCursorPages } from '../../hooks/use-cursor-pages.ts';
import { useResource } from '../../hooks/use-resource.ts';
import { RiskBadge } from '../badge.tsx';
import { DiffView } from '../diff-view.tsx';
import { ErrorBanner } from '../error-banner.tsx';
import { Loading } from '../loading.tsx';
import { CursorPager } from '../pager.tsx';

/** The versions of a prompt, newest first; pick two for a diff, or open one's source. */
export function VersionsSection({ projectId, promptName }: { projectId: string; promptName: string }) {
  const pages = useCursorPages(`${projectId}/${promptName}`);
  const versions = useResource((signal) => listVersions(projectId, promptName, { limit: 50, cursor: pages.cursor }, signal), [projectId, promptName, pages.cursor]);
  const [picked, setPicked] = useState<number[]>([]);
  const [diffRange, setDiffRange] = useState<{ from: number; to: number } | null>(null);
  const [openSource, setOpenSource] = useState<number | null>(null);
  const diff = useResource(
    (signal) => getDiff(projectId, promptName, diffRange!.from, diffRange!.to, signal),
    [projectId, promptName, diffRange?.from, diffRange?.to],
    diffRange !== null,
  );

  const toggle = (version: number) =>
    setPicked((current) => (current.includes(version) ? current.filter((item) => item !== version) : [...current, version].slice(-2)));
  const showDiff = (from: number, to: number) => setDiffRange({ from: Math.min(from, to), to: Math.max(from, to) });

  if (versions.error && !versions.data) return <ErrorBanner error={versions.error} />;
  if (!versions.data) return <Loading what="Loading versions" />;

  return (
    <section data-testid="versions-section">
      <div className="toolbar">
        <span className="muted">{picked.length === 2 ? `Selected v${Math.min(...picked)} and v${Math.max(...picked)}` : 'Tick two versions to compare them.'}</span>
        <button
          type="button"
          className="button button-primary"
          disabled={picked.length !== 2}
          onClick={() => showDiff(picked[0]!, picked[1]!)}
          data-testid="diff-button"
        >
          Show diff
        </button>
      </div>
      <ErrorBanner error={versions.error} />
      <div className="table-wrap">
        <table className="table" data-testid="versions-table">
          <thead>
            <tr>
              <th className="check">
                <span className="visually-hidden">Select</span>
              </th>
              <th>Version</th>
              <th>Created</th>
              <th>Author</th>
              <th>Message</th>
              <th>Risk tier</th>
              <th>Hash</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {versions.data.items.map((version) => (
              <Fragment key={version.version}>
                <tr data-testid="version-row" data-version={version.version} className={picked.includes(version.version) ? 'selected' : undefined}>
                  <td className="check">
                    <input
                      type="checkbox"
                      aria-label={`Select v${version.version}`}
                      checked={picked.includes(version.version)}
                      onChange={() => toggle(version.version)}
                      data-testid="version-select"
                    />
                  </td>
                  <td className="strong">v{version.version}</td>
                  <td className="nowrap">{formatDateTime(version.createdAt)}</td>
                  <td>{version.author}</td>
                  <td className="wrap">{version.message ?? <span className="muted">—</span>}</td>
                  <td>
                    <RiskBadge tier={version.metadata.riskTier ?? null} />
                  </td>
                  <td className="mono muted" title={version.contentHash}>
                    {shortId(version.contentHash, 10)}
                  </td>
                  <td className="actions">
                    {version.version > 1 && (
                      <button type="button" className="button button-small button-ghost" onClick={() => showDiff(version.version - 1, version.version)}>
                        Diff v{version.version - 1}
                      </button>
                    )}
                    <button
                      type="button"
                      className="button button-small button-ghost"
                      aria-expanded={openSource === version.version}
                      onClick={() => setOpenSource(openSource === version.version ? null : version.version)}
                    >
                      {openSource === version.version ? 'Hide source' : 'Source'}
                    </button>
                  </td>
                </tr>
                {openSource === version.version && (
                  <tr className="detail-row">
                    <td colSpan={8}>
                      <pre className="code-block" data-testid="version-source">
                        {version.source}
                      </pre>
                    </td>
                  </tr>
                )}
              </Fragment>
            ))}
          </tbody>
        </table>
      </div>
      <CursorPager page={pages.page} hasPrevious={pages.hasPrevious} nextCursor={versions.data.nextCursor} onPrevious={pages.previous} onNext={pages.next} testId="versions" />
      {diffRange && (
        <div className="panel">
          <div className="panel-header">
            <h2>Diff</h2>
            <button type="button" className="button button-small button-ghost" onClick={() => setDiffRange(null)}>
              Close
            </button>
          </div>
          <ErrorBanner error={diff.error} />
          {diff.loading && <Loading what="Loading diff" />}
          {diff.data && !diff.loading && <DiffView diff={diff.data} />}
        </div>
      )}
    </section>
  );
}
