import { useState } from 'react';
import { listAuditEvents } from '../api.ts';
import { Badge } from '../components/badge.tsx';
import { ErrorBanner } from '../components/error-banner.tsx';
import { PageHeader } from '../components/layout.tsx';
import { Empty, Loading } from '../components/loading.tsx';
import { CursorPager } from '../components/pager.tsx';
import { formatDateTime, shortId, truncate } from '../format.ts';
import { useCursorPages } from '../hooks/use-cursor-pages.ts';
import { useDebounced } from '../hooks/use-debounced.ts';
import { useResource } from '../hooks/use-resource.ts';
import { ActorLabel } from '../components/actor-label.tsx';
import type { Actor, ActorNames } from '../types.ts';

/**
 * The project-level actions for the filter: those the registry records (`auditActions` in
 * packages/spec/src/registry.ts, minus the instance-level ones) and those the server adds.
 */
const knownActions = [
  'project.update-settings',
  'member.set',
  'member.remove',
  'api-key.create',
  'api-key.revoke',
  'prompt.push',
  'label.set',
  'label.rollback',
  'change-request.create',
  'change-request.approve',
  'change-request.reject',
  'change-request.apply',
  'change-request.cancel',
  'run.upload',
  'run.finish',
];

/** Opaque ids are shortened (the full id is in the tooltip); names like `support/triage@production` are not. */
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-/i;

function ActorCell({ actor, names }: { actor: Actor; names: ActorNames }) {
  const email = actor.id ? names[`${actor.type}:${actor.id}`]?.email : undefined;
  return (
    <span className="actor">
      <Badge tone={actor.type === 'user' ? 'info' : actor.type === 'api-key' ? 'warn' : 'neutral'}>{actor.type}</Badge> <ActorLabel actor={actor} names={names} bare />
      {email && <span className="muted small"> {email}</span>}
    </span>
  );
}

/** A user or key target by name (`member.set` of Sam, `api-key.revoke` of ci-main); anything else as stored. */
function TargetCell({ type, id, names }: { type: string; id: string; names: ActorNames }) {
  const named = type === 'user' || type === 'api-key' ? names[`${type}:${id}`] : undefined;
  return (
    <>
      <span className="muted">{type}</span>{' '}
      <span className={named ? undefined : 'mono'} title={named?.email ?? id} data-testid="audit-target">
        {named ? named.name : uuidPattern.test(id) ? shortId(id) : id}
      </span>
    </>
  );
}

/** `/p/:projectId/audit`: who changed what, newest first (project admins only). */
export function AuditPage({ projectId }: { projectId: string }) {
  const [actionInput, setActionInput] = useState('');
  const action = useDebounced(actionInput.trim());
  const pages = useCursorPages(`${projectId}/${action}`);
  const events = useResource((signal) => listAuditEvents(projectId, { action: action || undefined, limit: 50, cursor: pages.cursor }, signal), [projectId, action, pages.cursor]);
  const names = events.data?.names ?? {};

  return (
    <>
      <PageHeader title="Audit log" subtitle="Every change to this project, who made it and from where." />
      <div className="filters">
        <label className="field-inline">
          <span>Action</span>
          <input type="search" list="audit-actions" value={actionInput} onChange={(event) => setActionInput(event.target.value)} placeholder="e.g. label.set" />
          <datalist id="audit-actions">
            {knownActions.map((item) => (
              <option key={item} value={item} />
            ))}
          </datalist>
        </label>
      </div>
      <ErrorBanner error={events.error} />
      {!events.data && events.loading && <Loading what="Loading audit log" />}
      {events.data && events.data.items.length === 0 && <Empty>No events{action ? ` for ${action}` : ''}.</Empty>}
      {events.data && events.data.items.length > 0 && (
        <div className={events.loading ? 'table-wrap stale' : 'table-wrap'}>
          <table className="table" data-testid="audit-table">
            <thead>
              <tr>
                <th>When</th>
                <th>Who</th>
                <th>Action</th>
                <th>Target</th>
                <th>IP</th>
                <th>Details</th>
              </tr>
            </thead>
            <tbody>
              {events.data.items.map((event) => {
                const details = Object.keys(event.details ?? {}).length ? JSON.stringify(event.details) : '';
                return (
                  <tr key={event.id} data-testid="audit-row" data-action={event.action}>
                    <td className="nowrap">{formatDateTime(event.createdAt)}</td>
                    <td className="nowrap">
                      <ActorCell actor={event.actor} names={names} />
                    </td>
                    <td className="mono nowrap">{event.action}</td>
                    <td>
                      <TargetCell type={event.targetType} id={event.targetId} names={names} />
                    </td>
                    <td className="mono nowrap" title={event.userAgent ?? undefined}>
                      {event.ip ?? '—'}
                    </td>
                    <td className="mono small details-cell" title={details}>
                      {truncate(details, 120)}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {events.data && (
        <CursorPager page={pages.page} hasPrevious={pages.hasPrevious} nextCursor={events.data.nextCursor} onPrevious={pages.previous} onNext={pages.next} testId="audit" />
      )}
    </>
  );
}
