import { useState } from 'react';
import { listChangeRequests } from '../../api.ts';
import { useCursorPages } from '../../hooks/use-cursor-pages.ts';
import { useResource } from '../../hooks/use-resource.ts';
import { useProjectRole } from '../../session.tsx';
import type { ChangeRequest, ChangeRequestStatus } from '../../types.ts';
import { ErrorBanner } from '../error-banner.tsx';
import { Empty, Loading } from '../loading.tsx';
import { CursorPager } from '../pager.tsx';
import { SelectField } from '../select-field.tsx';
import { ChangeRequestCard } from './change-request-card.tsx';

const statuses: ChangeRequestStatus[] = ['pending', 'approved', 'rejected', 'applied', 'superseded', 'cancelled'];

/** Change requests (approvals of label moves) for one prompt. */
export function ChangeRequestsSection({
  projectId,
  promptName,
  onApplied,
  onChanged,
}: {
  projectId: string;
  promptName: string;
  onApplied: () => void;
  /** After a review, apply or cancel: the tab's pending count is stale. */
  onChanged: () => void;
}) {
  const role = useProjectRole(projectId);
  const [status, setStatus] = useState<ChangeRequestStatus | ''>('');
  const pages = useCursorPages(`${promptName}/${status}`);
  const requests = useResource(
    (signal) => listChangeRequests(projectId, { promptName, status: status || undefined, limit: 20, cursor: pages.cursor }, signal),
    [projectId, promptName, status, pages.cursor],
  );

  const replace = (updated: ChangeRequest) => {
    if (!requests.data) return;
    requests.setData({ ...requests.data, items: requests.data.items.map((item) => (item.id === updated.id ? updated : item)) });
    // A review or apply names someone this page may not have names for yet.
    requests.reload();
    onChanged();
  };

  return (
    <section data-testid="change-requests-section">
      <div className="toolbar">
        <SelectField label="Status" className="field-inline" value={status} onChange={(event) => setStatus(event.target.value as ChangeRequestStatus | '')}>
          <option value="">All</option>
          {statuses.map((item) => (
            <option key={item} value={item}>
              {item}
            </option>
          ))}
        </SelectField>
        <button type="button" className="button button-ghost" onClick={requests.reload}>
          Refresh
        </button>
      </div>
      <ErrorBanner error={requests.error} />
      {!requests.data && requests.loading && <Loading what="Loading change requests" />}
      {requests.data && requests.data.items.length === 0 && <Empty>No change requests{status ? ` with status ${status}` : ''}.</Empty>}
      {requests.data && (
        <div className="stack">
          {requests.data.items.map((request) => (
            <ChangeRequestCard key={request.id} projectId={projectId} request={request} role={role} names={requests.data?.names ?? {}} onChanged={replace} onApplied={onApplied} />
          ))}
        </div>
      )}
      {requests.data && (
        <CursorPager page={pages.page} hasPrevious={pages.hasPrevious} nextCursor={requests.data.nextCursor} onPrevious={pages.previous} onNext={pages.next} testId="change-requests" />
      )}
    </section>
  );
}
