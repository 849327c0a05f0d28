import { Link } from 'wouter';
import { getRun } from '../api.ts';
import { Badge, RunStatusBadge } from '../components/badge.tsx';
import { ErrorBanner } from '../components/error-banner.tsx';
import { PageHeader } from '../components/layout.tsx';
import { Loading } from '../components/loading.tsx';
import { CaseTable } from '../components/run/case-table.tsx';
import { GatesTable, MetricsTable, ThresholdsTable } from '../components/run/checks-tables.tsx';
import { failedWithoutErrors } from '../components/run/outcome.ts';
import { RepeatsSection } from '../components/run/repeats-section.tsx';
import { StoredShapeNotice } from '../components/run/stored-shape-notice.tsx';
import { SummaryCellsTable, SummaryMatrix } from '../components/run/summary-matrix.tsx';
import { formatDateTime, formatDuration, formatNumber, formatPercent, formatUsd } from '../format.ts';
import { useResource } from '../hooks/use-resource.ts';
import { useSession } from '../session.tsx';
import type { SummaryCell } from '../types.ts';
import { promptHref, runsHref } from './paths.ts';

/** `/p/:projectId/runs/:runId`: the summary (matrix, gates) and the cases, a page at a time. */
export function RunPage({ projectId, runId }: { projectId: string; runId: string }) {
  const run = useResource((signal) => getRun(projectId, runId, signal), [projectId, runId]);
  const { viewer } = useSession();

  if (run.error && !run.data) {
    return (
      <>
        <PageHeader title="Run" subtitle={<Link href={runsHref(projectId)}>← All runs</Link>} />
        <ErrorBanner error={run.error} />
      </>
    );
  }
  if (!run.data) return <Loading what="Loading run" />;
  const { value: record, problems, stored } = run.data;
  const summary = record.summary;
  // A run is running until its upload finishes: say how much of it is here (issue 10).
  const partial = stored !== null && (record.status === 'running' || stored < record.total);
  const gatesFailed = summary?.gates.filter((gate) => !gate.ok).length ?? 0;

  return (
    <>
      <PageHeader
        testId="run-header"
        title={
          <>
            Run <span className="mono-title">{record.id}</span>
          </>
        }
        subtitle={
          <span className="meta-line">
            <Link href={runsHref(projectId)}>← All runs</Link>
            {record.label && <Badge tone="info">{record.label}</Badge>}
            <RunStatusBadge status={record.status} />
            <span>started {formatDateTime(record.createdAt)}</span>
            {record.finishedAt && <span>finished {formatDateTime(record.finishedAt)}</span>}
          </span>
        }
      />
      <StoredShapeNotice what="this run" problems={problems} testId="run-shape-problems" />
      {partial && (
        <div className="banner banner-info" role="status" data-testid="run-arrived">
          <div className="banner-body">
            <strong className="banner-title">
              {formatNumber(stored)} of {formatNumber(record.total)} results {viewer ? 'are stored' : 'have arrived'}
            </strong>
            <span className="banner-detail">
              {viewer ? (
                // Issue 11: `assay view` reads the folder's own store, where nothing is uploaded; an unfinished run is resumed.
                <>
                  {record.status === 'running' ? 'The run is still going, or it stopped before it finished' : 'The rest of the planned calls were not run'}:{' '}
                  <code>assay eval --resume {record.id}</code> in this folder runs the rest.
                </>
              ) : record.status === 'running' ? (
                <>
                  The run is still going, or its upload broke off: <code>assay runs upload {record.id}</code> completes it.
                </>
              ) : (
                'The rest of the planned calls were not run or not uploaded.'
              )}
            </span>
          </div>
        </div>
      )}
      {summary ? (
        <>
          <div className="stat-row" data-testid="run-summary">
            <Stat label="Cases" value={formatNumber(summary.total)} />
            <Stat label="Pass rate" value={formatPercent(summary.total ? summary.passed / summary.total : null)} />
            <Stat label="Passed" value={formatNumber(summary.passed)} tone="good" />
            {/* Issue 11: `failed` counts the errors too; passed + failed + errors is the total here. */}
            <Stat label="Failed" value={formatNumber(failedWithoutErrors(summary.failed, summary.errors))} tone={failedWithoutErrors(summary.failed, summary.errors) ? 'bad' : undefined} />
            <Stat label="Errors" value={formatNumber(summary.errors)} tone={summary.errors ? 'warn' : undefined} />
            <Stat label="Cost" value={formatUsd(summary.cost)} />
            <Stat label="Tokens" value={formatNumber(summary.tokens)} />
            <Stat label="Duration" value={formatDuration(summary.durationMs)} />
            {summary.gates.length > 0 && (
              <Stat label="Gates" value={gatesFailed ? `${gatesFailed} failed` : 'all passed'} tone={gatesFailed ? 'bad' : 'good'} />
            )}
          </div>
          {summary.warnings.length > 0 && (
            <ul className="warnings" data-testid="run-warnings">
              {summary.warnings.map((warning) => (
                <li key={warning}>{warning}</li>
              ))}
            </ul>
          )}
          <h2 className="section-title">Pass rate by prompt × provider</h2>
          <SummaryMatrix summary={summary} />
          <TestedVersions projectId={projectId} cells={summary.cells} />
          <details className="disclosure">
            <summary>All cell statistics</summary>
            <SummaryCellsTable summary={summary} />
          </details>
          <RepeatsSection summary={summary} />
          {summary.gates.length > 0 && (
            <>
              <h2 className="section-title">Gates</h2>
              <div className="table-wrap">
                <GatesTable gates={summary.gates} />
              </div>
            </>
          )}
          {summary.thresholds.length > 0 && (
            <>
              <h2 className="section-title">Thresholds</h2>
              <div className="table-wrap">
                <ThresholdsTable thresholds={summary.thresholds} />
              </div>
            </>
          )}
          {summary.metrics.length > 0 && (
            <>
              <h2 className="section-title">Metrics</h2>
              <div className="table-wrap">
                <MetricsTable metrics={summary.metrics} />
              </div>
            </>
          )}
        </>
      ) : (
        <p className="muted" data-testid="run-summary">
          {record.status === 'running' ? 'This run has not finished; its summary appears when it does.' : 'This run has no summary.'} {formatNumber(record.total)}{' '}
          case(s) planned.
        </p>
      )}
      <h2 className="section-title">Cases</h2>
      <CaseTable projectId={projectId} runId={runId} />
    </>
  );
}

/** Issue 11: the registry version each prompt of the run is (matched by content hash when it was uploaded), linked to the prompt's page. */
function TestedVersions({ projectId, cells }: { projectId: string; cells: SummaryCell[] }) {
  const links = new Map<string, { name: string; version: number }>();
  for (const cell of cells) if (cell.registryVersion && !links.has(cell.prompt)) links.set(cell.prompt, cell.registryVersion);
  if (links.size === 0) return null;
  return (
    <p className="meta-line" data-testid="run-registry-versions">
      <span>Registry versions tested:</span>
      {[...links].map(([prompt, link]) => (
        <span key={prompt}>
          {prompt === link.name ? '' : `${prompt} = `}
          <Link href={promptHref(projectId, link.name)}>
            {link.name} v{link.version}
          </Link>
        </span>
      ))}
    </p>
  );
}

function Stat({ label, value, tone }: { label: string; value: string; tone?: 'good' | 'bad' | 'warn' }) {
  return (
    <div className="stat">
      <div className="stat-label">{label}</div>
      <div className={tone ? `stat-value text-${tone}` : 'stat-value'}>{value}</div>
    </div>
  );
}
