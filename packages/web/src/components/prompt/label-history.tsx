import { labelHistory } from '../../api.ts';
import { formatDateTime, formatTargets } from '../../format.ts';
import { useCursorPages } from '../../hooks/use-cursor-pages.ts';
import { useResource } from '../../hooks/use-resource.ts';
import { ActorLabel } from '../actor-label.tsx';
import { ErrorBanner } from '../error-banner.tsx';
import { Loading } from '../loading.tsx';
import { CursorPager } from '../pager.tsx';

interface LabelHistoryProps {
  projectId: string;
  promptName: string;
  label: string;
  /** Changes when the label moves, so the history reloads. */
  revision: number;
}

/** Every move of one label, newest first. */
export function LabelHistory({ projectId, promptName, label, revision }: LabelHistoryProps) {
  const pages = useCursorPages(`${promptName}/${label}/${revision}`);
  const history = useResource(
    (signal) => labelHistory(projectId, promptName, label, { limit: 20, cursor: pages.cursor }, signal),
    [projectId, promptName, label, revision, pages.cursor],
  );
  if (history.error) return <ErrorBanner error={history.error} />;
  if (!history.data) return <Loading what="Loading history" />;
  const { names } = history.data;
  return (
    <div className="label-history">
      <table className="table table-compact" data-testid="label-history">
        <thead>
          <tr>
            <th>Rev</th>
            <th>When</th>
            <th>Kind</th>
            <th>Targets</th>
            <th>Before</th>
            <th>Who</th>
            <th>Message</th>
          </tr>
        </thead>
        <tbody>
          {history.data.items.map((entry) => (
            <tr key={entry.revision} data-testid="label-history-row">
              <td className="num">r{entry.revision}</td>
              <td className="nowrap">{formatDateTime(entry.createdAt)}</td>
              <td>{entry.kind}</td>
              <td className="nowrap">{formatTargets(entry.targets)}</td>
              <td className="nowrap muted">{formatTargets(entry.previousTargets)}</td>
              <td>
                <ActorLabel actor={entry.actor} names={names} />
              </td>
              <td className="wrap">{entry.message ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <CursorPager page={pages.page} hasPrevious={pages.hasPrevious} nextCursor={history.data.nextCursor} onPrevious={pages.previous} onNext={pages.next} testId="label-history" />
    </div>
  );
}
