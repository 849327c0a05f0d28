import { useState } from 'react';
import { Link } from 'wouter';
import { listLabelsOf, listPrompts } from '../api.ts';
import { RiskBadge } from '../components/badge.tsx';
import { ErrorBanner } from '../components/error-banner.tsx';
import { PageHeader } from '../components/layout.tsx';
import { Empty, Loading } from '../components/loading.tsx';
import { CursorPager } from '../components/pager.tsx';
import { SelectField } from '../components/select-field.tsx';
import { daysAgo, formatDateTime, formatTargets, isOverdue, reviewIntervalDays } from '../format.ts';
import { useCursorPages } from '../hooks/use-cursor-pages.ts';
import { useDebounced } from '../hooks/use-debounced.ts';
import { useQueryParams } from '../hooks/use-query-params.ts';
import { useResource } from '../hooks/use-resource.ts';
import { riskTiers, type Label, type RiskTier } from '../types.ts';
import { promptHref } from './paths.ts';

const pageSize = 50;

/** `/p/:projectId/prompts`: the registry's prompts, filtered by owner, risk tier and review date. */
export function PromptsPage({ projectId }: { projectId: string }) {
  const [search, setSearch] = useQueryParams();
  const riskTier = (search.get('riskTier') ?? '') as RiskTier | '';
  const overdue = search.get('overdue') === '1';
  const [ownerInput, setOwnerInput] = useState(search.get('owner') ?? '');
  const owner = useDebounced(ownerInput.trim());
  const cutoff = daysAgo(reviewIntervalDays);

  const setFilter = (key: string, value: string) =>
    setSearch(
      (params) => {
        if (value) params.set(key, value);
        else params.delete(key);
      },
      { replace: true },
    );

  const filters = { owner: owner || undefined, riskTier: riskTier || undefined, lastReviewedBefore: overdue ? cutoff : undefined };
  const pages = useCursorPages(JSON.stringify([projectId, filters]));
  const prompts = useResource(
    (signal) => listPrompts(projectId, { ...filters, limit: pageSize, cursor: pages.cursor }, signal),
    [projectId, owner, riskTier, overdue, cutoff, pages.cursor],
  );

  // Issue 11: the list showed no labels. One request for the page's prompts, after they arrive.
  const names = prompts.data?.items.map((prompt) => prompt.name) ?? [];
  const labels = useResource((signal) => listLabelsOf(projectId, names, signal), [projectId, names.join(',')], names.length > 0);
  const labelsOf = (name: string): Label[] => labels.data?.items.filter((label) => label.promptName === name) ?? [];

  return (
    <>
      <PageHeader title="Prompts" subtitle="Versioned prompts in the registry, with their owners and review dates." />
      <form className="filters" onSubmit={(event) => event.preventDefault()} data-testid="prompt-filters">
        <label className="field-inline">
          <span>Owner</span>
          <input
            type="search"
            value={ownerInput}
            onChange={(event) => {
              setOwnerInput(event.target.value);
              setFilter('owner', event.target.value.trim());
            }}
            placeholder="e.g. support-team"
          />
        </label>
        <SelectField label="Risk tier" className="field-inline" value={riskTier} onChange={(event) => setFilter('riskTier', event.target.value)}>
          <option value="">Any</option>
          {riskTiers.map((tier) => (
            <option key={tier} value={tier}>
              {tier}
            </option>
          ))}
        </SelectField>
        <label className="field-check">
          <input type="checkbox" checked={overdue} onChange={(event) => setFilter('overdue', event.target.checked ? '1' : '')} />
          <span>Overdue for review</span>
        </label>
        {overdue && <span className="muted small">Last reviewed before {cutoff} or never.</span>}
      </form>
      <ErrorBanner error={prompts.error} />
      {!prompts.data && prompts.loading && <Loading what="Loading prompts" />}
      {prompts.data && (
        <>
          {prompts.data.items.length === 0 ? (
            <Empty>No prompts match. Push prompt files with <code>assay prompts push</code>.</Empty>
          ) : (
            <div className={prompts.loading ? 'table-wrap stale' : 'table-wrap'}>
              <table className="table" data-testid="prompts-table">
                <thead>
                  <tr>
                    <th>Name</th>
                    <th className="num">Latest</th>
                    <th>Labels</th>
                    <th>Owner</th>
                    <th>Risk tier</th>
                    <th>Last reviewed</th>
                    <th>Updated</th>
                  </tr>
                </thead>
                <tbody>
                  {prompts.data.items.map((prompt) => {
                    const late = isOverdue(prompt.lastReviewed, cutoff);
                    return (
                      <tr key={prompt.id} data-testid="prompt-row" data-prompt-name={prompt.name}>
                        <td>
                          <Link href={promptHref(projectId, prompt.name)} className="strong-link">
                            {prompt.name}
                          </Link>
                        </td>
                        <td className="num">v{prompt.latestVersion}</td>
                        <td data-testid="prompt-labels">
                          <LabelChips labels={labelsOf(prompt.name)} loaded={labels.data !== undefined} />
                        </td>
                        <td>{prompt.owner ?? <span className="muted">—</span>}</td>
                        <td>
                          <RiskBadge tier={prompt.riskTier} />
                        </td>
                        <td className={late ? 'overdue' : undefined} data-overdue={late ? 'true' : 'false'} data-testid="last-reviewed">
                          {prompt.lastReviewed ?? 'never'}
                          {late && <span className="overdue-tag">overdue</span>}
                        </td>
                        <td className="muted">{formatDateTime(prompt.updatedAt)}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
          <CursorPager
            page={pages.page}
            hasPrevious={pages.hasPrevious}
            nextCursor={prompts.data.nextCursor}
            onPrevious={pages.previous}
            onNext={pages.next}
            testId="prompts"
          />
        </>
      )}
    </>
  );
}

/** `production v2`, `canary v3 90% · v4 10%`: where each label points, with the weights of a canary. */
function LabelChips({ labels, loaded }: { labels: Label[]; loaded: boolean }) {
  if (!loaded) return null;
  if (labels.length === 0) return <span className="muted">—</span>;
  return (
    <span className="label-chips">
      {labels.map((label) => (
        <span key={label.name} className="label-chip" data-testid="prompt-label" data-label={label.name} title={`${label.name} r${label.revision}`}>
          <span className="label-chip-name">{label.name}</span>{' '}
          {label.targets.length === 1 ? `v${label.targets[0]!.version}` : formatTargets(label.targets)}
        </span>
      ))}
    </span>
  );
}
