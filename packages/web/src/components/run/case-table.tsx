import { useState } from 'react';
import { listResults } from '../../api.ts';
import { formatDuration, formatNumber, formatScore, formatUsd, truncate } from '../../format.ts';
import { useDebounced } from '../../hooks/use-debounced.ts';
import { useResource } from '../../hooks/use-resource.ts';
import type { CaseOutcome, CaseResult } from '../../types.ts';
import { OutcomeBadge } from '../badge.tsx';
import { ErrorBanner } from '../error-banner.tsx';
import { Empty, Loading } from '../loading.tsx';
import { OffsetPager } from '../pager.tsx';
import { SelectField } from '../select-field.tsx';
import { CasePanel } from './case-panel.tsx';
import { StoredShapeNotice } from './stored-shape-notice.tsx';
import { caseOutcome, failedAssertions } from './outcome.ts';

const pageSize = 50;

/** The run's cases, one page of 50 at a time (a 20,000-case run never loads more than that). */
export function CaseTable({ projectId, runId }: { projectId: string; runId: string }) {
  const [outcome, setOutcome] = useState<CaseOutcome | ''>('');
  const [queryInput, setQueryInput] = useState('');
  const query = useDebounced(queryInput.trim());
  const [offset, setOffset] = useState(0);
  const [openIndex, setOpenIndex] = useState<number | null>(null);
  const results = useResource(
    (signal) => listResults(projectId, runId, { offset, limit: pageSize, outcome: outcome || undefined, q: query || undefined }, signal),
    [projectId, runId, offset, outcome, query],
  );
  const page = results.data?.items ?? [];
  const items = page.map((item) => item.value);
  const malformed = page.filter((item) => item.problems.length > 0);
  const open = openIndex === null ? undefined : page[openIndex];
  const changeFilter = () => {
    setOffset(0);
    setOpenIndex(null);
  };

  return (
    <section data-testid="case-section">
      <div className="filters">
        <SelectField
          label="Outcome"
          className="field-inline"
          value={outcome}
          onChange={(event) => {
            setOutcome(event.target.value as CaseOutcome | '');
            changeFilter();
          }}
        >
          <option value="">All</option>
          <option value="pass">Passed</option>
          <option value="fail">Failed</option>
          <option value="error">Errors</option>
        </SelectField>
        <label className="field-inline grow">
          <span>Search</span>
          <input
            type="search"
            value={queryInput}
            onChange={(event) => {
              setQueryInput(event.target.value);
              changeFilter();
            }}
            placeholder="case id, variables or output"
          />
        </label>
        {results.data && (
          <span className="muted small" data-testid="cases-total">
            {formatNumber(results.data.total)} case(s)
          </span>
        )}
      </div>
      <ErrorBanner error={results.error} />
      <StoredShapeNotice
        what={`${malformed.length} of the ${items.length} cases on this page`}
        problems={[...new Set(malformed.flatMap((item) => item.problems))]}
        testId="cases-shape-problems"
      />
      {!results.data && results.loading && <Loading what="Loading cases" />}
      {results.data && items.length === 0 && <Empty>No cases match.</Empty>}
      {items.length > 0 && (
        <div className={results.loading ? 'table-wrap stale' : 'table-wrap'}>
          <table className="table table-clickable" data-testid="cases-table">
            <thead>
              <tr>
                <th className="num">#</th>
                <th>Case</th>
                <th>Prompt × provider</th>
                <th>Outcome</th>
                <th className="num">Score</th>
                <th className="num">Latency</th>
                <th className="num">Cost</th>
                <th>Why · output</th>
              </tr>
            </thead>
            <tbody>
              {items.map((result, index) => (
                <tr
                  key={result.key}
                  tabIndex={0}
                  className={openIndex === index ? 'selected' : undefined}
                  onClick={() => setOpenIndex(index)}
                  onKeyDown={(event) => {
                    if (event.key === 'Enter' || event.key === ' ') {
                      event.preventDefault();
                      setOpenIndex(index);
                    }
                  }}
                  data-testid="case-row"
                  data-case-id={result.caseId}
                >
                  <td className="num muted">{formatNumber(result.caseIndex)}</td>
                  <td className="mono nowrap">
                    {result.caseId}
                    {result.repeat > 0 && <span className="muted"> #{result.repeat}</span>}
                  </td>
                  <td className="nowrap">
                    {result.promptId} × {result.providerId}
                  </td>
                  <td>
                    <OutcomeBadge outcome={caseOutcome(result)} />
                  </td>
                  <td className="num">{formatScore(result.score)}</td>
                  <td className="num">{formatDuration(result.latencyMs)}</td>
                  <td className="num">{formatUsd(result.cost)}</td>
                  <td className="output-preview">
                    <WhyAndOutput result={result} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {results.data && results.data.total > 0 && (
        <OffsetPager
          offset={offset}
          limit={pageSize}
          total={results.data.total}
          onChange={(next) => {
            setOffset(next);
            setOpenIndex(null);
          }}
          testId="cases"
        />
      )}
      {open && openIndex !== null && (
        <CasePanel
          result={open.value}
          problems={open.problems}
          onClose={() => setOpenIndex(null)}
          onPrevious={openIndex > 0 ? () => setOpenIndex(openIndex - 1) : undefined}
          onNext={openIndex < items.length - 1 ? () => setOpenIndex(openIndex + 1) : undefined}
        />
      )}
    </section>
  );
}

const oneLine = (text: string, max: number) => truncate(text.replace(/\s+/g, ' ').trim(), max);

/**
 * What a reader needs first (issue 11: failed rows showed only the output): an error, or the
 * failed assertions root cause first, then the output below them, shorter.
 */
function WhyAndOutput({ result }: { result: CaseResult }) {
  if (result.error) {
    return (
      <span className="why text-warn" data-testid="case-why">
        {oneLine(result.error, 140)}
      </span>
    );
  }
  const failed = caseOutcome(result) === 'fail' ? failedAssertions(result) : [];
  if (failed.length === 0) return <>{oneLine(result.output, 140)}</>;
  const [first, ...rest] = failed;
  return (
    <>
      <span className="why" data-testid="case-why">
        <span className="text-bad">✗</span> <span className="mono">{first!.type}</span>: {oneLine(first!.reason, 110)}
        {rest.length > 0 && <span className="muted"> · +{rest.length} more</span>}
      </span>
      <span className="why-output muted" data-testid="case-row-output">
        {oneLine(result.output, 100) || '(empty output)'}
      </span>
    </>
  );
}
