import { useState } from 'react';
import { Link, useLocation } from 'wouter';
import { listRuns } from '../api.ts';
import { RunStatusBadge } from '../components/badge.tsx';
import { ErrorBanner } from '../components/error-banner.tsx';
import { RateBar } from '../components/interval-bar.tsx';
import { PageHeader } from '../components/layout.tsx';
import { Empty, Loading } from '../components/loading.tsx';
import { OffsetPager } from '../components/pager.tsx';
import { formatDateTime, formatNumber, formatPercent, formatUsd } from '../format.ts';
import { useDebounced } from '../hooks/use-debounced.ts';
import { useResource } from '../hooks/use-resource.ts';
import { failedWithoutErrors } from '../components/run/outcome.ts';
import type { RunListItem } from '../types.ts';
import { compareHref, runHref } from './paths.ts';

const pageSize = 50;

/** `/p/:projectId/runs`: eval runs uploaded to the server, newest first; pick two to compare. */
export function RunsPage({ projectId }: { projectId: string }) {
  const [, navigate] = useLocation();
  const [labelInput, setLabelInput] = useState('');
  const label = useDebounced(labelInput.trim());
  const [offset, setOffset] = useState(0);
  const [picked, setPicked] = useState<RunListItem[]>([]);
  const runs = useResource((signal) => listRuns(projectId, { label: label || undefined, limit: pageSize, offset }, signal), [projectId, label, offset]);

  const toggle = (run: RunListItem) =>
    setPicked((current) => (current.some((item) => item.id === run.id) ? current.filter((item) => item.id !== run.id) : [...current, run].slice(-2)));

  const compare = () => {
    // The newer run is the candidate (a), the older one the baseline (b).
    const [first, second] = [...picked].sort((x, y) => x.createdAt.localeCompare(y.createdAt));
    if (first && second) navigate(compareHref(projectId, second.id, first.id));
  };

  return (
    <>
      <PageHeader
        title="Runs"
        subtitle={runs.data ? `${formatNumber(runs.data.total)} run(s)` : 'Eval runs uploaded by the CLI.'}
        actions={
          <button type="button" className="button button-primary" disabled={picked.length !== 2} onClick={compare} data-testid="compare-button">
            Compare {picked.length === 2 ? '2 runs' : `(${picked.length}/2)`}
          </button>
        }
      />
      <div className="filters">
        <label className="field-inline">
          <span>Label</span>
          <input
            type="search"
            value={labelInput}
            onChange={(event) => {
              setLabelInput(event.target.value);
              setOffset(0);
            }}
            placeholder="e.g. main"
          />
        </label>
        <span className="muted small">Tick two runs and press Compare; the newer one is the candidate.</span>
      </div>
      <ErrorBanner error={runs.error} />
      {!runs.data && runs.loading && <Loading what="Loading runs" />}
      {runs.data && runs.data.items.length === 0 && (
        <Empty testId="runs-empty">
          No runs yet. Upload one from your suite's folder with{' '}
          <code>
            ASSAY_SERVER={window.location.origin} ASSAY_API_KEY=… assay eval --upload
          </code>{' '}
          (a key from Settings → API keys), or a run already stored in <code>.assay/</code> with <code>assay runs upload &lt;run id&gt;</code>.
        </Empty>
      )}
      {runs.data && runs.data.items.length > 0 && (
        <>
          <div className={runs.loading ? 'table-wrap stale' : 'table-wrap'}>
            <table className="table" data-testid="runs-table">
              <thead>
                <tr>
                  <th className="check">
                    <span className="visually-hidden">Select</span>
                  </th>
                  <th>Created</th>
                  <th>Run</th>
                  <th>Label</th>
                  <th>Status</th>
                  <th className="num">Cases</th>
                  <th className="num">Pass rate</th>
                  <th className="num" title="Cases whose assertions failed; errors are counted apart">
                    Failed
                  </th>
                  <th className="num">Errors</th>
                  <th className="num">Cost</th>
                </tr>
              </thead>
              <tbody>
                {runs.data.items.map((run) => {
                  const selected = picked.some((item) => item.id === run.id);
                  return (
                    <tr key={run.id} data-testid="run-row" data-run-id={run.id} className={selected ? 'selected' : undefined}>
                      <td className="check">
                        <input type="checkbox" aria-label={`Select run ${run.id}`} checked={selected} onChange={() => toggle(run)} data-testid="run-select" />
                      </td>
                      <td className="nowrap">
                        <Link href={runHref(projectId, run.id)} className="strong-link">
                          {formatDateTime(run.createdAt)}
                        </Link>
                      </td>
                      <td className="mono muted run-id" title={run.id}>
                        {run.id}
                      </td>
                      <td>{run.label ?? <span className="muted">—</span>}</td>
                      <td>
                        <RunStatusBadge status={run.status} />
                      </td>
                      <td className="num">{formatNumber(run.total)}</td>
                      <td className="num nowrap">
                        <RateBar rate={run.passRate} /> {formatPercent(run.passRate)}
                      </td>
                      <td className="num" data-testid="run-failed">
                        {formatNumber(failedWithoutErrors(run.failed, run.errors))}
                      </td>
                      <td className="num" data-testid="run-errors">
                        {formatNumber(run.errors)}
                      </td>
                      <td className="num">{formatUsd(run.cost)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <OffsetPager offset={offset} limit={pageSize} total={runs.data.total} onChange={setOffset} testId="runs" />
        </>
      )}
    </>
  );
}
